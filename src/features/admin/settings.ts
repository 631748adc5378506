// Workspace settings: the one place features read managers, channels, digests, SLA and
// budget from. Rows are keyed by team id so workspaces never see each other's settings.
import type { Db } from "../../db/database.ts";
import type { Prisma } from "../../generated/prisma/client.ts";
import type { ChannelRole } from "./parse.ts";

/** The client or a transaction's: a change and its audit entry can share one transaction. */
type Client = Db | Prisma.TransactionClient;

export interface WorkspaceRef {
  teamId: string;
  enterpriseId?: string | null;
}

export interface DigestScheduleSetting {
  channelId: string;
  weekday: number;
  hour: number;
  minute: number;
  timezone: string;
}

export interface WorkspaceSettings {
  teamId: string;
  managerIds: string[];
  approvalsChannelId: string | null;
  storiesChannelId: string | null;
  /** Where `/dumbrule` posts rules; null = recorded only (listed and in the digest). */
  dumbRulesChannelId: string | null;
  digests: DigestScheduleSetting[];
  slaMinutes: number;
  /** Empty = default reminders (half-time and 2 hours before the deadline). */
  reminderOffsetsMinutes: number[];
  budget: { cents: number; currency: string } | null;
}

export const DEFAULT_SLA_MINUTES = 24 * 60;

/** Creates the workspace row on first use; safe to call from every request (one INSERT … ON CONFLICT DO NOTHING). */
export async function ensureWorkspace(prisma: Client, workspace: WorkspaceRef): Promise<void> {
  await prisma.workspace.createMany({
    data: [{ teamId: workspace.teamId, enterpriseId: workspace.enterpriseId ?? null }],
    skipDuplicates: true,
  });
}

/**
 * Remembers the admin who last used `/delight-admin` here: the one told when Slack refuses
 * Delight's work for good (besides DELIGHT_ADMINS).
 */
export async function rememberAdminContact(prisma: Client, workspace: WorkspaceRef, userId: string): Promise<void> {
  // One statement (it comes before every admin answer's ack), and no write when it is the same admin.
  await prisma.$executeRaw`INSERT INTO "Workspace" ("teamId", "enterpriseId", "adminContactId", "updatedAt")
    VALUES (${workspace.teamId}, ${workspace.enterpriseId ?? null}, ${userId}, ${new Date()})
    ON CONFLICT ("teamId") DO UPDATE SET "adminContactId" = EXCLUDED."adminContactId", "updatedAt" = EXCLUDED."updatedAt"
    WHERE "Workspace"."adminContactId" IS DISTINCT FROM EXCLUDED."adminContactId"`;
}

export async function getSettings(prisma: Client, workspace: WorkspaceRef): Promise<WorkspaceSettings> {
  const read = () =>
    prisma.workspace.findUnique({
      where: { teamId: workspace.teamId },
      include: {
        managers: { orderBy: { addedAt: "asc" } },
        digestSchedules: { orderBy: [{ weekday: "asc" }, { hour: "asc" }, { minute: "asc" }] },
      },
    });
  let row = await read();
  if (!row) {
    await ensureWorkspace(prisma, workspace);
    row = await read();
    if (!row) throw new Error(`Workspace ${workspace.teamId} could not be created`);
  }
  return {
    teamId: row.teamId,
    managerIds: row.managers.map((m) => m.userId),
    approvalsChannelId: row.approvalsChannelId,
    storiesChannelId: row.storiesChannelId,
    dumbRulesChannelId: row.dumbRulesChannelId,
    digests: row.digestSchedules.map(({ channelId, weekday, hour, minute, timezone }) => ({
      channelId,
      weekday,
      hour,
      minute,
      timezone,
    })),
    slaMinutes: row.slaMinutes,
    reminderOffsetsMinutes: row.reminderOffsetsMinutes,
    budget:
      row.budgetCents !== null && row.budgetCurrency ? { cents: row.budgetCents, currency: row.budgetCurrency } : null,
  };
}

export async function addManagers(
  prisma: Client,
  workspace: WorkspaceRef,
  userIds: string[],
  addedBy: string,
): Promise<void> {
  await ensureWorkspace(prisma, workspace);
  await prisma.workspaceManager.createMany({
    data: userIds.map((userId) => ({ teamId: workspace.teamId, userId, addedBy })),
    skipDuplicates: true,
  });
}

export async function removeManagers(prisma: Client, workspace: WorkspaceRef, userIds: string[]): Promise<void> {
  await prisma.workspaceManager.deleteMany({ where: { teamId: workspace.teamId, userId: { in: userIds } } });
}

export async function setChannel(
  prisma: Client,
  workspace: WorkspaceRef,
  role: ChannelRole,
  /** null: no channel (only the dumb-rules channel may be unset, from App Home → Settings). */
  channelId: string | null,
): Promise<void> {
  await ensureWorkspace(prisma, workspace);
  const column = {
    approvals: "approvalsChannelId",
    stories: "storiesChannelId",
    dumbrules: "dumbRulesChannelId",
  } as const satisfies Record<ChannelRole, string>;
  await prisma.workspace.update({ where: { teamId: workspace.teamId }, data: { [column[role]]: channelId } });
}

export async function upsertDigestSchedule(
  prisma: Client,
  workspace: WorkspaceRef,
  schedule: DigestScheduleSetting,
  createdBy: string,
  /** Slots before this are never posted (a slot earlier today waits for next week). */
  effectiveFrom: Date = new Date(),
): Promise<void> {
  await ensureWorkspace(prisma, workspace);
  const { channelId, ...when } = schedule;
  await prisma.digestSchedule.upsert({
    where: { teamId_channelId: { teamId: workspace.teamId, channelId } },
    create: { teamId: workspace.teamId, channelId, ...when, createdBy, effectiveFrom },
    update: { ...when, effectiveFrom },
  });
}

/** Returns false when the channel had no digest. */
export async function removeDigestSchedule(
  prisma: Client,
  workspace: WorkspaceRef,
  channelId: string,
): Promise<boolean> {
  const { count } = await prisma.digestSchedule.deleteMany({ where: { teamId: workspace.teamId, channelId } });
  return count > 0;
}

export async function setSla(prisma: Client, workspace: WorkspaceRef, slaMinutes: number): Promise<void> {
  await ensureWorkspace(prisma, workspace);
  await prisma.workspace.update({ where: { teamId: workspace.teamId }, data: { slaMinutes } });
}

/** Minutes before the deadline at which owners are reminded; [] = the default schedule. */
export async function setReminderOffsets(
  prisma: Client,
  workspace: WorkspaceRef,
  offsetsMinutes: number[],
): Promise<void> {
  await ensureWorkspace(prisma, workspace);
  await prisma.workspace.update({
    where: { teamId: workspace.teamId },
    data: { reminderOffsetsMinutes: offsetsMinutes },
  });
}

export async function setBudget(
  prisma: Client,
  workspace: WorkspaceRef,
  budget: { cents: number; currency: string } | null,
): Promise<void> {
  await ensureWorkspace(prisma, workspace);
  await prisma.workspace.update({
    where: { teamId: workspace.teamId },
    data: { budgetCents: budget?.cents ?? null, budgetCurrency: budget?.currency ?? null },
  });
}
