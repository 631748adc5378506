// Retention: what is past its workspace's limit is deleted (or, for closed cases, emptied of
// its texts) by the hourly housekeeping (src/jobs/maintenance.ts; idempotent, so every
// instance may run it), in batches whose every statement stays short (batches.ts: index-backed
// selection from a cursor, rows touched by ctid, batch size adapted to time). A crash mid-way
// leaves only what the next run finishes. Finished jobs and sent outbox rows keep their own
// week (src/jobs/maintenance.ts).
import type { Db } from "../../db/database.ts";
import type { Prisma } from "../../generated/prisma/client.ts";
import { ASYNC_COMMIT, inBatches, SERVER_MS } from "./batches.ts";

export const RETENTION_DEFAULTS = { holdingBackDays: 365, caseTextDays: 730, signalDays: 90 } as const;
export type RetentionKind = keyof typeof RETENTION_DEFAULTS;
/** What a signal's stored fields become once retention emptied them (its row stays, see below). */
export const EXPIRED_SIGNAL = {};
/** What a closed case's texts read once retention emptied them. */
export const EXPIRED_TEXT = "[expired]";
/** The largest batch; each kind starts smaller and grows while statements stay short (batches.ts). */
export const DEFAULT_BATCH = 2_000;
const DAY_MS = 24 * 60 * 60_000;

export interface RetentionPolicyView {
  holdingBackDays: number;
  caseTextDays: number;
  signalDays: number;
}

type Client = Db | Prisma.TransactionClient;

export async function getRetention(db: Client, teamId: string): Promise<RetentionPolicyView> {
  const row = await db.retentionPolicy.findUnique({ where: { teamId } });
  return row
    ? { holdingBackDays: row.holdingBackDays, caseTextDays: row.caseTextDays, signalDays: row.signalDays }
    : { ...RETENTION_DEFAULTS };
}

export async function setRetention(db: Client, teamId: string, kind: RetentionKind, days: number): Promise<void> {
  await db.retentionPolicy.upsert({
    where: { teamId },
    create: { ...RETENTION_DEFAULTS, teamId, [kind]: days },
    update: { [kind]: days },
  });
}

export interface RetentionResult {
  holdingBackDeleted: number;
  casesEmptied: number;
  updatesEmptied: number;
  signalsEmptied: number;
}

/** Timestamps go to and from SQL as ISO text (timestamp(3) columns hold UTC). */
const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const EPOCH = new Date(0).toISOString();

/** One workspace: deletes and empties what is past its limits at `now`. */
export async function applyRetention(
  prisma: Db,
  teamId: string,
  now: Date,
  options: { batchSize?: number } = {},
): Promise<RetentionResult> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const policy = await getRetention(prisma, teamId);
  const marks = await prisma.retentionPolicy.findUnique({
    where: { teamId },
    select: { signalsEmptiedBefore: true, caseTextsEmptiedBefore: true },
  });
  const before = (days: number) => new Date(now.getTime() - days * DAY_MS);

  // Answers, oldest first along the (teamId, createdAt) index, from where the last batch
  // stopped (what it deleted is gone: `>=` finds nothing of it again). Replies go with their
  // answer (ON DELETE CASCADE).
  const answersBefore = before(policy.holdingBackDays).toISOString();
  let answersFrom = EPOCH;
  const holdingBackDeleted = await inBatches(batchSize, async (limit) => {
    const [row] = await prisma.$queryRawUnsafe<Array<{ walked: number; changed: number; last: string | null }>>(
      `WITH ${ASYNC_COMMIT}, batch AS (
         SELECT ctid AS t, "createdAt" AS at FROM "HoldingBack"
          WHERE "teamId" = $1 AND "createdAt" < $2::timestamp(3) AND "createdAt" >= $3::timestamp(3)
          ORDER BY "createdAt" LIMIT $4),
       gone AS (DELETE FROM "HoldingBack" WHERE ctid = ANY(ARRAY(SELECT t FROM batch)) RETURNING 1)
       SELECT (SELECT off FROM async_commit) AS "asyncCommit", (SELECT count(*) FROM batch)::int AS walked, (SELECT count(*) FROM gone)::int AS changed,
              (SELECT to_char(max(at), ${ISO}) FROM batch) AS last, ${SERVER_MS}`,
      teamId,
      answersBefore,
      answersFrom,
      limit,
    );
    if (row?.last) answersFrom = row.last;
    return { walked: row?.walked ?? 0, changed: row?.changed ?? 0 };
  });

  const cases = await emptyClosedCases(prisma, teamId, before(policy.caseTextDays), marks?.caseTextsEmptiedBefore, {
    batchSize,
  });
  const signalsEmptied = await emptySignals(
    prisma,
    teamId,
    now,
    before(policy.signalDays),
    marks?.signalsEmptiedBefore,
    {
      batchSize,
    },
  );
  return { holdingBackDeleted, ...cases, signalsEmptied };
}

