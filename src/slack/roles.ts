// Who may do what. Checked on the server for every action; the UI only hides buttons.
import type { webApi } from "@slack/bolt";
import type { Db } from "../db/database.ts";
import { SlackClients, workspaceInContext } from "./clients.ts";

export interface RoleLookup {
  /** Workspace admin or owner in Slack (or of its Enterprise Grid organisation), or listed in DELIGHT_ADMINS. */
  isAdmin(teamId: string, userId: string): Promise<boolean>;
  /** In the workspace's manager list (`/delight-admin managers add`). */
  isManager(teamId: string, userId: string): Promise<boolean>;
  managerIds(teamId: string): Promise<string[]>;
}

export interface SlackUserProfile {
  id: string;
  isBot: boolean;
  isAdmin: boolean;
  deleted: boolean;
  timezone?: string;
  name?: string;
}

// users.info is rate limited (tier 4); a short cache keeps busy channels fast. It holds no
// decision state, only profile data, so several instances each caching is harmless.
const PROFILE_TTL_MS = 60_000;

export class SlackUsers {
  private readonly cache = new Map<string, { profile: SlackUserProfile; expiresAt: number }>();

  /** `client`: single-workspace mode's; or each workspace's (the one the request or job is for). */
  constructor(private readonly client: webApi.WebClient | SlackClients) {}

  async profile(userId: string): Promise<SlackUserProfile> {
    const teamId = workspaceInContext();
    const cacheKey = `${teamId ?? ""}:${userId}`;
    const cached = this.cache.get(cacheKey);
    if (cached && cached.expiresAt > Date.now()) return cached.profile;
    const client = this.client instanceof SlackClients ? this.client.forTeam(teamId) : this.client;
    const { user } = await client.users.info({ user: userId });
    const profile: SlackUserProfile = {
      id: userId,
      isBot: Boolean(user?.is_bot) || userId === "USLACKBOT",
      // On Enterprise Grid, the organisation's admins and owners count too, whatever their
      // role in this workspace (users.info's enterprise_user).
      isAdmin: Boolean(
        user?.is_admin ||
        user?.is_owner ||
        user?.is_primary_owner ||
        user?.enterprise_user?.is_admin ||
        user?.enterprise_user?.is_owner,
      ),
      deleted: Boolean(user?.deleted),
      timezone: user?.tz,
      name: user?.profile?.display_name || user?.real_name || user?.name,
    };
    this.cache.set(cacheKey, { profile, expiresAt: Date.now() + PROFILE_TTL_MS });
    return profile;
  }
}

export function createRoleLookup(deps: {
  prisma: Db;
  users: SlackUsers;
  configuredAdmins: string[];
  /** Distribution mode: whoever installed Delight in the workspace is its first admin. */
  isInstaller?(teamId: string, userId: string): Promise<boolean>;
}): RoleLookup {
  const configuredAdmins = new Set(deps.configuredAdmins);
  return {
    async isAdmin(teamId, userId) {
      if (configuredAdmins.has(userId)) return true;
      if (deps.isInstaller && (await deps.isInstaller(teamId, userId).catch(() => false))) return true;
      return (await deps.users.profile(userId)).isAdmin;
    },
    async isManager(teamId, userId) {
      const row = await deps.prisma.workspaceManager.findUnique({ where: { teamId_userId: { teamId, userId } } });
      return row !== null;
    },
    async managerIds(teamId) {
      const rows = await deps.prisma.workspaceManager.findMany({ where: { teamId }, orderBy: { addedAt: "asc" } });
      return rows.map((row) => row.userId);
    },
  };
}
