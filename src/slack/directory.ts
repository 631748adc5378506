// The workspace's people by id (users.list, paged): names for exports and charts, and who is
// a person rather than an app. One call per 200 people instead of one users.info per person.
import type { webApi } from "@slack/bolt";

export interface DirectoryEntry {
  id: string;
  name: string;
  /** A person with an active account (not a bot, app or deactivated account). */
  active: boolean;
}

// A cap keeps a huge Enterprise Grid from stalling a job.
const MAX_PAGES = 50;

export async function workspaceDirectory(client: webApi.WebClient): Promise<Map<string, DirectoryEntry>> {
  const people = new Map<string, DirectoryEntry>();
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await client.users.list({ limit: 200, ...(cursor ? { cursor } : {}) });
    for (const member of result.members ?? []) {
      if (!member.id) continue;
      const name =
        member.profile?.display_name || member.real_name || member.profile?.real_name || member.name || member.id;
      const active = !member.deleted && !member.is_bot && !member.is_app_user && member.id !== "USLACKBOT";
      people.set(member.id, { id: member.id, name, active });
    }
    cursor = result.response_metadata?.next_cursor || undefined;
    if (!cursor) break;
  }
  return people;
}

/** A person's name from the directory, else their id (the export stays readable either way). */
export function nameIn(directory: Map<string, DirectoryEntry>, userId: string | null): string {
  if (!userId) return "";
  return directory.get(userId)?.name ?? userId;
}