/**
 * Closed cases' texts and their customer updates, by close date: a page of cases (along the
 * (teamId, status, resolvedAt) index, from a cursor) emptied in one statement, then their
 * updates. A finished pass records how far it got: the next starts there. (A customer update
 * added to a case closed before that mark stays: cases take no updates once closed.)
 */
async function emptyClosedCases(
  prisma: Db,
  teamId: string,
  casesBefore: Date,
  doneBefore: Date | null | undefined,
  options: { batchSize: number },
): Promise<{ casesEmptied: number; updatesEmptied: number }> {
  let cursor = { at: (doneBefore ?? new Date(0)).toISOString(), id: "" };
  let updatesEmptied = 0;
  const casesEmptied = await inBatches(options.batchSize, async (limit) => {
    const [row] = await prisma.$queryRawUnsafe<
      Array<{ walked: number; changed: number; ids: string[] | null; lastAt: string | null; lastId: string | null }>
    >(
      `WITH ${ASYNC_COMMIT}, page AS (
         SELECT ctid AS t, id, "resolvedAt" AS at FROM "RecoveryCase"
          WHERE "teamId" = $1 AND status = 'resolved' AND "resolvedAt" < $2::timestamp(3)
            AND ("resolvedAt", id COLLATE "C") > ($3::timestamp(3), $4 COLLATE "C")
          ORDER BY "resolvedAt", id COLLATE "C" LIMIT $5),
       emptied AS (
         UPDATE "RecoveryCase" SET description = $6, "fixSummary" = NULL, "surpriseGiven" = NULL, link = NULL
          WHERE ctid = ANY(ARRAY(SELECT t FROM page)) AND description <> $6 RETURNING 1),
       last AS (SELECT at, id FROM page ORDER BY at DESC, id COLLATE "C" DESC LIMIT 1)
       SELECT (SELECT off FROM async_commit) AS "asyncCommit", (SELECT count(*) FROM page)::int AS walked, (SELECT count(*) FROM emptied)::int AS changed,
              (SELECT array_agg(id) FROM page) AS ids,
              (SELECT to_char(at, ${ISO}) FROM last) AS "lastAt", (SELECT id FROM last) AS "lastId", ${SERVER_MS}`,
      teamId,
      casesBefore.toISOString(),
      cursor.at,
      cursor.id,
      limit,
      EXPIRED_TEXT,
    );
    const ids = row?.ids ?? [];
    if (ids.length > 0) {
      // Their updates, along the (caseId, createdAt) index: only these cases' rows are walked.
      updatesEmptied += await inBatches(options.batchSize, async (eventsLimit) => {
        const [events] = await prisma.$queryRawUnsafe<Array<{ walked: number; changed: number }>>(
          `WITH ${ASYNC_COMMIT}, batch AS (
             SELECT ctid AS t FROM "RecoveryEvent" WHERE "caseId" = ANY($1::text[]) AND text IS NOT NULL LIMIT $2),
           emptied AS (UPDATE "RecoveryEvent" SET text = NULL WHERE ctid = ANY(ARRAY(SELECT t FROM batch)) RETURNING 1)
           SELECT (SELECT off FROM async_commit) AS "asyncCommit", (SELECT count(*) FROM batch)::int AS walked, (SELECT count(*) FROM emptied)::int AS changed, ${SERVER_MS}`,
          ids,
          eventsLimit,
        );
        return { walked: events?.walked ?? 0, changed: events?.changed ?? 0 };
      });
    }
    if (row?.lastAt && row.lastId !== null) cursor = { at: row.lastAt, id: row.lastId };
    return { walked: row?.walked ?? 0, changed: row?.changed ?? 0 };
  });
  await markDone(prisma, teamId, "caseTextsEmptiedBefore", casesBefore);
  return { casesEmptied, updatesEmptied };
}

