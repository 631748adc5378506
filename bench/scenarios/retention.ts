// retention: the retention pass over a workspace holding 1,000,000 rows past their limits on
// PostgreSQL (700,000 /holdingback answers, 300,000 customer signals), plus rows within them
// that must stay. Reports the longest single batch statement (target ≤ 100 ms: no statement
// holds the database longer), which statement it was and its batch size, each kind's
// statements, the machine's load average (a loaded machine stretches statements by waiting for
// a CPU), and the total time; checks that exactly what is past its limit went. A scratch
// database of its own (dropped afterwards), so nothing collides with tests.
// BENCH_RETENTION_SCALE=0.1 runs it on a tenth of the rows (a quick check on a busy machine).
import { availableParallelism as cpus, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { openDatabase } from "../../src/db/database.ts";
import type { Db } from "../../src/db/database.ts";
import { applyRetention } from "../../src/features/retention/service.ts";
import type { BenchContext } from "../context.ts";
import { createScratchDatabase } from "../postgres.ts";
import { record, recordAtMost } from "../report.ts";

const TEAM = "TBENCHRET";
const SCALE = Math.min(1, Math.max(0.001, Number(process.env.BENCH_RETENTION_SCALE ?? "1") || 1));
const ANSWERS_PAST = Math.round(700_000 * SCALE);
const SIGNALS_PAST = Math.round(300_000 * SCALE);
const KEPT = Math.round(10_000 * SCALE);
const NOW = new Date("2026-11-23T09:00:00Z");
const DAY = 24 * 60 * 60_000;

interface Timing {
  /** What the app waited: the statement, its commit and the round trip. */
  ms: number;
  /** What the server reported it spent on the statement's work (its last column, serverMs). */
  serverMs?: number;
  kind: string;
  /** The batch size asked for (the statement's LIMIT), when it has one. */
  limit?: number;
}

/** Which statement of the pass: the table it works on. */
function kindOf(sql: unknown): string {
  const text = String(sql);
  for (const table of ["HoldingBack", "InboundSignal", "RecoveryEvent", "RecoveryCase", "RetentionPolicy"]) {
    if (text.includes(`"${table}"`)) return table;
  }
  return "other";
}

/** The client with its raw statements timed (the retention pass's batches are raw statements). */
function timed(prisma: Db, durations: Timing[]): Db {
  return new Proxy(prisma, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if ((property === "$executeRawUnsafe" || property === "$queryRawUnsafe") && typeof value === "function") {
        const run = value as (...a: unknown[]) => Promise<unknown>;
        return async (...args: unknown[]): Promise<unknown> => {
          const started = performance.now();
          let result: unknown;
          try {
            result = await run.apply(target, args);
            return result;
          } finally {
            const limit = args.find((a, i) => i > 0 && typeof a === "number");
            const server = Array.isArray(result)
              ? (result[0] as { serverMs?: unknown } | undefined)?.serverMs
              : undefined;
            durations.push({
              ms: performance.now() - started,
              kind: kindOf(args[0]),
              ...(typeof limit === "number" ? { limit } : {}),
              ...(typeof server === "number" ? { serverMs: server } : {}),
            });
          }
        };
      }
      return value;
    },
  });
}

async function fill(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const old = new Date(NOW.getTime() - 400 * DAY).toISOString();
    const recent = new Date(NOW.getTime() - 10 * DAY).toISOString();
    await client.query(`INSERT INTO "Workspace" ("teamId", "updatedAt") VALUES ($1, now())`, [TEAM]);
    await client.query(
      `INSERT INTO "HoldingBack" (id, "teamId", category, text, "sourceHash", "createdAt", "visibleAt")
       SELECT gen_random_uuid()::text, $1, 'tools', 'an answer ' || g, 'past-' || g,
              $2::timestamp(3) + g * interval '1 second', $2::timestamp(3)
         FROM generate_series(1, $3::int) g`,
      [TEAM, old, ANSWERS_PAST],
    );
    await client.query(
      `INSERT INTO "HoldingBack" (id, "teamId", category, text, "sourceHash", "createdAt", "visibleAt")
       SELECT gen_random_uuid()::text, $1, 'tools', 'kept ' || g, 'kept-' || g, $2::timestamp(3), $2::timestamp(3)
         FROM generate_series(1, $3::int) g`,
      [TEAM, recent, KEPT],
    );
    await client.query(
      `INSERT INTO "SignalConnection" (id, "teamId", source, secret, "createdBy") VALUES ('bench-conn', $1, 'generic', 's', 'UBENCH')`,
      [TEAM],
    );
    await client.query(
      `INSERT INTO "InboundSignal" (id, "connectionId", "teamId", "eventId", signal, "occurredAt", "receivedAt", "processedAt", outcome)
       SELECT gen_random_uuid()::text, 'bench-conn', $1, 'ev-' || g,
              jsonb_build_object('type', 'feedback', 'customer', jsonb_build_object('name', 'Customer ' || g), 'comment', 'comment ' || g),
              t, t, t, 'counted'
         FROM (SELECT g, $2::timestamp(3) + g * interval '1 second' AS t FROM generate_series(1, $3::int) g) s`,
      [TEAM, old, SIGNALS_PAST],
    );
    await client.query(
      `INSERT INTO "InboundSignal" (id, "connectionId", "teamId", "eventId", signal, "occurredAt", "receivedAt", "processedAt", outcome)
       SELECT gen_random_uuid()::text, 'bench-conn', $1, 'kept-' || g, '{"type":"feedback"}'::jsonb, $2::timestamp(3), $2::timestamp(3), $2::timestamp(3), 'counted'
         FROM generate_series(1, $3::int) g`,
      [TEAM, recent, KEPT],
    );
    await client.query(`VACUUM ANALYZE "HoldingBack"`);
    await client.query(`VACUUM ANALYZE "InboundSignal"`);
  } finally {
    await client.end();
  }
}

