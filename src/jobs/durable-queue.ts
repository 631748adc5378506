// The durable job queue on our own database (PGlite or PostgreSQL), in the `Job` table.
//
// Why not pg-boss: a job must be recorded in the same database, through the same connection,
// as the work it stands for, and on embedded PGlite there is only one connection, which
// Prisma holds. Our queue is two statements on the hot path (a batched insert before the ack,
// a SKIP LOCKED claim in the worker), uses Prisma's migrations and shows up in the same
// backups; the claim/lease logic is the same pattern pg-boss and graphile-worker use.
//
// Enqueue is group-committed: the inserts of all requests that arrive in the same turn of
// the event loop go to the database as one multi-row INSERT, so a burst of 1,000 commands
// costs a handful of statements, and each request still acks only after its row is stored.
// That INSERT goes straight to the driver when it can (`Database.query`): it is the only
// statement on the ack path, and Prisma's query compiler cost more than the statement.
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { Database, Db } from "../db/database.ts";
import type { EnqueueOptions, EnqueueResult, Transaction, TransactionEnqueueOptions } from "./queue.ts";

/** A job as the workers see it. */
export interface ClaimedJob {
  id: string;
  kind: string;
  key: string;
  teamId: string | null;
  payload: unknown;
  attempts: number;
  /** Runs put off so far without a failure (RetryLater). */
  deferrals: number;
  runAt: Date;
  /** The claim's fencing token: completion only counts while the row still carries it. */
  claimToken: string;
}

interface PendingInsert {
  id: string;
  kind: string;
  key: string;
  teamId: string | null;
  payload: string;
  runAt: Date;
  dedupeHash: string | null;
  dedupeSince: Date | null;
  createdAt: Date;
  resolve(result: EnqueueResult): void;
  reject(error: unknown): void;
}

/**
 * The most rows in one INSERT. On embedded PGlite nothing else runs during a statement, and
 * 500 rows (a burst's first turn of the event loop) held it for about 200 ms on a busy 2-core
 * machine before any of those requests could ack; 100 rows ack in a fifth of that, and the
 * next 100 go straight after (their statement goes ahead of background work).
 */
const MAX_BATCH = 100;

const iso = (date: Date) => date.toISOString();

/**
 * Batches up to this many rows are named prepared statements (one per size) on PostgreSQL:
 * parsed and planned once per connection. Planning the statement anew for every batch was
 * 40 % of the server's CPU in the closed loop, where batches hold a few rows. Larger batches
 * (bursts) are rare and their planning is shared by many rows.
 */
const PREPARED_UP_TO = 16;

const insertStatements = new Map<number, string>();

/** A repeat within the window (same dedupe hash, newer than `since`) is not inserted; nor is a known key. */
function insertJobsStatement(rowCount: number): string {
  const known = insertStatements.get(rowCount);
  if (known) return known;
  const values = Array.from({ length: rowCount }, (_, row) => {
    const p = (n: number) => `$${row * 9 + n}`;
    return `(${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}, ${p(8)}, ${p(9)})`;
  });
  const statement = `INSERT INTO "Job" ("id", "kind", "key", "teamId", "payload", "runAt", "dedupeHash", "createdAt")
    SELECT v.id, v.kind, v.key, v.team, v.payload::jsonb, v.run_at::timestamp(3), v.dedupe, v.created::timestamp(3)
    FROM (VALUES ${values.join(", ")}) AS v(id, kind, key, team, payload, run_at, dedupe, since, created)
    WHERE v.dedupe IS NULL OR NOT EXISTS (
      SELECT 1 FROM "Job" j WHERE j."dedupeHash" = v.dedupe AND j."createdAt" > v.since::timestamp(3))
    ON CONFLICT ("key") DO NOTHING
    RETURNING "id", "key"`;
  if (rowCount <= PREPARED_UP_TO) insertStatements.set(rowCount, statement);
  return statement;
}