/**
 * Signals: their stored fields (customer, score, comment…) go; the row stays, its event id
 * still making a replay a no-op and its outcome and dates still counted. One not processed by
 * then never will be: it is marked so, rather than parsed later from emptied fields. Along the
 * (teamId, receivedAt) index from a cursor (ids compared byte-wise, "C", as JavaScript compares
 * them), starting where the last finished pass stopped: emptied rows stay, and are not walked
 * again day after day.
 */
async function emptySignals(
  prisma: Db,
  teamId: string,
  now: Date,
  signalsBefore: Date,
  doneBefore: Date | null | undefined,
  options: { batchSize: number },
): Promise<number> {
  let cursor = { at: (doneBefore ?? new Date(0)).toISOString(), id: "" };
  const emptied = await inBatches(options.batchSize, async (limit) => {
    const [row] = await prisma.$queryRawUnsafe<
      Array<{ walked: number; changed: number; lastAt: string | null; lastId: string | null }>
    >(
      `WITH ${ASYNC_COMMIT}, batch AS (
         SELECT ctid AS t, "receivedAt" AS at, id FROM "InboundSignal"
          WHERE "teamId" = $1 AND "receivedAt" < $2::timestamp(3)
            AND ("receivedAt", id COLLATE "C") > ($5::timestamp(3), $6 COLLATE "C")
          ORDER BY "receivedAt", id COLLATE "C" LIMIT $3),
       emptied AS (
         UPDATE "InboundSignal" s SET signal = '{}'::jsonb, "processedAt" = COALESCE(s."processedAt", $4::timestamp(3)),
                outcome = COALESCE(s.outcome, 'expired')
          WHERE s.ctid = ANY(ARRAY(SELECT t FROM batch)) AND s.signal <> '{}'::jsonb RETURNING 1),
       last AS (SELECT at, id FROM batch ORDER BY at DESC, id COLLATE "C" DESC LIMIT 1)
       SELECT (SELECT off FROM async_commit) AS "asyncCommit", (SELECT count(*) FROM batch)::int AS walked, (SELECT count(*) FROM emptied)::int AS changed,
              (SELECT to_char(at, ${ISO}) FROM last) AS "lastAt", (SELECT id FROM last) AS "lastId", ${SERVER_MS}`,
      teamId,
      signalsBefore.toISOString(),
      limit,
      now.toISOString(),
      cursor.at,
      cursor.id,
    );
    if (row?.lastAt && row.lastId !== null) cursor = { at: row.lastAt, id: row.lastId };
    return { walked: row?.walked ?? 0, changed: row?.changed ?? 0 };
  });
  await markDone(prisma, teamId, "signalsEmptiedBefore", signalsBefore);
  return emptied;
}

/** A pass finished: everything before `before` is done (never moved back). */
async function markDone(
  prisma: Db,
  teamId: string,
  mark: "signalsEmptiedBefore" | "caseTextsEmptiedBefore",
  before: Date,
): Promise<void> {
  await prisma.$executeRawUnsafe(
    `INSERT INTO "RetentionPolicy" ("teamId", "${mark}", "updatedAt") VALUES ($1, $2::timestamp(3), now())
     ON CONFLICT ("teamId") DO UPDATE SET "${mark}" = GREATEST("RetentionPolicy"."${mark}", EXCLUDED."${mark}")`,
    teamId,
    before.toISOString(),
  );
}

/** Every workspace, one after the other (the hourly housekeeping). */
export async function applyRetentionEverywhere(
  prisma: Db,
  now: Date,
  logger?: { info(message: string, ...rest: unknown[]): void },
): Promise<void> {
  const workspaces = await prisma.workspace.findMany({ select: { teamId: true } });
  for (const { teamId } of workspaces) {
    const result = await applyRetention(prisma, teamId, now);
    if (result.holdingBackDeleted + result.casesEmptied + result.updatesEmptied + result.signalsEmptied > 0) {
      logger?.info("Retention applied", { teamId, ...result });
    }
  }
}
