// Recovery cases (OOPS → WOW): opening, the four case actions, reminder scheduling, lists.
// Every state change is a conditional update on `status: open`, so two people clicking at
// once (or a click racing the scheduler) can never resolve, extend or reassign a case twice.
// Text arguments are stored safe mrkdwn (see parse.ts for the convention).
import type { Db } from "../../db/database.ts";
import type { Prisma, RecoveryCase } from "../../generated/prisma/client.ts";
import type { RoleLookup } from "../../slack/roles.ts";
import { plainFromSlack, slackDateToken } from "../../slack/text.ts";
import { ensureWorkspace, type WorkspaceRef } from "../admin/settings.ts";
import { noteCaseCustomer } from "../customers/service.ts";
import type { RecoveryCaseWithTimeline } from "./model.ts";

type Tx = Prisma.TransactionClient;

const MINUTE_MS = 60_000;
/** Default reminders: half-time, and this long before the deadline. */
export const DEFAULT_FINAL_REMINDER_MINUTES = 120;

/**
 * When the owner is reminded: at half-time between `startAt` and `dueAt` and 2 hours before
 * the deadline by default, or `offsetsMinutes` before the deadline when the workspace set
 * its own. Times not after both `startAt` and `now` are skipped (an offset larger than the
 * time left would remind in the past); duplicates collapse. Sorted, earliest first.
 */
export function reminderTimes(args: { startAt: Date; dueAt: Date; offsetsMinutes: number[]; now: Date }): Date[] {
  const { startAt, dueAt, now } = args;
  const due = dueAt.getTime();
  const candidates =
    args.offsetsMinutes.length > 0
      ? args.offsetsMinutes.map((minutes) => due - minutes * MINUTE_MS)
      : [
          startAt.getTime() + Math.floor((due - startAt.getTime()) / 2),
          due - DEFAULT_FINAL_REMINDER_MINUTES * MINUTE_MS,
        ];
  const earliest = Math.max(startAt.getTime(), now.getTime());
  const times = [...new Set(candidates)].filter((t) => t > earliest && t < due).sort((a, b) => a - b);
  return times.map((t) => new Date(t));
}

/** Replaces a case's pending reminders and escalation with a fresh schedule. */
async function reschedule(
  tx: Tx,
  recoveryCase: Pick<RecoveryCase, "id" | "teamId" | "dueAt">,
  startAt: Date,
  offsetsMinutes: number[],
  now: Date,
): Promise<void> {
  await tx.recoveryReminder.updateMany({
    where: { caseId: recoveryCase.id, status: "pending" },
    data: { status: "cancelled", claimedUntil: null },
  });
  const rows = [
    ...reminderTimes({ startAt, dueAt: recoveryCase.dueAt, offsetsMinutes, now }).map((dueAt) => ({
      kind: "reminder" as const,
      dueAt,
    })),
    { kind: "escalation" as const, dueAt: recoveryCase.dueAt },
  ];
  for (const row of rows) {
    // A cancelled row can exist for the same moment (extend back and forth): revive it.
    await tx.recoveryReminder.upsert({
      where: { caseId_kind_dueAt: { caseId: recoveryCase.id, kind: row.kind, dueAt: row.dueAt } },
      create: { caseId: recoveryCase.id, teamId: recoveryCase.teamId, kind: row.kind, dueAt: row.dueAt },
      update: { status: "pending", claimedUntil: null, claimedBy: null, attempts: 0, lastError: null, sentAt: null },
    });
  }
}

export interface OpenCaseInput {
  workspace: WorkspaceRef;
  reporterId: string;
  ownerId: string;
  customer: string;
  description: string;
  link?: string | null;
  /** Deadline override; default: now + the workspace SLA. */
  dueAt?: Date | null;
  /** The modal's view id, when opened from the modal (see RecoveryCase.sourceViewId). */
  sourceViewId?: string | null;
  /** The key of the job opening it (see RecoveryCase.sourceKey). */
  sourceKey?: string | null;
  /** Opened by a customer signal: where from, for the card (see RecoveryCase.origin). */
  origin?: string | null;
}

/** The case a modal view already opened, if any (a resubmission of the same view). */
export async function findCaseByView(prisma: Db, sourceViewId: string): Promise<RecoveryCaseWithTimeline | null> {
  return prisma.recoveryCase.findUnique({
    where: { sourceViewId },
    include: { timeline: { orderBy: { createdAt: "asc" } } },
  });
}

/** The case a job already opened, if any (the job ran again after a crash or a retry). */
export async function findCaseBySource(prisma: Db, sourceKey: string): Promise<RecoveryCaseWithTimeline | null> {
  return prisma.recoveryCase.findUnique({
    where: { sourceKey },
    include: { timeline: { orderBy: { createdAt: "asc" } } },
  });
}

