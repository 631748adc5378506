// `/delight-admin person @u export`: everything stored about a person (data.ts) as one JSON
// file and one CSV per kind of data, uploaded to the admin's DM through the outbox. Rebuilt
// from the database on a retry (the files are never stored); the upload's key sends it once.
import { stringify } from "csv-stringify/sync";
import { z } from "zod";
import type { AppDeps } from "../../deps.ts";
import type { SlackRouter } from "../../slack/router.ts";
import { SlackWriteRefused } from "../../slack/outbox.ts";
import type { FileToUpload } from "../../slack/outbox.ts";
import { dmChannelOf } from "../../slack/dm.ts";
import { neutraliseFormula } from "../export/files.ts";
import { collectPersonData } from "./data.ts";

export const PERSON_EXPORT_JOB = "people.export";
export const personExportPayload = z.object({
  teamId: z.string(),
  adminId: z.string(),
  userId: z.string(),
  responseUrl: z.string(),
  at: z.string(),
});
export type PersonExportPayload = z.infer<typeof personExportPayload>;

function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return value.toString();
  return JSON.stringify(value) ?? "";
}

export async function buildPersonExport(
  deps: Pick<AppDeps, "prisma">,
  payload: Pick<PersonExportPayload, "teamId" | "userId" | "at">,
): Promise<{ files: FileToUpload[]; kinds: Array<{ kind: string; rows: number }> }> {
  const data = await collectPersonData(deps.prisma, payload.teamId, payload.userId);
  const json = {
    person: payload.userId,
    workspace: payload.teamId,
    exportedAt: payload.at,
    note: "Anonymous /holdingback answers are never linked to a person, so they are not part of anyone's data.",
    data: Object.fromEntries(data.map((d) => [d.kind, d.rows])),
  };
  const base = `delight-person-${payload.userId}-${payload.at.slice(0, 10)}`;
  const files: FileToUpload[] = [
    {
      filename: `${base}.json`,
      title: `Delight data: ${payload.userId}.json`,
      content: Buffer.from(JSON.stringify(json, null, 2)),
    },
  ];
  for (const { kind, rows } of data) {
    if (rows.length === 0) continue;
    const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    const csv = stringify(
      rows.map((r) => columns.map((c) => neutraliseFormula(cell(r[c])))),
      { header: true, columns, bom: true },
    );
    files.push({ filename: `${base}-${kind}.csv`, title: `${kind}.csv`, content: Buffer.from(csv, "utf8") });
  }
  return { files, kinds: data.map((d) => ({ kind: d.kind, rows: d.rows.length })) };
}

export function registerPersonExportJob(router: SlackRouter, deps: AppDeps): void {
  deps.jobs.register(PERSON_EXPORT_JOB, personExportPayload, async (payload, { key, outbox }) => {
    const { files, kinds } = await buildPersonExport(deps, payload);
    const channelId = await dmChannelOf(router, payload.teamId, payload.adminId);
    const found = kinds.filter((k) => k.rows > 0);
    try {
      await outbox.uploadFiles(`${key}:files`, {
        channelId,
        initialComment: `Everything Delight stores about <@${payload.userId}>: ${found.length === 0 ? "nothing" : found.map((k) => `${k.kind} (${k.rows})`).join(", ")}. One JSON file with all of it, and one CSV per kind.`,
        files,
      });
    } catch (error) {
      if (!(error instanceof SlackWriteRefused)) throw error;
      await outbox.respond(`${key}:refused`, payload.responseUrl, {
        text: `:warning: Slack refused the export files (${error.slackError}). Check that Delight has the \`files:write\` scope, then try again.`,
      });
    }
  });
}
