// The durable job queue and the outbox on every database target: group-committed enqueue,
// idempotent keys and dedupe, two instances, restarts, deferrals, and the outbox's
// exactly-once writes (in-doubt posts found by their metadata, 429 per channel, dead letters).
import { performance } from "node:perf_hooks";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { webApi } from "@slack/bolt";
import { z } from "zod";
import { createLogger } from "../../src/app.ts";
import { openDatabase, type Database } from "../../src/db/database.ts";
import { JobStore } from "../../src/jobs/durable-queue.ts";
import { RetryLater } from "../../src/jobs/queue.ts";
import { KEEP_FINISHED_MS, pruneFinishedWork } from "../../src/jobs/maintenance.ts";
import { JobWorkers, type WorkerOptions } from "../../src/jobs/workers.ts";
import { DurableOutbox } from "../../src/slack/durable-outbox.ts";
import { SlackWriteRefused } from "../../src/slack/outbox.ts";
import { Pacer } from "../../src/slack/pacer.ts";
import { databaseTargets } from "../support/databases.ts";
import { SlackStandIn } from "../../src/sandbox/slack-imitation.ts";

const logger = createLogger("error");
const payload = z.object({ n: z.number() });

describe.each(databaseTargets())("jobs and outbox on $name", (target) => {
  let slack: SlackStandIn;
  let apiUrl: string;
  let database: Database;
  let running: JobWorkers[] = [];

  beforeAll(async () => {
    slack = new SlackStandIn();
    apiUrl = await slack.start();
  });
  // Each test has a database of its own: dropping some twenty PostgreSQL databases can take
  // longer than the default hook timeout on a busy machine.
  afterAll(async () => {
    await slack.stop();
    await target.cleanup();
  }, 120_000);
  beforeEach(async () => {
    slack.reset();
    slack.limitPostsPerChannel(undefined);
    database = await openDatabase(await target.create());
  });
  afterEach(async () => {
    for (const w of running) await w.stop(1_000);
    running = [];
    await database.close();
  });

  function makeOutbox(db = database) {
    const client = new webApi.WebClient("xoxb-test", {
      slackApiUrl: apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    });
    return new DurableOutbox({ prisma: db.prisma, client, pacer: new Pacer(db.prisma), logger });
  }

  function makeWorkers(
    db = database,
    instanceId = "test",
    outbox = makeOutbox(db),
    store = new JobStore(db.prisma, { query: db.query }),
  ) {
    const workers = new JobWorkers({
      store,
      logger,
      outboxFor: (job) => outbox.forTeam(job.teamId),
      instanceId,
      pollMs: 50,
    });
    running.push(workers);
    return workers;
  }

  it("stores concurrent enqueues in one batch and runs each job once", async () => {
    const workers = makeWorkers();
    const seen: number[] = [];
    workers.register("count", payload, async ({ n }) => {
      seen.push(n);
    });
    const results = await Promise.all(Array.from({ length: 200 }, (_, n) => workers.enqueue("count", { n })));
    expect(results.every((r) => r.created)).toBe(true);
    await workers.drain();
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, n) => n));
  });

  it("stores batches of every size, again and again (named prepared statements on PostgreSQL)", async () => {
    const store = new JobStore(database.prisma, { query: database.query });
    // Sizes up to 16 are prepared statements, one per size and connection; larger ones are not.
    for (const size of [1, 2, 16, 17, 3, 1, 16, 40, 2]) {
      const results = await Promise.all(Array.from({ length: size }, (_, n) => store.enqueue("count", { n })));
      expect(results.every((r) => r.created)).toBe(true);
    }
    expect(await database.prisma.job.count()).toBe(98);
  });

  it("with one insert in flight at a time, rows arriving meanwhile go together in the next one", async () => {
    const statements: number[] = [];
    let releaseFirst: () => void = () => undefined;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    const store = new JobStore(database.prisma, {
      maxInsertsInFlight: 1,
      query: async (sql, params, options) => {
        statements.push((params ?? []).length / 9);
        if (statements.length === 1) await firstHeld;
        return database.query(sql, params, options);
      },
    });
    // A flush starts on the next turn of the event loop and sends its statement at once.
    const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
    const first = store.enqueue("count", { n: 0 });
    await nextTurn();
    const later = Array.from({ length: 5 }, (_, n) => store.enqueue("count", { n: n + 1 }));
    await nextTurn();
    await nextTurn();
    expect(statements).toEqual([1]); // the five wait for the first insert
    releaseFirst();
    const results = await Promise.all([first, ...later]);
    expect(results.every((r) => r.created)).toBe(true);
    expect(statements).toEqual([1, 5]);
  });

  it("when each insert holds the thread (embedded PGlite), rows arriving one per loop turn share statements", async () => {
    // A burst's last requests are accepted one per loop iteration (libuv), and a PGlite statement
    // runs on this thread for about a millisecond before its first row: one statement per request
    // doubled the cost of each (bench `burst`). coalesceFactor holds the next insert back while
    // rows keep coming.
    const busy = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until);
    };
    const arriveOnePerTurn = async (store: JobStore, count: number) => {
      const results: Array<Promise<unknown>> = [];
      for (let n = 0; n < count; n++) {
        busy(0.5); // parsing and verifying the request
        results.push(store.enqueue("count", { n }));
        await new Promise((resolve) => setImmediate(resolve));
      }
      await Promise.all(results);
    };
    const storeCounting = (options: { coalesceFactor?: number; coalesceWhile?: () => boolean }) => {
      const statements: number[] = [];
      const store = new JobStore(database.prisma, {
        maxInsertsInFlight: 1,
        ...options,
        // Not the database: the statement holds the thread, as on PGlite, whichever database
        // this suite runs on (PostgreSQL's round trip would batch the rows by itself).
        query: <Row>(_sql: string, params: unknown[] = []) => {
          statements.push(params.length / 9);
          busy(3);
          const rows = Array.from({ length: params.length / 9 }, (_, i) => ({
            id: params[i * 9],
            key: params[i * 9 + 2],
          }));
          return Promise.resolve(rows as Row[]);
        },
      });
      return { store, statements };
    };

    const eachAlone = storeCounting({});
    await arriveOnePerTurn(eachAlone.store, 40);
    const coalesced = storeCounting({ coalesceFactor: 1 });
    await arriveOnePerTurn(coalesced.store, 40);

    // Not while no burst is coming in (a steady stream on kept-alive connections).
    const noBurst = storeCounting({ coalesceFactor: 1, coalesceWhile: () => false });
    await arriveOnePerTurn(noBurst.store, 40);

    expect(eachAlone.statements.length).toBeGreaterThan(30);
    expect(noBurst.statements.length).toBeGreaterThan(30);
    expect(coalesced.statements.reduce((a, b) => a + b, 0)).toBe(40);
    expect(coalesced.statements.length).toBeLessThanOrEqual(eachAlone.statements.length / 3);

    // A row that comes alone, once the last insert is long over, is not held back.
    await new Promise((resolve) => setTimeout(resolve, 30));
    const started = performance.now();
    await coalesced.store.enqueue("count", { n: 99 });
    expect(performance.now() - started).toBeLessThan(20);
  });

  it("on a pool (PostgreSQL), a burst's rows share a few inserts in flight instead of one statement each", async () => {
    // There a statement does not hold the thread, so without a bound every loop turn's row
    // went out alone on a pool connection of its own: hundreds of single-row statements, 17 %
    // of the burst's CPU (bench `burst`).
    const arriveOnePerTurn = async (store: JobStore, count: number) => {
      const results: Array<Promise<unknown>> = [];
      for (let n = 0; n < count; n++) {
        results.push(store.enqueue("count", { n }));
        await new Promise((resolve) => setImmediate(resolve));
      }
      await Promise.all(results);
    };
    const storeCounting = (options: { coalesceFactor?: number; burstInsertsInFlight?: number }) => {
      const statements: number[] = [];
      let inFlight = 0;
      let mostInFlight = 0;
      const store = new JobStore(database.prisma, {
        ...options,
        // A round trip that leaves the thread free, whichever database this suite runs on.
        query: async <Row>(_sql: string, params: unknown[] = []) => {
          statements.push(params.length / 9);
          mostInFlight = Math.max(mostInFlight, ++inFlight);
          await new Promise((resolve) => setTimeout(resolve, 3));
          inFlight -= 1;
          const rows = Array.from({ length: params.length / 9 }, (_, i) => ({
            id: params[i * 9],
            key: params[i * 9 + 2],
          }));
          return rows as Row[];
        },
      });
      return { store, statements, mostInFlight: () => mostInFlight };
    };

    const unbounded = storeCounting({});
    await arriveOnePerTurn(unbounded.store, 60);
    const bounded = storeCounting({ coalesceFactor: 4, burstInsertsInFlight: 2 });
    await arriveOnePerTurn(bounded.store, 60);

    expect(unbounded.statements.length).toBeGreaterThan(45);
    expect(bounded.statements.reduce((a, b) => a + b, 0)).toBe(60);
    expect(bounded.mostInFlight()).toBeLessThanOrEqual(2);
    expect(bounded.statements.length).toBeLessThanOrEqual(unbounded.statements.length / 3);
  });

  it("creates nothing for a repeated key, or the same dedupe hash within its window", async () => {
    const workers = makeWorkers();
    workers.register("count", payload, async () => undefined);
    const first = await workers.enqueue("count", { n: 1 }, { key: "k1" });
    const again = await workers.enqueue("count", { n: 1 }, { key: "k1" });
    expect(first.created).toBe(true);
    expect(again).toEqual({ id: first.id, created: false });
    const [a, b] = await Promise.all([
      workers.enqueue("count", { n: 2 }, { dedupeHash: "same-text", dedupeWindowMs: 60_000 }),
      workers.enqueue("count", { n: 2 }, { dedupeHash: "same-text", dedupeWindowMs: 60_000 }),
    ]);
    const later = await workers.enqueue("count", { n: 2 }, { dedupeHash: "same-text", dedupeWindowMs: 60_000 });
    expect([a?.created, b?.created, later.created]).toEqual([true, false, false]);
    expect(later.id).toBe(a?.id);
    expect(await database.prisma.job.count()).toBe(2);
  });

  it("two instances on one database run each job exactly once", async () => {
    const seen: number[] = [];
    const handler = async ({ n }: { n: number }) => {
      seen.push(n);
      await new Promise((resolve) => setTimeout(resolve, 2));
    };
    const a = makeWorkers(database, "a");
    const b = makeWorkers(database, "b");
    a.register("count", payload, handler);
    b.register("count", payload, handler);
    await Promise.all(Array.from({ length: 100 }, (_, n) => a.enqueue("count", { n })));
    a.start();
    b.start();
    await expect.poll(() => seen.length, { timeout: 15_000 }).toBe(100);
    expect(new Set(seen).size).toBe(100);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seen.length).toBe(100);
    expect(await database.prisma.job.count({ where: { status: "done" } })).toBe(100);
  });

  it("a job recorded before a restart runs after it; one cut off by a stop is handed back and finished", async () => {
    const first = makeWorkers(database, "first");
    let release: () => void = () => undefined;
    first.register("slow", payload, () => new Promise<void>((resolve) => (release = resolve)));
    first.register("count", payload, async () => undefined);
    await first.enqueue("count", { n: 1 }, { key: "recorded" });
    first.start();
    await first.enqueue("slow", { n: 2 }, { key: "slow" });
    await expect.poll(() => first.activeCount, { timeout: 5_000 }).toBeGreaterThan(0);
    await first.stop(100); // the slow job is still running: handed back
    release();
    const slowRow = await database.prisma.job.findUniqueOrThrow({ where: { key: "slow" } });
    expect(slowRow.status).toBe("queued");

    const ran: string[] = [];
    const second = makeWorkers(database, "second");
    second.register("slow", payload, async () => void ran.push("slow"));
    second.register("count", payload, async () => void ran.push("count"));
    await second.drain();
    expect(ran).toEqual(["slow"]);
    expect(await database.prisma.job.count({ where: { status: "done" } })).toBe(2);
  });

  it("claims a job whose lease ran out (its instance died) before newer queued ones, and due jobs in order", async () => {
    let now = Date.now();
    const store = new JobStore(database.prisma, { query: database.query, now: () => new Date(now) });
    await store.enqueue("a", { n: 1 }, { key: "first", runAt: new Date(now - 3_000) });
    const [dead] = await store.claim(1, "died", 1_000);
    expect(dead?.key).toBe("first");
    await store.enqueue("a", { n: 2 }, { key: "second", runAt: new Date(now - 2_000) });
    await store.enqueue("a", { n: 3 }, { key: "third", runAt: new Date(now - 1_000) });
    await store.enqueue("a", { n: 4 }, { key: "later", runAt: new Date(now + 60_000) });
    now += 2_000; // the first claim's lease has run out
    // The expired one and the oldest due one; not "third", not "later".
    const claimed = await store.claim(2, "alive", 60_000);
    expect(claimed.map((j) => j.key).sort()).toEqual(["first", "second"]);
    expect(claimed.find((j) => j.key === "first")!.attempts).toBe(2);
    expect((await store.claim(5, "alive", 60_000)).map((j) => j.key)).toEqual(["third"]);
  });

  it("drain waits for a job the polling loop has claimed but not started yet", async () => {
    // A slow claim: the loop's claim is still on its way back when drain looks.
    const store = new JobStore(database.prisma);
    const claim = store.claim.bind(store);
    let markClaimed: () => void = () => undefined;
    const claimedByLoop = new Promise<void>((resolve) => (markClaimed = resolve));
    let slowClaims = 0;
    store.claim = async (...args) => {
      const jobs = await claim(...args);
      if (jobs.length > 0 && slowClaims++ === 0) {
        markClaimed();
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      return jobs;
    };
    const workers = makeWorkers(database, "slow", makeOutbox(), store);
    let ran = 0;
    workers.register("claimed", payload, async () => {
      ran += 1;
    });
    workers.start();
    await workers.enqueue("claimed", { n: 1 });
    await claimedByLoop; // the loop holds the job; it has not started it yet
    await workers.drain();
    expect(ran).toBe(1);
  });

  it("while requests are in flight, runs one job at a time and pauses after each in proportion to its length", async () => {
    let busy = true;
    const outbox = makeOutbox();
    const workers = new JobWorkers({
      store: new JobStore(database.prisma),
      logger,
      outboxFor: (job) => outbox.forTeam(job.teamId),
      instanceId: "busy",
      pollMs: 20,
      isBusy: () => busy,
      busyShare: 0.5, // a pause as long as the job
      busyGapMs: 1,
    });
    running.push(workers);
    const runs: Array<{ n: number; start: number; end: number }> = [];
    workers.register("slow", payload, async ({ n }) => {
      const start = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 150));
      runs.push({ n, start, end: Date.now() });
    });
    for (const n of [1, 2, 3]) await workers.enqueue("slow", { n });
    workers.start();
    await expect.poll(() => runs.length, { timeout: 5_000 }).toBe(2);
    const [first, second] = runs;
    // Not concurrent, and the second waited about as long as the first ran.
    expect(second!.start - first!.end).toBeGreaterThanOrEqual(130);
    // Once the requests stop, the rest runs.
    busy = false;
    await workers.drain();
    expect(runs.map((r) => r.n).sort()).toEqual([1, 2, 3]);
  });

  it("reschedules a job that asks to retry later without counting a failure, and dead-letters repeated failures", async () => {
    const workers = new JobWorkers({
      store: new JobStore(database.prisma),
      logger,
      outboxFor: (job) => makeOutbox().forTeam(job.teamId),
      instanceId: "x",
      maxAttempts: 2,
    });
    running.push(workers);
    let calls = 0;
    workers.register("later", payload, async () => {
      calls += 1;
      if (calls === 1) throw new RetryLater(new Date(Date.now() + 50), "not yet");
    });
    workers.register("broken", payload, async () => {
      throw new Error("boom");
    });
    await workers.enqueue("later", { n: 1 }, { key: "later" });
    await workers.drain();
    await new Promise((resolve) => setTimeout(resolve, 60));
    await workers.drain();
    expect(calls).toBe(2);
    const later = await database.prisma.job.findUniqueOrThrow({ where: { key: "later" } });
    expect([later.status, later.attempts]).toEqual(["done", 1]);

    await workers.enqueue("broken", { n: 1 }, { key: "broken" });
    await workers.drain();
    await database.prisma.job.update({ where: { key: "broken" }, data: { runAt: new Date() } });
    await workers.drain();
    const broken = await database.prisma.job.findUniqueOrThrow({ where: { key: "broken" } });
    expect(broken.status).toBe("dead");
    expect(broken.lastError).toContain("boom");
  });

  /** Started workers on the test's database, polling often, with `options` (bounds, hooks). */
  function startedWorkers(options: Partial<WorkerOptions>) {
    const workers = new JobWorkers({
      store: new JobStore(database.prisma),
      logger,
      outboxFor: (job) => makeOutbox().forTeam(job.teamId),
      instanceId: "x",
      pollMs: 20,
      ...options,
    });
    running.push(workers);
    workers.start();
    return workers;
  }

  /** Waits until the job with `key` has `status`, or fails after `ms`. */
  async function waitForStatus(key: string, status: string, ms = 8_000) {
    const deadline = Date.now() + ms;
    for (;;) {
      const job = await database.prisma.job.findUniqueOrThrow({ where: { key } });
      if (job.status === status) return job;
      if (Date.now() > deadline) throw new Error(`job ${key} is ${job.status} after ${ms} ms, not ${status}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it("bounds a job that is put off for ever: dead-lettered after its deferrals, saying so", async () => {
    const workers = startedWorkers({ maxDeferrals: 3 });
    let runs = 0;
    workers.register("forever", payload, async () => {
      runs += 1;
      throw new RetryLater(new Date(Date.now() + 10), "Slack still busy");
    });
    await workers.enqueue("forever", { n: 1 }, { key: "forever" });
    const dead = await waitForStatus("forever", "dead");
    expect(runs).toBe(4);
    expect(dead.deferrals).toBe(3);
    expect(dead.lastError).toContain("put off 3 times");
  });

  it("counts a DM whose conversation Slack keeps failing to open as a failure (back-off, then dead), not a deferral", async () => {
    slack.fail("conversations.open", { status: 500, times: 100 });
    const workers = startedWorkers({ maxAttempts: 2 });
    let runs = 0;
    // Like insights or an export: expensive work, then a DM.
    workers.register("draw-then-dm", payload, async (_p, { outbox, key }) => {
      runs += 1;
      await outbox.directMessage(`${key}:dm`, "UBUSY", { text: "Your charts" });
    });
    await workers.enqueue("draw-then-dm", { n: 1 }, { key: "draw-then-dm" });
    const dead = await waitForStatus("draw-then-dm", "dead");
    expect(runs).toBe(2); // not every 2 s for ever
    expect(dead.lastError).toContain("conversations.open failed");
  });

  it("fails a job at once on a permanent Slack error from a direct call, and reports it", async () => {
    slack.fail("conversations.info", { status: 200, slackError: "channel_not_found", times: 10 });
    const reported: string[] = [];
    const workers = startedWorkers({
      onDead: async (job, error) => {
        reported.push(`${job.key}: ${(error as { data?: { error?: string } }).data?.error}`);
      },
    });
    let runs = 0;
    const client = new webApi.WebClient("xoxb-test", { slackApiUrl: apiUrl, retryConfig: { retries: 0 } });
    workers.register("look", payload, async () => {
      runs += 1;
      await client.conversations.info({ channel: "CGONE" });
    });
    await workers.enqueue("look", { n: 1 }, { key: "look" });
    const dead = await waitForStatus("look", "dead", 4_000);
    expect([runs, dead.attempts]).toEqual([1, 1]);
    expect(dead.lastError).toContain("channel_not_found");
    expect(reported).toEqual(["look: channel_not_found"]);
  });

  it("writes each outbox key once, however often it is called", async () => {
    const outbox = makeOutbox().forTeam("T1");
    const first = await outbox.postMessage("k:post", { channel: "C1", text: "hello" });
    const second = await outbox.postMessage("k:post", { channel: "C1", text: "hello" });
    expect(second).toEqual(first);
    expect(slack.postsTo("C1")).toHaveLength(1);
    const posted = slack.postsTo("C1")[0]?.args.metadata as { event_payload?: { outbox_key?: string } };
    expect(posted.event_payload?.outbox_key).toBe("k:post");
  });

  it("does not post again a message that reached Slack before the answer was lost; finds it by its metadata", async () => {
    const outbox = makeOutbox().forTeam("T1");
    slack.fail("chat.postMessage", { status: 500, afterDelivery: true });
    await expect(outbox.postMessage("k:doubt", { channel: "C2", text: "once" })).rejects.toBeInstanceOf(RetryLater);
    expect(slack.messages.get("C2")).toHaveLength(1);
    const row = await database.prisma.slackWrite.findUniqueOrThrow({ where: { key: "k:doubt" } });
    expect([row.status, row.maybeSent]).toEqual(["pending", true]);
    await database.prisma.slackWrite.update({ where: { key: "k:doubt" }, data: { nextAttemptAt: new Date() } });
    const posted = await outbox.postMessage("k:doubt", { channel: "C2", text: "once" });
    expect(slack.messages.get("C2")).toHaveLength(1);
    expect(posted.ts).toBe(slack.messages.get("C2")?.[0]?.ts);
    expect(slack.callsTo("conversations.history")).toHaveLength(1);
  });

  it("a thread reply in doubt is looked for in its thread", async () => {
    const outbox = makeOutbox().forTeam("T1");
    const parent = await outbox.postMessage("k:parent", { channel: "C3", text: "card" });
    slack.fail("chat.postMessage", { status: 502, afterDelivery: true });
    const reply = { channel: "C3", thread_ts: parent.ts, text: "buttons" };
    await expect(outbox.postMessage("k:reply", reply)).rejects.toBeInstanceOf(RetryLater);
    await database.prisma.slackWrite.update({ where: { key: "k:reply" }, data: { nextAttemptAt: new Date() } });
    await outbox.postMessage("k:reply", reply);
    expect(slack.postsTo("C3")).toHaveLength(2);
    expect(slack.callsTo("conversations.replies")).toHaveLength(1);
  });

  it("a 429 with Retry-After holds back only that channel", async () => {
    const outbox = makeOutbox().forTeam("T1");
    slack.fail("chat.postMessage", { status: 429, retryAfterSeconds: 30 });
    const limited = await outbox.postMessage("k:a1", { channel: "CA", text: "a" }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RetryLater);
    expect((limited as RetryLater).at.getTime()).toBeGreaterThan(Date.now() + 25_000);
    // Another channel goes at once; the limited one waits (no call is made to Slack).
    await outbox.postMessage("k:b1", { channel: "CB", text: "b" });
    const before = slack.callsTo("chat.postMessage").length;
    const again = await outbox.postMessage("k:a2", { channel: "CA", text: "a2" }).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(RetryLater);
    expect(slack.callsTo("chat.postMessage")).toHaveLength(before);
    // Every instance honours it: the gate is in the database.
    const gate = await database.prisma.slackRateGate.findUniqueOrThrow({ where: { lane: "channel:CA" } });
    expect(gate.notBefore.getTime()).toBeGreaterThan(Date.now() + 25_000);
  });

  it("dead-letters a write Slack refuses for good, and says so to the caller", async () => {
    const outbox = makeOutbox().forTeam("T1");
    slack.fail("chat.postMessage", { status: 200, slackError: "channel_not_found" });
    const refused = await outbox.postMessage("k:gone", { channel: "CGONE", text: "x" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SlackWriteRefused);
    expect((refused as SlackWriteRefused).slackError).toBe("channel_not_found");
    const row = await database.prisma.slackWrite.findUniqueOrThrow({ where: { key: "k:gone" } });
    expect([row.status, row.lastError, row.teamId]).toEqual(["dead", "channel_not_found", "T1"]);
  });

  it("paces posts to one channel instead of being told to slow down", async () => {
    slack.limitPostsPerChannel({ perSecond: 1, burst: 3 });
    const workers = makeWorkers();
    workers.register("post", payload, async ({ n }, context) => {
      await context.outbox.postMessage(`${context.key}:post`, { channel: "CPACE", text: `message ${n}` });
    });
    const started = Date.now();
    await Promise.all(Array.from({ length: 8 }, (_, n) => workers.enqueue("post", { n }, { teamId: "T1" })));
    workers.start();
    await expect.poll(() => slack.messages.get("CPACE")?.length ?? 0, { timeout: 20_000 }).toBe(8);
    const seconds = (Date.now() - started) / 1000;
    expect(slack.rateLimitedCalls.length).toBeLessThanOrEqual(2);
    expect(seconds).toBeGreaterThan(4);
    expect(seconds).toBeLessThan(12);
  });

  it("prunes finished jobs and sent writes after a week, keeping dead letters and recent rows", async () => {
    const old = new Date(Date.now() - KEEP_FINISHED_MS - 60_000);
    await database.prisma.job.createMany({
      data: [
        { kind: "k", key: "old-done", payload: {}, status: "done", finishedAt: old },
        { kind: "k", key: "old-dead", payload: {}, status: "dead", finishedAt: old },
        { kind: "k", key: "new-done", payload: {}, status: "done", finishedAt: new Date() },
      ],
    });
    await database.prisma.slackWrite.createMany({
      data: [
        { key: "w-old", method: "chat.postMessage", lane: "l", args: {}, status: "sent", sentAt: old },
        { key: "w-dead", method: "chat.postMessage", lane: "l", args: {}, status: "dead" },
      ],
    });
    await database.prisma.slackPaceLane.createMany({
      data: [
        { lane: "channel:quiet", tatMs: Date.now() - 25 * 60 * 60_000 },
        { lane: "channel:busy", tatMs: Date.now() },
      ],
    });
    expect(await pruneFinishedWork(database.prisma)).toEqual({ jobs: 1, writes: 1 });
    expect((await database.prisma.slackPaceLane.findMany()).map((l) => l.lane)).toEqual(["channel:busy"]);
    expect((await database.prisma.job.findMany({ orderBy: { key: "asc" } })).map((j) => j.key)).toEqual([
      "new-done",
      "old-dead",
    ]);
    expect(await database.prisma.slackWrite.count()).toBe(1);
  });
});
