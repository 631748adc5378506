// Everything Delight stores about a person, table by table: what `/delight-admin person @u
// export` sends. Every Prisma model has an entry (a compile error otherwise, and a test
// enumerates Prisma's models): either how to find the person's rows, or why the table holds
// nothing about a person. Anonymous /holdingback answers are, by design, never a person's data.
import type { Db } from "../../db/database.ts";
import type { Prisma } from "../../generated/prisma/client.ts";

export type PersonRows = (db: Db, teamId: string, userId: string) => Promise<object[]>;
export type PersonDataEntry = { kind: string; rows: PersonRows } | { none: string };

export const PERSON_DATA: Record<Prisma.ModelName, PersonDataEntry> = {
  Workspace: {
    kind: "admin_contact",
    rows: (db, teamId, userId) =>
      db.workspace.findMany({
        where: { teamId, adminContactId: userId },
        select: { teamId: true, adminContactId: true },
      }),
  },
  WorkspaceManager: {
    kind: "manager_roles",
    rows: (db, teamId, userId) =>
      db.workspaceManager.findMany({ where: { teamId, OR: [{ userId }, { addedBy: userId }] } }),
  },
  DigestSchedule: {
    kind: "digest_schedules_created",
    rows: (db, teamId, userId) => db.digestSchedule.findMany({ where: { teamId, createdBy: userId } }),
  },
  DigestIntroCache: { none: "the model's intro to a digest preview, kept an hour; it names no one by id" },
  DigestRun: { none: "digests as posted to channels: the stories in them are exported as stories" },
  Nomination: {
    kind: "stories",
    rows: (db, teamId, userId) =>
      db.nomination.findMany({
        where: { teamId, OR: [{ nominatorId: userId }, { nomineeIds: { has: userId } }, { decidedBy: userId }] },
        orderBy: { createdAt: "asc" },
      }),
  },
  RecoveryCase: {
    kind: "recovery_cases",
    rows: (db, teamId, userId) =>
      db.recoveryCase.findMany({
        where: { teamId, OR: [{ ownerId: userId }, { reporterId: userId }, { resolvedBy: userId }] },
        orderBy: { number: "asc" },
      }),
  },
  RecoveryReminder: { none: "reminder times of a case (the case is exported); no person in it" },
  RecoveryEvent: {
    kind: "recovery_case_updates",
    rows: (db, teamId, userId) =>
      db.recoveryEvent.findMany({
        where: { actorId: userId, recoveryCase: { teamId } },
        orderBy: { createdAt: "asc" },
      }),
  },
  Job: { none: "work waiting to be done, deleted once finished (see retention)" },
  SlackWrite: { none: "messages on their way to Slack, deleted once sent (see retention)" },
  SlackRateGate: { none: "Slack's rate limits per channel or method" },
  SlackPaceLane: { none: "message pacing per channel" },
  Customer: { none: "customers, not people of the workspace" },
  CustomerCase: { none: "links between cases and customers" },
  CustomerNote: {
    kind: "customer_notes",
    rows: (db, teamId, userId) =>
      db.customerNote.findMany({ where: { authorId: userId, customer: { teamId } }, orderBy: { createdAt: "asc" } }),
  },
  SurpriseRequest: {
    kind: "surprise_requests",
    rows: (db, teamId, userId) =>
      db.surpriseRequest.findMany({ where: { teamId, userId }, orderBy: { createdAt: "asc" } }),
  },
  Gesture: {
    kind: "gestures",
    rows: (db, teamId, userId) =>
      db.gesture.findMany({ where: { teamId, givenBy: userId }, orderBy: { givenAt: "asc" } }),
  },
  GestureFeedback: {
    kind: "gesture_votes",
    rows: (db, teamId, userId) =>
      db.gestureFeedback.findMany({ where: { teamId, userId }, orderBy: { createdAt: "asc" } }),
  },
  DumbRule: {
    kind: "dumb_rules",
    rows: (db, teamId, userId) =>
      db.dumbRule.findMany({
        where: { teamId, OR: [{ reporterId: userId }, { decidedBy: userId }] },
        orderBy: { createdAt: "asc" },
      }),
  },
  DumbRuleVote: {
    kind: "dumb_rule_votes",
    rows: (db, teamId, userId) => db.dumbRuleVote.findMany({ where: { userId, rule: { teamId } } }),
  },
  HoldingBack: {
    kind: "holdingback_answers",
    // Named answers only: an anonymous answer has no author, by design.
    rows: (db, teamId, userId) =>
      db.holdingBack.findMany({ where: { teamId, authorId: userId }, orderBy: { createdAt: "asc" } }),
  },
  HoldingBackReply: {
    kind: "holdingback_replies",
    rows: (db, teamId, userId) =>
      db.holdingBackReply.findMany({
        where: { OR: [{ managerId: userId }, { answer: { teamId, authorId: userId } }] },
        orderBy: { createdAt: "asc" },
      }),
  },
  InsightsCharts: {
    kind: "insights_charts",
    rows: (db, teamId, userId) =>
      db.insightsCharts.findMany({ where: { teamId, audience: `user:${userId}` }, orderBy: { day: "asc" } }),
  },
  DirectoryPerson: {
    kind: "directory",
    rows: (db, teamId, userId) => db.directoryPerson.findMany({ where: { teamId, userId } }),
  },
  DirectorySweep: { none: "when the directory was last read from Slack" },
  ErasedPerson: {
    none: "people erased on request, kept out of the directory: a keyed hash, not an id (src/slack/erased-people.ts)",
  },
  DirectoryChannel: {
    kind: "channel_memberships",
    rows: (db, teamId, userId) =>
      db.directoryChannel.findMany({
        where: { teamId, members: { has: userId } },
        select: { teamId: true, channelId: true, readAt: true },
      }),
  },
  CustomerExternalId: { none: "customers' ids in other tools, not people of the workspace" },
  SignalConnection: {
    kind: "signal_connections_created",
    rows: (db, teamId, userId) =>
      db.signalConnection.findMany({
        where: { teamId, createdBy: userId },
        // The signing secret is the connection's, not the person's data.
        select: { id: true, source: true, createdBy: true, createdAt: true, disconnectedAt: true },
      }),
  },
  InboundSignal: {
    none: "customer ratings and updates from helpdesks; an agent is named by email (matched when the signal is processed), not by Slack id",
  },
  SignalRefusal: { none: "why a webhook body was refused; no person in it" },
  SignalSettings: {
    kind: "signals_owner",
    rows: (db, teamId, userId) => db.signalSettings.findMany({ where: { teamId, ownerId: userId } }),
  },
  Nudge: {
    kind: "nudges",
    rows: (db, teamId, userId) => db.nudge.findMany({ where: { teamId, userId }, orderBy: { createdAt: "asc" } }),
  },
  NudgePreference: {
    kind: "nudge_preferences",
    rows: (db, teamId, userId) => db.nudgePreference.findMany({ where: { teamId, userId } }),
  },
  NudgeMute: {
    kind: "nudge_customers_muted",
    rows: (db, teamId, userId) => db.nudgeMute.findMany({ where: { teamId, userId } }),
  },
  SlackInstallation: {
    kind: "installations",
    rows: (db, teamId, userId) =>
      db.slackInstallation.findMany({
        where: { teamId, installerUserId: userId },
        // Never the encrypted installation (tokens): who installed, and when.
        select: { id: true, teamId: true, installerUserId: true, installedAt: true },
      }),
  },
  SlackOrgWorkspace: { none: "which workspaces an Enterprise Grid install serves" },
  SlackUninstall: { none: "when a workspace uninstalled Delight" },
  RetentionPolicy: { none: "how long each kind of data is kept in the workspace" },
  AuditEntry: {
    kind: "audit_entries",
    rows: (db, teamId, userId) =>
      db.auditEntry.findMany({
        where: { teamId, OR: [{ actorId: userId }, { subjectIds: { has: userId } }] },
        orderBy: [{ createdAt: "asc" }, { seq: "asc" }],
      }),
  },
};

/** Every kind of the person's data, with its rows (kinds without rows included, empty). */
export async function collectPersonData(
  db: Db,
  teamId: string,
  userId: string,
): Promise<Array<{ kind: string; table: string; rows: Record<string, unknown>[] }>> {
  const out: Array<{ kind: string; table: string; rows: Record<string, unknown>[] }> = [];
  for (const [table, entry] of Object.entries(PERSON_DATA)) {
    if ("none" in entry) continue;
    const rows = (await entry.rows(db, teamId, userId)) as Record<string, unknown>[];
    out.push({ kind: entry.kind, table, rows });
  }
  return out;
}