/**
 * True when `error` is a unique-key violation: someone else created the row first. Prisma
 * reports it as P2002, but inside an interactive transaction through a driver adapter
 * (PGlite) it can arrive as the adapter's error, with PostgreSQL's code 23505 as its cause.
 */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; cause?: { code?: unknown; kind?: unknown } } | null;
  return e?.code === "P2002" || e?.cause?.code === "23505" || e?.cause?.kind === "UniqueConstraintViolation";
}

export async function openCase(prisma: Db, now: Date, input: OpenCaseInput): Promise<RecoveryCaseWithTimeline> {
  await ensureWorkspace(prisma, input.workspace);
  const workspace = await prisma.workspace.findUniqueOrThrow({ where: { teamId: input.workspace.teamId } });
  const dueAt = input.dueAt ?? new Date(now.getTime() + workspace.slaMinutes * MINUTE_MS);
  const opened = await prisma.$transaction(async (tx) => {
    // Numbers count per workspace; the row lock of this update orders concurrent openings.
    const { lastCaseNumber } = await tx.workspace.update({
      where: { teamId: input.workspace.teamId },
      data: { lastCaseNumber: { increment: 1 } },
      select: { lastCaseNumber: true },
    });
    const created = await tx.recoveryCase.create({
      data: {
        number: lastCaseNumber,
        teamId: input.workspace.teamId,
        enterpriseId: input.workspace.enterpriseId ?? null,
        reporterId: input.reporterId,
        ownerId: input.ownerId,
        customer: input.customer,
        description: input.description,
        link: input.link ?? null,
        sourceViewId: input.sourceViewId ?? null,
        sourceKey: input.sourceKey ?? null,
        origin: input.origin ?? null,
        reportedAt: now,
        dueAt,
        timeline: { create: { actorId: input.reporterId, kind: "created", createdAt: now } },
      },
      include: { timeline: true },
    });
    await reschedule(tx, created, now, workspace.reminderOffsetsMinutes, now);
    return created;
  });
  // Customers are records: the first mention creates one (src/features/customers).
  await noteCaseCustomer(prisma, input.workspace, opened.id, plainFromSlack(input.customer));
  return opened;
}

export async function getCase(prisma: Db, caseId: string): Promise<RecoveryCaseWithTimeline | null> {
  return prisma.recoveryCase.findUnique({
    where: { id: caseId },
    include: { timeline: { orderBy: { createdAt: "asc" } } },
  });
}

/** The owner or the reporter of a case (with managers, who may act on it and read it). */
export function isParticipant(recoveryCase: Pick<RecoveryCase, "ownerId" | "reporterId">, userId: string): boolean {
  return userId === recoveryCase.ownerId || userId === recoveryCase.reporterId;
}

/**
 * Only the owner, the reporter or a manager of the workspace may act on a case, or read its
 * texts anywhere else (`/surprise customer`).
 */
export async function mayAct(
  roles: RoleLookup,
  recoveryCase: Pick<RecoveryCase, "teamId" | "ownerId" | "reporterId">,
  userId: string,
): Promise<boolean> {
  if (isParticipant(recoveryCase, userId)) return true;
  return roles.isManager(recoveryCase.teamId, userId);
}

/**
 * Records what follows a case action (its job) in the action's own transaction: the change
 * and its follow-up are saved together or not at all.
 */
export type FollowUp = (tx: Tx, updated: RecoveryCase) => Promise<unknown>;

export type ActionResult =
  | { ok: true; recoveryCase: RecoveryCaseWithTimeline }
  | { ok: false; reason: "not_found" }
  | { ok: false; reason: "resolved"; recoveryCase: RecoveryCaseWithTimeline };

/**
 * Runs `change` (and `followUp`) inside a transaction only if the case is still open; the
 * conditional update on `status: open` is the lock, so concurrent actions serialise and a
 * resolved case stays as is.
 */
async function actOnOpenCase(
  prisma: Db,
  caseId: string,
  data: Prisma.RecoveryCaseUpdateManyMutationInput,
  change: (tx: Tx, updated: RecoveryCase) => Promise<void>,
  followUp?: FollowUp,
): Promise<ActionResult> {
  const applied = await prisma.$transaction(async (tx) => {
    const { count } = await tx.recoveryCase.updateMany({ where: { id: caseId, status: "open" }, data });
    if (count === 0) return false;
    const updated = await tx.recoveryCase.findUniqueOrThrow({ where: { id: caseId } });
    await change(tx, updated);
    await followUp?.(tx, updated);
    return true;
  });
  const recoveryCase = await getCase(prisma, caseId);
  if (!recoveryCase) return { ok: false, reason: "not_found" };
  if (!applied) return { ok: false, reason: "resolved", recoveryCase };
  return { ok: true, recoveryCase };
}