export interface JobStoreOptions {
  now?: () => Date;
  query?: Database["query"];
  /**
   * Batch INSERTs in flight at once; rows arriving meanwhile wait and go in the next batch.
   * 1 on PGlite: it runs one statement at a time anyway, so rather than queue up inside it,
   * the rows share the next statement (bench `ack`: the same req/s, a lower p99). Unlimited
   * on PostgreSQL, where batches run in parallel on the pool's connections (a limit of 1–3
   * there measured slower).
   */
  maxInsertsInFlight?: number;
  /**
   * Holds the next insert back after one finishes, for this many times as long as that one
   * took, so that rows coming in meanwhile share it: with 4, at most about a fifth of the time
   * goes to inserts while requests keep coming. For embedded PGlite, where a statement runs on
   * this thread and costs a millisecond or more before its first row (bench `burst`: the last
   * several hundred requests of a burst are accepted one per loop iteration, and each paid a
   * statement of its own); on PostgreSQL too, with `burstInsertsInFlight`. Only while
   * `coalesceWhile` says a burst is coming in: a steady stream on kept-alive connections (or a
   * request alone) is not held back.
   * 0 (default): each batch goes at the next turn of the event loop.
   */
  coalesceFactor?: number;
  /**
   * While coalescing, at most this many INSERTs in flight (default: maxInsertsInFlight). On
   * PostgreSQL a statement does not hold this thread, but each one still costs this process
   * and the server about as much CPU as several rows do (bench `burst`: 17 % of the burst's
   * CPU went to single-row inserts, each taking a pool connection of its own); 2 lets a
   * burst's rows share statements while the pool keeps room for the workers.
   */
  burstInsertsInFlight?: number;
  /** The longest a row waits to be coalesced (default 20 ms). */
  maxCoalesceMs?: number;
  /** Whether to coalesce now (default: always, when coalesceFactor is set). */
  coalesceWhile?: () => boolean;
}

export class JobStore {
  private batch: PendingInsert[] = [];
  private flushScheduled = false;
  private insertsInFlight = 0;
  private readonly maxInsertsInFlight: number;
  private readonly burstInsertsInFlight: number;
  private readonly coalesceFactor: number;
  private readonly maxCoalesceMs: number;
  private readonly coalesceWhile: () => boolean;
  /** performance.now() before which the next insert waits for more rows (coalesceFactor). */
  private coalesceUntil = 0;
  /** Called after rows were stored (the local workers claim them at once). */
  onEnqueued: () => void = () => undefined;

  private readonly now: () => Date;
  private readonly query: Database["query"];

  constructor(
    private readonly prisma: Db,
    options: JobStoreOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.maxInsertsInFlight = options.maxInsertsInFlight ?? Number.POSITIVE_INFINITY;
    this.burstInsertsInFlight = options.burstInsertsInFlight ?? this.maxInsertsInFlight;
    this.coalesceFactor = options.coalesceFactor ?? 0;
    this.maxCoalesceMs = options.maxCoalesceMs ?? 20;
    this.coalesceWhile = options.coalesceWhile ?? (() => true);
    this.query = options.query ?? ((sql, params = []) => prisma.$queryRawUnsafe(sql, ...params));
  }

  enqueue(kind: string, payload: unknown, options: EnqueueOptions = {}): Promise<EnqueueResult> {
    const createdAt = options.recordedAt ?? this.now();
    const id = randomUUID();
    return new Promise<EnqueueResult>((resolve, reject) => {
      this.batch.push({
        id,
        kind,
        // Work without a natural key of its own is unique by its id.
        key: options.key ?? id,
        teamId: options.teamId ?? null,
        payload: JSON.stringify(payload ?? null),
        runAt: options.runAt ?? this.now(),
        dedupeHash: options.dedupeHash ?? null,
        dedupeSince: options.dedupeHash ? new Date(createdAt.getTime() - (options.dedupeWindowMs ?? 60_000)) : null,
        createdAt,
        resolve,
        reject,
      });
      this.scheduleFlush();
    });
  }

