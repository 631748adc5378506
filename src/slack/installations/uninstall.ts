// Uninstall (distribution mode). Slack sends `app_uninstalled` and `tokens_revoked` (with the
// bot's user id in `tokens.bot`) when a workspace removes Delight, in either order, and
// possibly late, after a reinstall (bolt-js #1558); bolt-js itself deletes nothing (#1203).
// Either event stops everything for the workspace at once: its installation is deleted (so no
// Web API call can use its token: the resolver answers NotInstalled), its queued jobs and
// unsent outbox writes are cancelled, and it is recorded as uninstalled. Its data is kept for
// UNINSTALL_RETENTION_DAYS and then deleted from every table; a reinstall before that removes
// the record (store.ts) and everything is there again.
// https://docs.slack.dev/reference/events/app_uninstalled
// https://docs.slack.dev/reference/events/tokens_revoked
import type { Logger } from "@slack/bolt";
import type { Clock } from "../../clock.ts";
import type { Db } from "../../db/database.ts";
import type { SlackRouter } from "../router.ts";
import { installationId, type Installations } from "./store.ts";

const DAY_MS = 24 * 60 * 60_000;

export interface UninstallDeps {
  prisma: Db;
  installations: Installations;
  clock: Clock;
  logger: Logger;
  retentionDays: number;
}

export interface UninstallNotice {
  teamId?: string;
  enterpriseId?: string;
  isEnterpriseInstall: boolean;
  /** Slack's event_time: an event older than the installation is about an earlier install. */
  eventTime: Date;
}

/** Stops everything for the workspace (or every workspace of the org); idempotent. Returns the workspaces stopped. */
export async function recordUninstall(deps: UninstallDeps, notice: UninstallNotice): Promise<string[]> {
  const { prisma, clock } = deps;
  const id = installationId(notice);
  if (!id) return [];
  const installation = await prisma.slackInstallation.findUnique({ where: { id }, select: { installedAt: true } });
  // Slack's event_time has whole seconds: only an install in a later second is newer than the
  // event (an uninstall in the same second as the install is about that install).
  const SECOND = 1000;
  if (installation && Math.floor(installation.installedAt.getTime() / SECOND) > notice.eventTime.getTime() / SECOND) {
    deps.logger.info(`Ignored an uninstall event older than installation ${id} (installed again since)`);
    return [];
  }
  const org = id.startsWith("E:");
  const teams = new Set<string>(notice.teamId && !org ? [notice.teamId] : []);
  if (org && notice.enterpriseId) {
    // The org's own work (its installer's welcome) is keyed by the org's id.
    teams.add(notice.enterpriseId);
    const known = await prisma.slackOrgWorkspace.findMany({ where: { enterpriseId: notice.enterpriseId } });
    for (const workspace of known) teams.add(workspace.teamId);
  }
  const teamIds = [...teams];
  const now = clock.now();
  const deleteAfter = new Date(now.getTime() + deps.retentionDays * DAY_MS);
  await prisma.$transaction(async (tx) => {
    await tx.slackInstallation.deleteMany({ where: { id } });
    await tx.slackUninstall.createMany({
      data: teamIds.map((teamId) => ({
        teamId,
        enterpriseId: notice.enterpriseId ?? null,
        uninstalledAt: now,
        deleteAfter,
      })),
      skipDuplicates: true,
    });
    // Running jobs fail on their next call (NotInstalled) and are not retried (workers.ts).
    await tx.job.updateMany({
      where: { teamId: { in: teamIds }, status: "queued" },
      data: { status: "dead", lastError: "uninstalled", finishedAt: now },
    });
    await tx.slackWrite.updateMany({
      where: { teamId: { in: teamIds }, status: "pending" },
      data: { status: "dead", lastError: "uninstalled" },
    });
    // Every instance forgets the installation when this commits (changes.ts).
    await deps.installations.changingInTransaction(tx, id);
  });
  deps.installations.changed(id);
  deps.logger.info(
    `Delight was uninstalled from ${org ? `org ${notice.enterpriseId}` : `workspace ${notice.teamId}`}; its data is kept ${deps.retentionDays} days`,
  );
  return teamIds;
}

/** The uninstall events, for distribution mode. Recorded before the ack: cheap, idempotent writes. */
export function registerUninstallEvents(router: SlackRouter, deps: UninstallDeps): void {
  const notice = (body: unknown): UninstallNotice => {
    const b = body as {
      team_id?: string;
      enterprise_id?: string;
      is_enterprise_install?: boolean;
      event_time?: number;
      authorizations?: Array<{ is_enterprise_install?: boolean }>;
    };
    return {
      teamId: b.team_id,
      enterpriseId: b.enterprise_id,
      isEnterpriseInstall: Boolean(b.is_enterprise_install ?? b.authorizations?.[0]?.is_enterprise_install),
      eventTime: new Date((b.event_time ?? Date.now() / 1000) * 1000),
    };
  };
  router.event("app_uninstalled", async ({ body }) => {
    await recordUninstall(deps, notice(body));
  });
  router.event("tokens_revoked", async ({ body, event }) => {
    // Only the bot's token matters: Delight asks for no user tokens.
    if ((event.tokens.bot ?? []).length === 0) return;
    await recordUninstall(deps, notice(body));
  });
}

/**
 * Deletes every row of workspaces uninstalled longer than their retention: each table with a
 * teamId column (so a table added later is included), the workspace row last (its children
 * without a teamId go with it, ON DELETE CASCADE). Runs hourly (maintenance.ts); idempotent.
 */
export async function purgeUninstalledWorkspaces(prisma: Db, now: Date): Promise<string[]> {
  const due = await prisma.slackUninstall.findMany({ where: { deleteAfter: { lte: now } }, select: { teamId: true } });
  if (due.length === 0) return [];
  const tables = await prisma.$queryRawUnsafe<Array<{ table_name: string }>>(
    `SELECT table_name FROM information_schema.columns
     WHERE table_schema = current_schema() AND column_name = 'teamId' AND table_name NOT IN ('Workspace', 'SlackUninstall')`,
  );
  const purged: string[] = [];
  for (const { teamId } of due) {
    // Tables whose rows point at each other are retried after the others (a few passes).
    let pending = tables.map((t) => t.table_name);
    for (let pass = 0; pass < 5 && pending.length > 0; pass++) {
      const failed: string[] = [];
      for (const table of pending) {
        await prisma
          .$executeRawUnsafe(`DELETE FROM "${table.replace(/"/g, "")}" WHERE "teamId" = $1`, teamId)
          .catch(() => failed.push(table));
      }
      pending = failed;
    }
    await prisma.workspace.deleteMany({ where: { teamId } });
    await prisma.slackUninstall.deleteMany({ where: { teamId } });
    purged.push(teamId);
  }
  return purged;
}