export async function resolveCase(
  prisma: Db,
  now: Date,
  input: { caseId: string; actorId: string; fixSummary: string; surpriseGiven: string | null },
  followUp?: FollowUp,
): Promise<ActionResult> {
  return actOnOpenCase(
    prisma,
    input.caseId,
    {
      status: "resolved",
      resolvedAt: now,
      resolvedBy: input.actorId,
      fixSummary: input.fixSummary,
      surpriseGiven: input.surpriseGiven,
    },
    async (tx) => {
      // Resolving cancels every pending reminder and the escalation.
      await tx.recoveryReminder.updateMany({
        where: { caseId: input.caseId, status: "pending" },
        data: { status: "cancelled", claimedUntil: null },
      });
      await tx.recoveryEvent.create({
        data: { caseId: input.caseId, actorId: input.actorId, kind: "fixed", text: input.fixSummary, createdAt: now },
      });
    },
    followUp,
  );
}

export async function addCustomerUpdate(
  prisma: Db,
  now: Date,
  input: { caseId: string; actorId: string; text: string },
  followUp?: FollowUp,
): Promise<ActionResult> {
  return actOnOpenCase(
    prisma,
    input.caseId,
    { updatedAt: now },
    async (tx) => {
      await tx.recoveryEvent.create({
        data: {
          caseId: input.caseId,
          actorId: input.actorId,
          kind: "customer_update",
          text: input.text,
          createdAt: now,
        },
      });
    },
    followUp,
  );
}

export async function extendCase(
  prisma: Db,
  now: Date,
  input: { caseId: string; actorId: string; dueAt: Date; reason: string },
  followUp?: FollowUp,
): Promise<ActionResult> {
  const change = async (tx: Tx, updated: RecoveryCase) => {
    const workspace = await tx.workspace.findUniqueOrThrow({ where: { teamId: updated.teamId } });
    // The new schedule counts from now: half-time of the time that is left.
    await reschedule(tx, updated, now, workspace.reminderOffsetsMinutes, now);
    await tx.recoveryEvent.create({
      data: {
        caseId: input.caseId,
        actorId: input.actorId,
        kind: "extended",
        text: `to ${slackDateToken(input.dueAt)}: ${input.reason}`,
        createdAt: now,
      },
    });
  };
  return actOnOpenCase(prisma, input.caseId, { dueAt: input.dueAt }, change, followUp);
}

export async function reassignCase(
  prisma: Db,
  now: Date,
  input: { caseId: string; actorId: string; newOwnerId: string; previousOwnerId: string; note: string | null },
  followUp?: FollowUp,
): Promise<ActionResult> {
  // Reminders are addressed when they are sent, to whoever owns the case then: they follow.
  const change = async (tx: Tx) => {
    await tx.recoveryEvent.create({
      data: {
        caseId: input.caseId,
        actorId: input.actorId,
        kind: "reassigned",
        text: `<@${input.previousOwnerId}> → <@${input.newOwnerId}>${input.note ? `: ${input.note}` : ""}`,
        createdAt: now,
      },
    });
  };
  return actOnOpenCase(prisma, input.caseId, { ownerId: input.newOwnerId }, change, followUp);
}

export interface CardMessageRef {
  channel: string;
  ts: string;
  /** IANA timezone of the DM's reader; undefined for channel posts. */
  timezone?: string;
}

export function formatCardMessageRef(ref: CardMessageRef): string {
  return `${ref.channel} ${ref.ts} ${ref.timezone ?? ""}`.trim();
}

export function parseCardMessageRef(stored: string): CardMessageRef | null {
  const [channel, ts, timezone] = stored.split(" ");
  if (!channel || !ts) return null;
  return { channel, ts, timezone: timezone || undefined };
}

/** Remembers a message that shows the case, so later actions update it too (once, however often a job runs). */
export async function addCardMessage(prisma: Db, caseId: string, ref: CardMessageRef): Promise<void> {
  const stored = formatCardMessageRef(ref);
  await prisma.recoveryCase.updateMany({
    where: { id: caseId, NOT: { cardMessages: { has: stored } } },
    data: { cardMessages: { push: stored } },
  });
}

export async function recordEvent(
  prisma: Db,
  now: Date,
  event: { caseId: string; actorId: string; kind: string; text?: string | null },
): Promise<void> {
  await prisma.recoveryEvent.create({ data: { ...event, createdAt: now } });
}

export async function listOpenCases(
  prisma: Db,
  filter: { teamId: string; ownerId?: string },
  limit: number,
): Promise<{ cases: RecoveryCase[]; total: number }> {
  const where: Prisma.RecoveryCaseWhereInput = { teamId: filter.teamId, status: "open" };
  if (filter.ownerId) where.ownerId = filter.ownerId;
  const [cases, total] = await Promise.all([
    prisma.recoveryCase.findMany({ where, orderBy: [{ dueAt: "asc" }, { number: "asc" }], take: limit }),
    prisma.recoveryCase.count({ where }),
  ]);
  return { cases, total };
}
