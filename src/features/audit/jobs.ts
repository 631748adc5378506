// `/delight-admin audit` for a range longer than what fits in Slack: every entry as a CSV,
// uploaded to the admin's DM through the outbox (one upload per command, by its key).
import { stringify } from "csv-stringify/sync";
import { z } from "zod";
import type { AppDeps } from "../../deps.ts";
import type { SlackRouter } from "../../slack/router.ts";
import { dmChannelOf } from "../../slack/dm.ts";
import { SlackWriteRefused } from "../../slack/outbox.ts";
import { neutraliseFormula } from "../export/files.ts";
import { calendarDate } from "../export/model.ts";
import { AUDIT_CSV_COLUMNS, auditCsvRow, queryLabel } from "./blocks.ts";
import { readAudit } from "./service.ts";

export const AUDIT_CSV_JOB = "audit.csv";

export const auditCsvPayload = z.object({
  teamId: z.string(),
  userId: z.string(),
  responseUrl: z.string(),
  query: z.object({ userId: z.string().nullable(), from: calendarDate.nullable(), to: calendarDate.nullable() }),
  /** Entries up to the command's time: a retry builds the same file. */
  at: z.string(),
});
export type AuditCsvPayload = z.infer<typeof auditCsvPayload>;

/** The whole range as CSV (UTF-8 with a byte-order mark, formula-looking cells neutralised). */
export async function buildAuditCsv(
  deps: Pick<AppDeps, "prisma">,
  payload: AuditCsvPayload,
): Promise<{ csv: Buffer; rows: number }> {
  const rows: string[][] = [];
  for await (const entry of readAudit(deps.prisma, payload.teamId, payload.query, { before: new Date(payload.at) })) {
    rows.push(auditCsvRow(entry).map(neutraliseFormula));
  }
  const csv = stringify(rows, { header: true, columns: [...AUDIT_CSV_COLUMNS], bom: true });
  return { csv: Buffer.from(csv, "utf8"), rows: rows.length };
}

export function registerAuditJobs(router: SlackRouter, deps: AppDeps): void {
  deps.jobs.register(AUDIT_CSV_JOB, auditCsvPayload, async (payload, { key, outbox }) => {
    const { csv, rows } = await buildAuditCsv(deps, payload);
    const channelId = await dmChannelOf(router, payload.teamId, payload.userId);
    const label = queryLabel(payload.query);
    try {
      await outbox.uploadFiles(`${key}:files`, {
        channelId,
        initialComment: `The Delight audit log${label ? ` ${label}` : ""}: ${rows} ${rows === 1 ? "entry" : "entries"}, oldest first (times in UTC).`,
        files: [{ filename: `delight-audit-${payload.at.slice(0, 10)}.csv`, title: "Delight audit log", content: csv }],
      });
    } catch (error) {
      if (!(error instanceof SlackWriteRefused)) throw error;
      await outbox.respond(`${key}:refused`, payload.responseUrl, {
        text: `:warning: Slack refused the audit CSV (${error.slackError}). Check that Delight has the \`files:write\` scope, then try again.`,
      });
    }
  });
}
