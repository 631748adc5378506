// Retention: what is past its workspace's limit is deleted (or, for closed cases, emptied of
// its texts) by the hourly housekeeping (src/jobs/maintenance.ts; idempotent, so every
// instance may run it), in batches: each statement touches at most `batchSize` rows, so
// no statement holds the database for long, and a crash mid-way leaves only what the next run
// finishes. Finished jobs and sent outbox rows keep their own week (src/jobs/maintenance.ts).
import type { Db } from "../../db/database.ts";
import type { Prisma } from "../../generated/prisma/client.ts";

export const RETENTION_DEFAULTS = { holdingBackDays: 365, caseTextDays: 730, signalDays: 90 } as const;
export type RetentionKind = keyof typeof RETENTION_DEFAULTS;
/** What a signal's stored fields become once retention emptied them (its row stays, see below). */
export const EXPIRED_SIGNAL = {};
/** What a closed case's texts read once retention emptied them. */
export const EXPIRED_TEXT = "[expired]";
export const DEFAULT_BATCH = 1_000;
/** No batch statement should hold the database longer than this (the 100 ms, with room). */
export const BATCH_BUDGET_MS = 40;
const MIN_BATCH = 50;
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

/**
 * Runs `statement` (one batch of at most `limit` rows; returns rows touched) until a batch
 * touches fewer than its limit. The limit adapts to how long the last batch took: halved past
 * BATCH_BUDGET_MS (a loaded database), grown back towards `batchSize` when well under it, so a
 * statement stays short whatever the machine is doing.
 */
async function inBatches(batchSize: number, statement: (limit: number) => Promise<number>): Promise<number> {
  let total = 0;
  let limit = batchSize;
  for (;;) {
    const started = performance.now();
    const touched = await statement(limit);
    const took = performance.now() - started;
    total += touched;
    if (touched < limit) return total;
    if (took > BATCH_BUDGET_MS) limit = Math.max(Math.min(MIN_BATCH, batchSize), Math.floor(limit / 2));
    else if (took < BATCH_BUDGET_MS / 3) limit = Math.min(batchSize, Math.ceil(limit * 1.5));
    // Between batches, whatever queued meanwhile (an ack's statement) runs first.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

export interface RetentionResult {
  holdingBackDeleted: number;
  casesEmptied: number;
  updatesEmptied: number;
  signalsEmptied: number;
}

/** One workspace: deletes and empties what is past its limits at `now`. */
export async function applyRetention(
  prisma: Db,
  teamId: string,
  now: Date,
  options: { batchSize?: number } = {},
): Promise<RetentionResult> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const policy = await getRetention(prisma, teamId);
  const answersBefore = new Date(now.getTime() - policy.holdingBackDays * DAY_MS);
  const casesBefore = new Date(now.getTime() - policy.caseTextDays * DAY_MS);
  // Replies go with their answer (ON DELETE CASCADE).
  const holdingBackDeleted = await inBatches(batchSize, (limit) =>
    prisma.$executeRawUnsafe(
      `DELETE FROM "HoldingBack" WHERE id IN (
         SELECT id FROM "HoldingBack" WHERE "teamId" = $1 AND "createdAt" < $2::timestamp(3) LIMIT $3)`,
      teamId,
      answersBefore.toISOString(),
      limit,
    ),
  );
  // Customer updates first (their case is found by its close date), then the case's own texts.
  const updatesEmptied = await inBatches(batchSize, (limit) =>
    prisma.$executeRawUnsafe(
      `UPDATE "RecoveryEvent" SET text = NULL WHERE id IN (
         SELECT e.id FROM "RecoveryEvent" e JOIN "RecoveryCase" c ON c.id = e."caseId"
          WHERE c."teamId" = $1 AND c.status = 'resolved' AND c."resolvedAt" < $2::timestamp(3)
            AND e.text IS NOT NULL
          LIMIT $3)`,
      teamId,
      casesBefore.toISOString(),
      limit,
    ),
  );
  const casesEmptied = await inBatches(batchSize, (limit) =>
    prisma.$executeRawUnsafe(
      `UPDATE "RecoveryCase" SET description = $4, "fixSummary" = NULL, "surpriseGiven" = NULL, link = NULL
        WHERE id IN (
         SELECT id FROM "RecoveryCase"
          WHERE "teamId" = $1 AND status = 'resolved' AND "resolvedAt" < $2::timestamp(3) AND description <> $4
          LIMIT $3)`,
      teamId,
      casesBefore.toISOString(),
      limit,
      EXPIRED_TEXT,
    ),
  );
  // Signals: their stored fields (customer, score, comment…) go; the row stays, its event id
  // still making a replay a no-op and its outcome and dates still counted. One not processed by
  // then never will be: it is marked so, rather than parsed later from emptied fields.
  // Emptied rows stay where the index finds them: each batch starts after the last one's
  // (receivedAt, id) rather than scanning every row emptied before it again (ids compared
  // byte-wise, "C", as JavaScript compares the cursor).
  const signalsBefore = new Date(now.getTime() - policy.signalDays * DAY_MS);
  let cursor = { at: new Date(0).toISOString(), id: "" };
  const signalsEmptied = await inBatches(batchSize, async (limit) => {
    const rows = await prisma.$queryRawUnsafe<Array<{ id: string; at: string }>>(
      `WITH batch AS (
         SELECT id FROM "InboundSignal"
          WHERE "teamId" = $1 AND "receivedAt" < $2::timestamp(3)
            AND ("receivedAt", id COLLATE "C") > ($5::timestamp(3), $6 COLLATE "C") AND signal <> '{}'::jsonb
          ORDER BY "receivedAt", id COLLATE "C" LIMIT $3)
       UPDATE "InboundSignal" s SET signal = '{}'::jsonb, "processedAt" = COALESCE(s."processedAt", $4::timestamp(3)),
              outcome = COALESCE(s.outcome, 'expired')
         FROM batch WHERE s.id = batch.id
       RETURNING s.id, to_char(s."receivedAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at`,
      teamId,
      signalsBefore.toISOString(),
      limit,
      now.toISOString(),
      cursor.at,
      cursor.id,
    );
    for (const row of rows) {
      if (row.at > cursor.at || (row.at === cursor.at && row.id > cursor.id)) cursor = { at: row.at, id: row.id };
    }
    return rows.length;
  });
  return { holdingBackDeleted, casesEmptied, updatesEmptied, signalsEmptied };
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