  /**
   * One job inside the caller's transaction (see JobQueue.enqueueInTransaction). Not part of
   * the group-committed batch above: that one commits on its own, outside any transaction.
   */
  async enqueueInTransaction(
    tx: Transaction,
    kind: string,
    payload: unknown,
    options: TransactionEnqueueOptions = {},
  ): Promise<EnqueueResult> {
    const id = randomUUID();
    const key = options.key ?? id;
    const inserted = await tx.$queryRawUnsafe<Array<{ id: string }>>(
      `INSERT INTO "Job" ("id", "kind", "key", "teamId", "payload", "runAt", "createdAt")
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::timestamp(3), $7::timestamp(3))
       ON CONFLICT ("key") DO NOTHING
       RETURNING "id"`,
      id,
      kind,
      key,
      options.teamId ?? null,
      JSON.stringify(payload ?? null),
      iso(options.runAt ?? this.now()),
      iso(options.recordedAt ?? this.now()),
    );
    if (inserted.length > 0) return { id, created: true };
    const existing = await tx.job.findUnique({ where: { key }, select: { id: true } });
    return { id: existing?.id ?? "", created: false };
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.batch.length === 0) return;
    const coalescing = this.coalesceFactor > 0 && this.coalesceWhile();
    if (this.insertsInFlight >= (coalescing ? this.burstInsertsInFlight : this.maxInsertsInFlight)) return;
    this.flushScheduled = true;
    const wait = this.batch.length >= MAX_BATCH || !coalescing ? 0 : this.coalesceUntil - performance.now();
    // setImmediate: every request parsed in this turn of the event loop joins the batch.
    if (wait < 1) setImmediate(() => void this.flush());
    else setTimeout(() => void this.flush(), wait);
  }

  private async flush(): Promise<void> {
    this.flushScheduled = false;
    // One bounded statement per flush; the rest goes in the next (the loop turns in between).
    const taken = this.batch.slice(0, MAX_BATCH);
    this.batch = this.batch.slice(MAX_BATCH);
    this.insertsInFlight += 1;
    const started = performance.now();
    try {
      await this.insert(taken);
    } finally {
      this.insertsInFlight -= 1;
      const took = performance.now() - started;
      this.coalesceUntil = performance.now() + Math.min(took * this.coalesceFactor, this.maxCoalesceMs);
    }
    this.scheduleFlush();
    if (taken.length > 0) this.onEnqueued();
  }

  private async insert(rows: PendingInsert[]): Promise<void> {
    // The same dedupe hash twice in one batch: only the first is inserted.
    const firstByHash = new Map<string, PendingInsert>();
    const toInsert: PendingInsert[] = [];
    const duplicates: Array<[PendingInsert, PendingInsert]> = [];
    for (const row of rows) {
      const first = row.dedupeHash ? firstByHash.get(row.dedupeHash) : undefined;
      if (first) duplicates.push([row, first]);
      else {
        if (row.dedupeHash) firstByHash.set(row.dedupeHash, row);
        toInsert.push(row);
      }
    }
    try {
      const params = toInsert.flatMap((row) => [
        row.id,
        row.kind,
        row.key,
        row.teamId,
        row.payload,
        iso(row.runAt),
        row.dedupeHash,
        row.dedupeSince ? iso(row.dedupeSince) : null,
        iso(row.createdAt),
      ]);
      const n = toInsert.length;
      const inserted = await this.query<{ id: string; key: string }>(
        insertJobsStatement(n),
        params,
        // It carries the rows of requests waiting for their ack: ahead of any background statement.
        n <= PREPARED_UP_TO ? { name: `delight_insert_jobs_${n}`, ack: true } : { ack: true },
      );
      const created = new Set(inserted.map((row) => row.id));
      const notCreated = toInsert.filter((row) => !created.has(row.id));
      const existing = notCreated.length > 0 ? await this.findExisting(notCreated) : new Map<string, string>();
      for (const row of toInsert) {
        if (created.has(row.id)) row.resolve({ id: row.id, created: true });
        else row.resolve({ id: existing.get(row.key) ?? existing.get(`#${row.dedupeHash}`) ?? "", created: false });
      }
      for (const [row, first] of duplicates) {
        row.resolve({ id: created.has(first.id) ? first.id : (existing.get(first.key) ?? ""), created: false });
      }
    } catch (error) {
      for (const row of rows) row.reject(error);
    }
  }

  /** Ids of the jobs that kept rows out: the same key, or the same dedupe hash (as `#hash`). */
  private async findExisting(rows: PendingInsert[]): Promise<Map<string, string>> {
    const found = await this.prisma.job.findMany({
      where: {
        OR: [
          { key: { in: rows.map((r) => r.key) } },
          ...rows
            .filter((r) => r.dedupeHash)
            .map((r) => ({ dedupeHash: r.dedupeHash, createdAt: { gt: r.dedupeSince ?? undefined } })),
        ],
      },
      select: { id: true, key: true, dedupeHash: true },
    });
    const byKey = new Map<string, string>();
    for (const job of found) {
      byKey.set(job.key, job.id);
      if (job.dedupeHash) byKey.set(`#${job.dedupeHash}`, job.id);
    }
    return byKey;
  }

  /** Claims up to `limit` runnable jobs (due, or whose lease ran out) for `leaseMs`. */
  async claim(limit: number, owner: string, leaseMs: number): Promise<ClaimedJob[]> {
    if (limit <= 0) return [];
    const now = this.now();
    const token = `${owner}:${randomUUID()}`;
    // As the driver returns them: a timestamp may come back as a string.
    type ClaimedRow = Omit<ClaimedJob, "claimToken" | "runAt"> & { runAt: Date | string };
    // Two index range scans on (status, runAt), not one OR over the whole table: with a
    // backlog of thousands of jobs the OR meant a scan and a sort per claim, which on PGlite
    // (same thread) held up the acks for a quarter of a second. Expired leases go first.
    const n = Math.floor(limit);
    const rows = await this.prisma.$queryRawUnsafe<ClaimedRow[]>(
      `WITH expired AS (
         SELECT "id" FROM "Job" WHERE "status" = 'running' AND "leaseUntil" < $3::timestamp(3)
         LIMIT ${n} FOR UPDATE SKIP LOCKED),
       due AS (
         SELECT "id" FROM "Job" WHERE "status" = 'queued' AND "runAt" <= $3::timestamp(3)
         ORDER BY "runAt" LIMIT ${n} FOR UPDATE SKIP LOCKED),
       picked AS (SELECT "id" FROM expired UNION ALL SELECT "id" FROM due LIMIT ${n})
       UPDATE "Job" SET "status" = 'running', "attempts" = "attempts" + 1, "leaseUntil" = $1::timestamp(3), "lockedBy" = $2
       WHERE "id" IN (SELECT "id" FROM picked)
       RETURNING "id", "kind", "key", "teamId", "payload", "attempts", "deferrals", "runAt"`,
      iso(new Date(now.getTime() + leaseMs)),
      token,
      iso(now),
    );
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      key: row.key,
      teamId: row.teamId,
      payload: typeof row.payload === "string" ? (JSON.parse(row.payload) as unknown) : row.payload,
      attempts: Number(row.attempts),
      deferrals: Number(row.deferrals),
      runAt: new Date(row.runAt),
      claimToken: token,
    }));
  }

  async complete(job: ClaimedJob): Promise<void> {
    await this.prisma.job.updateMany({
      where: { id: job.id, lockedBy: job.claimToken, status: "running" },
      data: { status: "done", finishedAt: this.now(), leaseUntil: null, lastError: null },
    });
  }

  /** Runs the job again at `at`; `countAttempt` false for a deferral (rate limit, pacing), counted apart. */
  async reschedule(job: ClaimedJob, at: Date, options: { countAttempt: boolean; error?: string }): Promise<void> {
    await this.prisma.job.updateMany({
      where: { id: job.id, lockedBy: job.claimToken, status: "running" },
      data: {
        status: "queued",
        runAt: at,
        leaseUntil: null,
        ...(options.countAttempt ? {} : { attempts: { decrement: 1 }, deferrals: { increment: 1 } }),
        ...(options.error !== undefined ? { lastError: options.error.slice(0, 2000) } : {}),
      },
    });
  }

  async bury(job: ClaimedJob, error: string): Promise<void> {
    await this.prisma.job.updateMany({
      where: { id: job.id, lockedBy: job.claimToken, status: "running" },
      data: { status: "dead", finishedAt: this.now(), leaseUntil: null, lastError: error.slice(0, 2000) },
    });
  }

  /** Extends the leases of jobs still running here. */
  async renew(jobs: ClaimedJob[], leaseMs: number): Promise<void> {
    if (jobs.length === 0) return;
    const until = new Date(this.now().getTime() + leaseMs);
    await this.prisma.job.updateMany({
      where: { lockedBy: { in: [...new Set(jobs.map((j) => j.claimToken))] }, status: "running" },
      data: { leaseUntil: until },
    });
  }

  /** Hands unfinished jobs back at shutdown, so another instance can take them at once. */
  async release(jobs: ClaimedJob[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.prisma.job.updateMany({
      where: { id: { in: jobs.map((j) => j.id) }, lockedBy: { in: jobs.map((j) => j.claimToken) }, status: "running" },
      data: { status: "queued", leaseUntil: null, attempts: { decrement: 1 } },
    });
  }

  /** Rows left to do (queued or running), and the age of the oldest due one, for metrics and tests. */
  async backlog(): Promise<{ waiting: number; oldestDueAt: Date | null }> {
    const [waiting, oldest] = await Promise.all([
      this.prisma.job.count({ where: { status: { in: ["queued", "running"] } } }),
      this.prisma.job.findFirst({
        where: { status: "queued", runAt: { lte: this.now() } },
        orderBy: { runAt: "asc" },
        select: { runAt: true },
      }),
    ]);
    return { waiting, oldestDueAt: oldest?.runAt ?? null };
  }

  /** Deletes finished jobs older than `age` (dead ones are kept for admins). */
  async prune(ageMs: number): Promise<number> {
    const { count } = await this.prisma.job.deleteMany({
      where: { status: "done", finishedAt: { lt: new Date(this.now().getTime() - ageMs) } },
    });
    return count;
  }
}
