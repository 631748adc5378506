// webhooks: a burst of 1,000 signed customer signals (Standard Webhooks, each on its own
// connection, all opened at once) against a bare Node HTTP server that only checks the same
// signature, and against Delight (PGlite in memory, PostgreSQL), which saves each signal and
// its job before answering. Answer p50/p99/max as a ratio to the bare server measured in the
// same run; then every signal must be processed by the job workers exactly once.
import http from "node:http";
import { randomUUID } from "node:crypto";
import { signStandardWebhook } from "../../src/features/signals/signatures.ts";
import { available, DATABASE_LABEL, withDelight, type BenchContext } from "../context.ts";
import {
  ADMIN_USER,
  BENCH_METRICS_TOKEN,
  getText,
  signedSlashCommand,
  sleep,
  startAppProcess,
  type LoadResult,
} from "../harness.ts";
import { record, recordAtMost } from "../report.ts";

const SIZE = Number(process.env.BENCH_WEBHOOKS ?? 1000);
const PROCESS_TIMEOUT_MS = Number(process.env.BENCH_WEBHOOK_TIMEOUT_S ?? 240) * 1000;
const BARE_SECRET = `whsec_${Buffer.from("bench-webhook-secret-0123456789").toString("base64")}`;

interface Hook {
  path: string;
  body: string;
  headers: Record<string, string>;
}

function signals(path: string, secret: string, n: number, tag: string): Hook[] {
  return Array.from({ length: n }, (_, i) => {
    const body = JSON.stringify({
      type: "customer",
      occurred_at: new Date().toISOString(),
      customer: { name: `Bench customer ${tag} ${i}`, external_id: `${tag}-${i}`, tier: "gold", interests: ["coffee"] },
    });
    const headers = signStandardWebhook(secret, `msg_${randomUUID()}`, Math.floor(Date.now() / 1000), body);
    return { path, body, headers: { ...headers, "content-type": "application/json" } };
  });
}

function send(port: number, hook: Hook): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(
      { host: "127.0.0.1", port, path: hook.path, method: "POST", headers: hook.headers, agent: false },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", () => resolve(0));
      },
    );
    // Senders time out after about 10 s and retry: a request unanswered by then failed.
    req.setTimeout(10_000, () => req.destroy());
    req.on("error", () => resolve(0));
    req.end(hook.body);
  });
}

async function burstOf(port: number, hooks: Hook[]): Promise<LoadResult & { within3s: number }> {
  const started = performance.now();
  const answers = await Promise.all(
    hooks.map(async (hook) => {
      const t0 = performance.now();
      const status = await send(port, hook);
      return { status, ms: performance.now() - t0 };
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const statuses = new Map<number, number>();
  for (const a of answers) statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
  if (statuses.size > 1 || !statuses.has(200)) {
    console.log(
      `  answers by status (0: no answer within 10 s): ${[...statuses].map(([k, v]) => `${k}×${v}`).join(", ")}`,
    );
  }
  const ok = answers
    .filter((a) => a.status === 200)
    .map((a) => a.ms)
    .sort((a, b) => a - b);
  const pick = (q: number) => ok[Math.min(ok.length - 1, Math.floor(q * ok.length))] ?? 0;
  return {
    requests: answers.length,
    errors: answers.length - ok.length,
    seconds,
    throughput: ok.length / seconds,
    p50: pick(0.5),
    p99: pick(0.99),
    max: ok.at(-1) ?? 0,
    within3s: ok.filter((ms) => ms < 3_000).length,
  };
}

const row = (label: string, r: LoadResult & { within3s: number }, base?: LoadResult) =>
  `${label.padEnd(44)} p50 ${r.p50.toFixed(1).padStart(7)} ms  p99 ${r.p99.toFixed(1).padStart(7)} ms  max ${r.max
    .toFixed(0)
    .padStart(
      6,
    )} ms  errors ${r.errors}  within 3 s ${r.within3s}${base ? `  p99 ×${(r.p99 / base.p99).toFixed(2)} of bare` : ""}`;

/** The job runs of one kind and outcome, from Delight's /metrics. */
async function jobRuns(port: number, kind: string, outcome: string): Promise<number> {
  const { body } = await getText(port, "/metrics", { authorization: `Bearer ${BENCH_METRICS_TOKEN}` });
  let total = 0;
  for (const line of body.split("\n")) {
    if (
      line.startsWith("delight_job_runs_total{") &&
      line.includes(`kind="${kind}"`) &&
      line.includes(`outcome="${outcome}"`)
    ) {
      total += Number(line.split(" ").at(-1));
    }
  }
  return total;
}

/** Creates a generic connection through the real command and returns its path and secret. */
async function connect(port: number, apiUrl: string): Promise<{ path: string; secret: string }> {
  const command = signedSlashCommand(
    "/delight-admin",
    "connect generic",
    ADMIN_USER,
    `${apiUrl.replace(/api\/$/, "")}respond/bench`,
  );
  const body = await new Promise<string>((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, path: "/slack/events", method: "POST", headers: command.headers, agent: false },
      (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString()));
        res.on("end", () => resolve(text));
      },
    );
    req.on("error", reject);
    req.end(command.body);
  });
  const path = /(\/hooks\/generic\/[A-Za-z0-9_-]+)/.exec(body)?.[1];
  const secret = /(whsec_[A-Za-z0-9+/=]+)/.exec(body)?.[1];
  if (!path || !secret) throw new Error(`connect generic did not answer a URL and a secret: ${body.slice(0, 300)}`);
  return { path, secret };
}

