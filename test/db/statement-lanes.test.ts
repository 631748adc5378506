// Embedded PGlite runs one statement at a time: the ack path must never queue behind long
// background work (issue: hundreds of acks past Slack's 3 s in a burst with work queued).
import http from "node:http";
import net from "node:net";
import { performance } from "node:perf_hooks";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type Database, type Db } from "../../src/db/database.ts";
import { JobStore } from "../../src/jobs/durable-queue.ts";
import { KEEP_FINISHED_MS, pruneFinishedWork } from "../../src/jobs/maintenance.ts";
import { StatementLanes } from "../../src/db/statement-lanes.ts";

const SLOW = "SELECT pg_sleep(0.4)";

/** Maintenance whose first pruning step is preceded by a slow statement (a big delete, say). */
function withSlowStepInjected(database: Database, onSlowDone: () => void): Db {
  let injected = false;
  return {
    $executeRawUnsafe: async (sql: string, ...params: unknown[]) => {
      if (!injected) {
        injected = true;
        await database.prisma.$executeRawUnsafe(SLOW);
        onSlowDone();
      }
      return database.prisma.$executeRawUnsafe(sql, ...params);
    },
  } as unknown as Db;
}

describe("statement lanes on embedded PGlite", () => {
  let database: Database | undefined;
  afterEach(async () => {
    await database?.close();
    database = undefined;
  });

  it("runs a batch of waiting acks before a slow maintenance statement queued ahead of them", async () => {
    database = await openDatabase("memory://");
    const db = database;
    const store = new JobStore(db.prisma, { query: db.query, maxInsertsInFlight: 1 });
    const order: string[] = [];

    // A worker's transaction holds PGlite across an await (PGlite cannot interleave it), and
    // maintenance's slow statement queues behind it.
    let holds!: () => void;
    const holdingStarted = new Promise<void>((resolve) => (holds = resolve));
    const holding = db.prisma
      .$transaction(async (tx) => {
        await tx.workspace.count();
        holds();
        await new Promise((resolve) => setTimeout(resolve, 200));
      })
      .then(() => order.push("holding"));
    await holdingStarted;
    const maintenance = pruneFinishedWork(withSlowStepInjected(db, () => order.push("maintenance slow step")));
    await new Promise((resolve) => setTimeout(resolve, 20));

    // Then a batch of requests arrives: their job inserts (one statement) and an admin
    // command's settings read (Prisma, in a request's context) wait for their turn.
    const acks = [
      ...Array.from({ length: 50 }, (_, i) => db.onAckPath(() => store.enqueue("nomination.submit", { i }))),
      db.onAckPath(() => db.prisma.workspace.findMany({ take: 1 })),
    ];
    await Promise.all(acks);
    order.push("acks");
    await Promise.all([holding, maintenance]);

    // The acks waited for the statement that was running, never for the slow one queued.
    expect(order).toEqual(["holding", "acks", "maintenance slow step"]);
  });

  it("holds a background transaction back while a request is answered, within its bound", async () => {
    database = await openDatabase("memory://", { lanes: { maxBackgroundDeferMs: 300 } });
    const db = database;
    const t0 = performance.now();
    let transactionStartedAt = 0;
    const request = db.onAckPath(async () => {
      await new Promise((resolve) => setTimeout(resolve, 1_000)); // a slow Slack look-up before the ack
      await db.prisma.workspace.count();
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await db.prisma.$transaction(async (tx) => {
      transactionStartedAt = performance.now() - t0;
      await tx.workspace.count();
    });
    // Deferred while the request was in flight, but not until it ended (bounded).
    expect(transactionStartedAt).toBeGreaterThanOrEqual(300);
    expect(transactionStartedAt).toBeLessThan(900);
    await request;
    // With no request in flight it starts at once.
    const t1 = performance.now();
    await db.prisma.$transaction(async (tx) => tx.workspace.count());
    expect(performance.now() - t1).toBeLessThan(200);
  });

  it("prunes in bounded steps and still removes everything due", async () => {
    database = await openDatabase("memory://");
    const old = new Date(Date.now() - KEEP_FINISHED_MS - 60_000);
    await database.prisma.job.createMany({
      data: Array.from({ length: 1_203 }, (_, i) => ({
        kind: "k",
        key: `old-${i}`,
        payload: {},
        status: "done" as const,
        finishedAt: old,
      })),
    });
    await database.prisma.job.create({
      data: { kind: "k", key: "recent", payload: {}, status: "done", finishedAt: new Date() },
    });
    let statements = 0;
    const counting = {
      $executeRawUnsafe: (sql: string, ...params: unknown[]) => {
        if (sql.includes('DELETE FROM "Job"')) statements++;
        return database!.prisma.$executeRawUnsafe(sql, ...params);
      },
    } as unknown as Db;
    expect(await pruneFinishedWork(counting, new Date(), 500)).toEqual({ jobs: 1_203, writes: 0 });
    expect(statements).toBe(3);
    expect((await database.prisma.job.findMany()).map((j) => j.key)).toEqual(["recent"]);
  });
});

/** Holds the thread for `ms`, as a PGlite statement does while it runs (it is synchronous WASM). */
function runSynchronously(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy, like PGlite's execProtocolRawSync
  }
}

describe("statement lanes keep the event loop free to accept connections", () => {
  it("starts each background statement in a macrotask of its own, so the loop polls in between", async () => {
    const lanes = new StatementLanes();
    const order: string[] = [];
    const first = lanes.run(async () => {
      order.push("first statement");
      setImmediate(() => order.push("event loop turn"));
    });
    const second = lanes.run(async () => {
      order.push("second statement");
    });
    await Promise.all([first, second]);
    // Started from the first one's completion in the same microtask chain, the second would
    // run before the loop turned: a queue of them held the loop for seconds in a burst.
    expect(order).toEqual(["first statement", "event loop turn", "second statement"]);
  });

  it("holds background statements while connections keep arriving, within its bound", async () => {
    const lanes = new StatementLanes({ arrivalQuietMs: 50, maxBackgroundDeferMs: 1_000 });
    const t0 = performance.now();
    const arrivals = setInterval(() => lanes.noteArrival(), 10);
    lanes.noteArrival();
    setTimeout(() => clearInterval(arrivals), 300);
    let startedAt = 0;
    await lanes.run(async () => {
      startedAt = performance.now() - t0;
    });
    expect(startedAt).toBeGreaterThanOrEqual(300);
    expect(startedAt).toBeLessThan(900);

    // Arrivals that never pause hold it only up to the bound.
    const t1 = performance.now();
    const endless = setInterval(() => lanes.noteArrival(), 10);
    lanes.noteArrival();
    try {
      await lanes.run(async () => undefined);
    } finally {
      clearInterval(endless);
    }
    const waited = performance.now() - t1;
    expect(waited).toBeGreaterThanOrEqual(1_000);
    expect(waited).toBeLessThan(2_500);
  });

  it("accepts a burst of connections at once while background statements keep PGlite busy", async () => {
    // The issue's stall: workers' statements of 30 ms each, back to back; libuv accepts one
    // connection per loop iteration, so 300 connections took 300 statements (9 s) to get in.
    const lanes = new StatementLanes();
    const server = http.createServer((_req, res) => res.end("ok"));
    let accepted = 0;
    server.on("connection", () => {
      accepted++;
      lanes.noteArrival();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    // 200 of them (6 s of work): bounded, because without the lanes' yield the chain of
    // statements never lets the loop turn, and this test's own timers would never fire.
    let working = true;
    let background: Promise<void> = Promise.resolve();
    const sockets: net.Socket[] = [];
    try {
      const t0 = performance.now();
      for (let i = 0; i < 300; i++) sockets.push(net.connect(port, "127.0.0.1").on("error", () => undefined));
      background = (async () => {
        for (let i = 0; i < 200 && working; i++) await lanes.run(async () => runSynchronously(30));
      })();
      while (accepted < 300 && performance.now() - t0 < 15_000) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const seconds = (performance.now() - t0) / 1000;
      expect(accepted).toBe(300);
      expect(seconds).toBeLessThan(3);
    } finally {
      working = false;
      await background;
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
