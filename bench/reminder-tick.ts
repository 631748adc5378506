// Reminder tick cost: 1,000 vs 100,000 open recovery cases (each with a half-time reminder,
// a 2-hours-before reminder and an escalation, spread over a week), with the same 100
// reminders due. A tick's cost should depend on the due rows only, not on the cases that
// are not yet due: the due query walks the (status, dueAt) index and takes a batch. The tick
// only enqueues one job per due row (the workers deliver them), so "sent" counts jobs.
import { performance } from "node:perf_hooks";
import { createLogger } from "../src/app.ts";
import { openDatabase, type Database } from "../src/db/database.ts";
import { Prisma } from "../src/generated/prisma/client.ts";
import { dueRemindersQuery, runDueReminders } from "../src/scheduler/due-reminders.ts";
import { JobStore } from "../src/jobs/durable-queue.ts";
import type { SlackStandIn } from "../src/sandbox/slack-imitation.ts";

const TEAM = "T0BENCH";
const OWNERS = 50;
const DUE = 100;
const WEEK_SECONDS = 7 * 24 * 3600;
const now = new Date("2026-11-23T12:00:00Z");

async function seed(database: Database, cases: number): Promise<void> {
  const prisma = database.prisma;
  await prisma.workspace.create({ data: { teamId: TEAM } });
  // Deadlines spread evenly over the week after the next 13 hours (so no reminder is due yet);
  // each case was opened 24 h before its deadline.
  await prisma.$executeRawUnsafe(
    `INSERT INTO "RecoveryCase" (id, number, "teamId", "reporterId", "ownerId", customer, description, status, "reportedAt", "dueAt", "createdAt", "updatedAt")
     SELECT gen_random_uuid()::text, i, $1, 'UREPORTER', 'UOWNER' || (i % ${OWNERS}), 'Customer ' || i, 'Order arrived damaged', 'open',
            d - interval '24 hours', d, $2::timestamp, $2::timestamp
     FROM (SELECT i, $2::timestamp + interval '13 hours' + (i * (${WEEK_SECONDS} / $3::float)) * interval '1 second' AS d
           FROM generate_series(1, $3::int) AS i) AS spread`,
    TEAM,
    now,
    cases,
  );
  for (const [kind, offset] of [
    ["reminder", "interval '12 hours'"],
    ["reminder", "interval '2 hours'"],
    ["escalation", "interval '0 hours'"],
  ] as const) {
    await prisma.$executeRawUnsafe(
      `INSERT INTO "RecoveryReminder" (id, "caseId", "teamId", kind, "dueAt")
       SELECT gen_random_uuid()::text, id, "teamId", '${kind}'::"ReminderKind", "dueAt" - ${offset} FROM "RecoveryCase"`,
    );
  }
  // The same number of reminders is due at `now` whatever the total.
  await prisma.$executeRawUnsafe(
    `UPDATE "RecoveryReminder" SET "dueAt" = $1::timestamp - interval '1 minute'
     WHERE id IN (SELECT DISTINCT ON ("caseId") id FROM "RecoveryReminder" WHERE kind = 'reminder'
                  ORDER BY "caseId", "dueAt" DESC LIMIT ${DUE})`,
    now,
  );
  await prisma.$executeRawUnsafe(`ANALYZE`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

interface TickFigures {
  cases: number;
  reminders: number;
  seedSeconds: number;
  queryMs: number;
  tickMs: number;
  sent: number;
  plan: string;
}

async function measure(slack: SlackStandIn, cases: number, databaseUrl: string): Promise<TickFigures> {
  const database = await openDatabase(databaseUrl);
  const seedStarted = performance.now();
  await seed(database, cases);
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  const reminders = await database.prisma.recoveryReminder.count();

  // The due query alone, as the tick issues it.
  const queryTimes: number[] = [];
  for (let i = -5; i < 20; i++) {
    const t0 = performance.now();
    await database.prisma.$queryRaw(dueRemindersQuery(now, 100));
    if (i >= 0) queryTimes.push(performance.now() - t0); // the first runs warm up the query plan
  }
  const planRows = await database.prisma.$queryRaw<Array<Record<string, string>>>(
    Prisma.sql`EXPLAIN ${dueRemindersQuery(now, 100)}`,
  );
  const plan = planRows.map((row) => Object.values(row)[0]).join(" / ");

  const sentBefore = slack.callsTo("chat.postMessage").length;
  const t0 = performance.now();
  const result = await runDueReminders(
    {
      prisma: database.prisma,
      jobs: new JobStore(database.prisma),
      clock: { now: () => now },
      logger: createLogger("error"),
      instanceId: "bench",
    },
    now,
  );
  const tickMs = performance.now() - t0;
  const posts = slack.callsTo("chat.postMessage").length - sentBefore;
  await database.close();
  return {
    cases,
    reminders,
    seedSeconds,
    queryMs: median(queryTimes),
    tickMs,
    sent: result.enqueued,
    plan: `${plan}\n    tick result ${JSON.stringify(result)}; ${posts} chat.postMessage calls`,
  };
}

/** `database` gives a fresh, empty database (and disposes of it) for each of the two runs. */
export async function runReminderTickScenario(
  slack: SlackStandIn,
  _apiUrl: string,
  database: { label: string; fresh(): Promise<{ url: string; dispose(): Promise<void> }> },
): Promise<void> {
  for (let i = 0; i < OWNERS; i++) slack.addUser({ id: `UOWNER${i}`, name: `Owner ${i}` });
  console.log(`\n== reminders: ${DUE} reminders due, cases not yet due spread over a week (${database.label})`);
  const figures: TickFigures[] = [];
  for (const cases of [1_000, 100_000]) {
    const fresh = await database.fresh();
    const f = await measure(slack, cases, fresh.url).finally(() => fresh.dispose());
    figures.push(f);
    console.log(
      `  ${String(f.cases).padStart(7)} open cases, ${String(f.reminders).padStart(7)} reminder rows (seeded in ${f.seedSeconds.toFixed(1)} s): ` +
        `due query ${f.queryMs.toFixed(2)} ms, one tick ${f.tickMs.toFixed(0)} ms, ${f.sent} jobs enqueued`,
    );
    console.log(`    plan: ${f.plan}`);
  }
  const [small, large] = figures;
  if (small && large) {
    console.log(
      `  100× more cases → due query ×${(large.queryMs / small.queryMs).toFixed(2)}, tick ×${(large.tickMs / small.tickMs).toFixed(2)}`,
    );
  }
}