export async function runWebhooks(ctx: BenchContext): Promise<void> {
  console.log(`\n== webhooks: ${SIZE} signed customer signals at once (a connection each)`);
  const bare = await startAppProcess("bare-webhook", { BENCH_WEBHOOK_SECRET: BARE_SECRET });
  let baseline: LoadResult & { within3s: number };
  try {
    await burstOf(bare.port, signals("/hooks", BARE_SECRET, 100, "warm")); // warm-up
    baseline = await burstOf(bare.port, signals("/hooks", BARE_SECRET, SIZE, "bare"));
  } finally {
    await bare.stop();
  }
  console.log(row(`bare Node server (signature only): ${SIZE}`, baseline));
  record({
    scenario: "webhooks",
    measure: "bare Node server p99 / max",
    value: `${baseline.p99.toFixed(0)} / ${baseline.max.toFixed(0)} ms`,
    target: "(ceiling)",
  });

  for (const kind of available(ctx, ["pglite-memory", "postgres"])) {
    await withDelight(ctx, kind, async (app) => {
      const label = DATABASE_LABEL[kind];
      const { path, secret } = await connect(app.port, ctx.apiUrl);
      await burstOf(app.port, signals(path, secret, 50, "warm")); // warm the JIT like the bare server
      const warmed = 50;
      // The warm-up's own jobs must not run during the burst (they would share PGlite's thread).
      for (
        let waited = 0;
        waited < 60_000 && (await jobRuns(app.port, "signals.process", "done")) < warmed;
        waited += 250
      ) {
        await sleep(250);
      }
      const result = await burstOf(app.port, signals(path, secret, SIZE, kind));
      console.log(row(`Delight (${label}): ${SIZE}`, result, baseline));
      // Every signal sent processed once (one the sender gave up on may still have been saved).
      const expected = warmed + SIZE;
      const started = performance.now();
      let done = 0;
      while (performance.now() - started < PROCESS_TIMEOUT_MS) {
        done = await jobRuns(app.port, "signals.process", "done");
        if (done >= expected) break;
        await sleep(250);
      }
      await sleep(1_000);
      done = await jobRuns(app.port, "signals.process", "done");
      const seconds = (performance.now() - started) / 1000;
      console.log(`  processed by the job workers: ${done} of ${expected} after ${seconds.toFixed(1)} s`);
      const scenario = `webhooks (${label})`;
      recordAtMost(scenario, "answer p99 ÷ bare Node server's p99", result.p99 / baseline.p99, 2, "×");
      recordAtMost(scenario, "slowest answer", result.max, 3000, " ms", 0);
      record({
        scenario,
        measure: "answered 200",
        value: `${SIZE - result.errors} of ${SIZE}`,
        target: `${SIZE} of ${SIZE}`,
        pass: result.errors === 0,
      });
      record({
        scenario,
        measure: "processed once (job runs done)",
        value: `${done} of ${expected}`,
        target: `${expected} of ${expected}`,
        pass: done === expected,
      });
    });
  }
}