export async function runRetention(ctx: BenchContext): Promise<void> {
  console.log(
    `\n== retention: ${(ANSWERS_PAST + SIGNALS_PAST).toLocaleString("en")} rows past their limits (${ANSWERS_PAST.toLocaleString("en")} answers, ${SIGNALS_PAST.toLocaleString("en")} signals) on PostgreSQL`,
  );
  if (!ctx.postgres) {
    record({ scenario: "retention", measure: "PostgreSQL", value: "not reachable", target: "skipped", pass: true });
    return;
  }
  const scratch = await createScratchDatabase(ctx.postgres);
  const database = await openDatabase(scratch.url);
  try {
    let t0 = performance.now();
    await fill(scratch.url);
    console.log(`  filled in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const durations: Timing[] = [];
    const loadBefore = loadavg();
    t0 = performance.now();
    const result = await applyRetention(timed(database.prisma, durations), TEAM, NOW);
    const total = performance.now() - t0;
    const loadAfter = loadavg();
    const at = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0;
    for (const kind of [...new Set(durations.map((d) => d.kind))]) {
      const mine = durations.filter((d) => d.kind === kind);
      const ms = mine.map((d) => d.ms).sort((a, b) => a - b);
      const limits = mine.flatMap((d) => (d.limit === undefined ? [] : [d.limit]));
      console.log(
        `  ${kind}: ${mine.length} statements, median ${at(ms, 0.5).toFixed(1)} ms, p99 ${at(ms, 0.99).toFixed(1)} ms, longest ${(ms.at(-1) ?? 0).toFixed(1)} ms` +
          (limits.length > 0 ? `; batch size ${Math.min(...limits)}–${Math.max(...limits)}` : ""),
      );
    }
    const longestStatement = durations.reduce<Timing | undefined>((a, b) => (a && a.ms >= b.ms ? a : b), undefined);
    const serverTimes = durations.flatMap((d) => (d.serverMs === undefined ? [] : [d.serverMs])).sort((a, b) => a - b);
    const longestServer = durations.reduce<Timing | undefined>(
      (a, b) => (a && (a.serverMs ?? 0) >= (b.serverMs ?? 0) ? a : b),
      undefined,
    );
    const longest = longestStatement?.ms ?? 0;
    const sorted = durations.map((d) => d.ms).sort((a, b) => a - b);
    const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(" ");
    console.log(
      `  ${durations.length} statements, p99 ${at(sorted, 0.99).toFixed(1)} ms, median ${at(sorted, 0.5).toFixed(1)} ms; total ${(total / 1000).toFixed(1)} s`,
    );
    console.log(
      `  LONGEST STATEMENT: ${longest.toFixed(1)} ms as the app waited for it (${longestStatement?.kind ?? "none"}${longestStatement?.limit === undefined ? "" : `, batch of ${longestStatement.limit}`}${longestStatement?.serverMs === undefined ? "" : `, ${longestStatement.serverMs.toFixed(1)} ms of it on the server before its triggers and commit`}); target ≤ 100 ms`,
    );
    console.log(
      `  the server's own time for the batch statements (their work, before their triggers and commit): median ${at(serverTimes, 0.5).toFixed(1)} ms, p99 ${at(serverTimes, 0.99).toFixed(1)} ms, longest ${(longestServer?.serverMs ?? 0).toFixed(1)} ms (${longestServer?.kind ?? "none"}${longestServer?.limit === undefined ? "" : `, batch of ${longestServer.limit}`})`,
    );
    console.log(
      `  load average (1, 5, 15 min): ${load(loadBefore)} before, ${load(loadAfter)} after, on ${String(cpus())} CPUs`,
    );
    const [answersLeft, signalsFull] = await Promise.all([
      database.prisma.holdingBack.count({ where: { teamId: TEAM } }),
      database.query<{ count: string }>(`SELECT count(*) FROM "InboundSignal" WHERE signal <> '{}'::jsonb`),
    ]);
    const exact =
      result.holdingBackDeleted === ANSWERS_PAST &&
      result.signalsEmptied === SIGNALS_PAST &&
      answersLeft === KEPT &&
      Number(signalsFull[0]?.count ?? -1) === KEPT;
    record({
      scenario: "retention",
      measure: "deleted/emptied exactly what was past its limit",
      value: `${result.holdingBackDeleted} answers deleted, ${result.signalsEmptied} signals emptied, ${answersLeft} + ${String(signalsFull[0]?.count)} kept`,
      target: `${ANSWERS_PAST} + ${SIGNALS_PAST}, ${KEPT} + ${KEPT} kept`,
      pass: exact,
    });
    recordAtMost(
      "retention",
      `longest single statement as the app waited for it (PostgreSQL; load ${loadAfter[0]?.toFixed(1) ?? "?"} on ${String(cpus())} CPUs)`,
      longest,
      100,
      " ms",
      1,
    );
    // What holds the database: the statement's work on the server (its commit no longer waits
    // for the disk). The line above also counts the app's side (Prisma, the round trip, a
    // process waiting for a CPU on a loaded machine), which holds no lock.
    recordAtMost(
      "retention",
      "longest statement's work on the server (before its triggers and commit)",
      longestServer?.serverMs ?? 0,
      100,
      " ms",
      1,
    );
    record({
      scenario: "retention",
      measure: `total time for ${(ANSWERS_PAST + SIGNALS_PAST).toLocaleString("en")} rows (PostgreSQL)`,
      value: `${(total / 1000).toFixed(1)} s`,
      target: "reported",
      pass: true,
    });
  } finally {
    await database.close();
    await scratch.drop().catch(() => undefined);
  }
}
