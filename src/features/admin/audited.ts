// The audit entries of `/delight-admin`: which command writes which action, and the settings
// change written with its entry in one transaction (before → after: only what changed).
import type { SlashCommand } from "@slack/bolt";
import type { AppDeps } from "../../deps.ts";
import type { Prisma } from "../../generated/prisma/client.ts";
import type { AuditQuery, AuditValue } from "../audit/model.ts";
import { formatCalendarDate } from "../export/parse.ts";
import { AUDIT_CSV_JOB, type AuditCsvPayload } from "../audit/jobs.ts";
import { AUDIT_SHOWN } from "../audit/model.ts";
import { renderAudit } from "../audit/blocks.ts";
import { diffSnapshots, listAudit, recordAudit } from "../audit/service.ts";
import type { AdminCommand } from "./parse.ts";
import { getSettings, type WorkspaceRef, type WorkspaceSettings } from "./settings.ts";

/**
 * The audit action of each command; null for the ones that only read. A new command is a
 * compile error here until it says whether and how it is audited (and the e2e test that
 * enumerates the commands checks each one lands in the log).
 */
export const ADMIN_AUDIT_ACTIONS = {
  show: null,
  help: null,
  "digest-list": null,
  managers: (c) => `managers.${c.op}`,
  channel: (c) => `channel.${c.role}`,
  "digest-add": () => "digest.add",
  "digest-remove": () => "digest.remove",
  "digest-send": () => "digest.send",
  sla: () => "settings.sla",
  reminders: () => "settings.reminders",
  budget: () => "settings.budget",
  // Listing what failed only reads; retrying changes what is sent.
  outbox: (c) => (c.retry ? "outbox.retry" : null),
  export: () => "export.stories",
  // Reading the log is not audited; sending it as a file (an export) is.
  audit: () => "audit.export",
  retention: (c) => (c.request.op === "set" ? "retention.set" : null),
  // An erasure is audited when the admin confirms it (src/features/people/erase.ts).
  person: (c) => (c.op === "export" ? "person.export" : null),
} satisfies {
  [K in AdminCommand["kind"]]: ((command: Extract<AdminCommand, { kind: K }>) => string | null) | null;
};

export function auditActionOf(command: AdminCommand): string | null {
  const entry = ADMIN_AUDIT_ACTIONS[command.kind] as ((c: AdminCommand) => string | null) | null;
  return entry ? entry(command) : null;
}

function snapshot(settings: WorkspaceSettings): Record<string, AuditValue> {
  const { teamId: _teamId, ...rest } = settings;
  return JSON.parse(JSON.stringify(rest)) as Record<string, AuditValue>;
}

/**
 * Runs a settings change and appends its audit entry in one transaction: the entry holds the
 * settings that changed, before and after. Returns the settings after the change.
 */
export async function changeSettingsAudited(
  deps: Pick<AppDeps, "prisma" | "clock">,
  workspace: WorkspaceRef,
  entry: { actorId: string; action: string; subjectIds?: string[]; target?: string | null },
  change: (tx: Prisma.TransactionClient) => Promise<unknown>,
): Promise<WorkspaceSettings> {
  return deps.prisma.$transaction(async (tx) => {
    const before = snapshot(await getSettings(tx, workspace));
    await change(tx);
    const settings = await getSettings(tx, workspace);
    const after = snapshot(settings);
    const diff = diffSnapshots(before, after);
    await recordAudit(tx, {
      teamId: workspace.teamId,
      ...entry,
      before: diff?.before ?? null,
      after: diff?.after ?? null,
      at: deps.clock.now(),
    });
    return settings;
  });
}

/** The latest 50 entries for the ack; a longer range is also sent as a CSV (a job, audited). */
export async function answerAudit(
  deps: Pick<AppDeps, "prisma" | "clock" | "jobs">,
  command: Pick<SlashCommand, "team_id" | "user_id" | "response_url" | "trigger_id">,
  query: AuditQuery,
) {
  const { entries, total } = await listAudit(deps.prisma, command.team_id, query, AUDIT_SHOWN);
  if (total > entries.length) {
    const payload: AuditCsvPayload = {
      teamId: command.team_id,
      userId: command.user_id,
      responseUrl: command.response_url,
      query,
      at: deps.clock.now().toISOString(),
    };
    await deps.prisma.$transaction(async (tx) => {
      await deps.jobs.enqueueInTransaction(tx, AUDIT_CSV_JOB, payload, {
        key: `audit-csv:${command.trigger_id}`,
        teamId: command.team_id,
      });
      await recordAudit(tx, {
        teamId: command.team_id,
        actorId: command.user_id,
        action: "audit.export",
        subjectIds: query.userId ? [query.userId] : [],
        after: {
          entries: total,
          from: query.from ? formatCalendarDate(query.from) : null,
          to: query.to ? formatCalendarDate(query.to) : null,
        },
        at: deps.clock.now(),
      });
    });
  }
  return renderAudit(entries, total, query);
}
