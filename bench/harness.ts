// Shared pieces of `npm run bench`: the apps under test as child processes (the bare Bolt
// app through tsx; Delight exactly as `npm start` runs it, compiled), signed requests, and
// two load generators: a closed loop (like wrk: N connections, each sends its next request
// when the previous answer arrives) and a burst (every request on its own connection, all
// opened at once, as Slack does when a whole company types at the same moment).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHmac } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { performance } from "node:perf_hooks";

export const SIGNING_SECRET = "bench-signing-secret";
export const TEAM_ID = "T0BENCH";
export const ADMIN_USER = "UBENCHADMIN";
export const NOMINATOR = "UNOMINATOR";
export const root = path.resolve(import.meta.dirname, "..");

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface RunningApp {
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Delight serves /metrics on PORT only to a scraper with this token (METRICS_TOKEN). */
export const BENCH_METRICS_TOKEN = "bench-metrics-token-0123456789";

/** Starts bench/apps/<name>.ts in its own process; it prints {"port":N} when ready. */
export async function startAppProcess(name: string, env: Record<string, string>): Promise<RunningApp> {
  const child = spawn(
    path.join(root, "node_modules", ".bin", "tsx"),
    [path.join(root, "bench", "apps", `${name}.ts`)],
    {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const match = /\{"port":(\d+)\}/.exec(buffered);
      if (match) resolve(Number(match[1]));
    });
    child.on("exit", (code) => reject(new Error(`${name} exited with ${code} before it was ready`)));
  });
  return {
    port,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** Compiles src/ to dist/ when needed (the same check `npm start` makes). */
export function ensureBuilt(): void {
  const result = spawnSync(process.execPath, [path.join(root, "scripts", "build-if-stale.mjs")], {
    cwd: root,
    stdio: "inherit",
  });
  if (result.status !== 0) throw new Error("npm run build failed");
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface DelightProcess {
  port: number;
  /** The node process itself (no npm or tsx parent in between). */
  pid: number;
  child: ChildProcess;
  /** Milliseconds from spawn to the first GET /healthz answered 200. */
  healthyAfterMs: number;
  /** CPU time (user + system) the process had used by then: the part that a busy machine does not inflate. */
  cpuMsToHealthy: number;
  /** Resolves with the exit code (or the signal's name) once the process is gone. */
  exited: Promise<number | string>;
  /** The last lines the process wrote (stderr and stdout), for a failed check. */
  output(): string;
}

export interface DelightEnv {
  slackApiUrl: string;
  databaseUrl: string;
  extra?: Record<string, string>;
  /** Start it the old way (`tsx src/main.ts`) instead of the compiled start, for comparison. */
  viaTsx?: boolean;
}

/**
 * BENCH_PROFILE=<dir> writes a V8 CPU profile of each Delight process there (open it in Chrome's
 * DevTools); BENCH_NODE_ARGS="--flag …" tries Node or V8 flags on the Delight processes.
 */
function profileArgs(): string[] {
  const dir = process.env.BENCH_PROFILE;
  return [
    ...(dir ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(dir)}`] : []),
    ...(process.env.BENCH_NODE_ARGS?.split(" ").filter(Boolean) ?? []),
  ];
}

/** Delight as production runs it: `node dist/main.js` (what `npm start` runs), on a free port. */
export async function startDelight(options: DelightEnv): Promise<DelightProcess> {
  const port = await freePort();
  const started = performance.now();
  const [command, args] = options.viaTsx
    ? [path.join(root, "node_modules", ".bin", "tsx"), [path.join(root, "src", "main.ts")]]
    : [process.execPath, [...profileArgs(), "--enable-source-maps", path.join(root, "dist", "main.js")]];
  const child = spawn(command, args, {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      // Distribution mode ("Add to Slack", SLACK_CLIENT_ID in `extra`) has no bot token.
      ...(options.extra?.SLACK_CLIENT_ID ? {} : { SLACK_BOT_TOKEN: "xoxb-bench" }),
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: options.slackApiUrl,
      DATABASE_URL: options.databaseUrl,
      DELIGHT_ADMINS: ADMIN_USER,
      LOG_LEVEL: "warn",
      PORT: String(port),
      METRICS_TOKEN: BENCH_METRICS_TOKEN,
      ...options.extra,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<number | string>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown")),
  );
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`Delight exited before it was healthy:\n${output}`);
    }
    if ((await getStatus(port, "/healthz")) === 200) break;
    if (performance.now() - started > 120_000) {
      child.kill("SIGKILL");
      throw new Error(`Delight was not healthy within 120 s:\n${output}`);
    }
    await sleep(20);
  }
  const healthyAfterMs = performance.now() - started;
  return {
    port,
    pid: child.pid ?? 0,
    child,
    healthyAfterMs,
    cpuMsToHealthy: cpuMs(child.pid ?? 0),
    exited,
    output: () => output,
  };
}

/** Sends SIGTERM and waits for the exit (SIGKILL after `timeoutMs`). */
export async function stopDelight(app: DelightProcess, timeoutMs = 20_000): Promise<void> {
  if (app.child.exitCode !== null || app.child.signalCode !== null) return;
  app.child.kill("SIGTERM");
  const timer = setTimeout(() => app.child.kill("SIGKILL"), timeoutMs);
  await app.exited;
  clearTimeout(timer);
}

/** Resident memory of one process, in MB (VmRSS from /proc). */
export function residentMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** CPU time (user + system) a process has used, in ms (from /proc; clock ticks of 10 ms). */
export function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/** A process and all its descendants (tsx runs the app in a child node process). */
export function processTree(pid: number): number[] {
  const tasks = `/proc/${pid}/task`;
  if (!existsSync(tasks)) return [pid];
  const children = readFileSync(`${tasks}/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  return [pid, ...children.flatMap(processTree)];
}

export function getStatus(port: number, pathname: string): Promise<number> {
  return getText(port, pathname).then((r) => r.status);
}

export function getText(
  port: number,
  pathname: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = http.get({ host: "127.0.0.1", port, path: pathname, agent: false, headers }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.setTimeout(5_000, () => req.destroy());
    req.on("error", () => resolve({ status: 0, body: "" }));
  });
}

/** One sample of a metric from GET /metrics (sum over its labels), or undefined. */
export async function metric(port: number, name: string): Promise<number | undefined> {
  const { status, body } = await getText(port, "/metrics", { authorization: `Bearer ${BENCH_METRICS_TOKEN}` });
  if (status !== 200) return undefined;
  let found: number | undefined;
  for (const line of body.split("\n")) {
    const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+|NaN)$`).exec(line);
    if (match) found = (found ?? 0) + Number(match[1]);
  }
  return found;
}

/**
 * Delight's own count of acks (delight_ack_seconds, from a request reaching the app's listeners
 * to its ack) for one kind: how many in all and how many within `withinSeconds` (a bucket bound).
 */
export async function ackHistogram(
  port: number,
  kind: string,
  withinSeconds: number,
): Promise<{ count: number; within: number } | undefined> {
  const { status, body } = await getText(port, "/metrics", { authorization: `Bearer ${BENCH_METRICS_TOKEN}` });
  if (status !== 200) return undefined;
  const value = (pattern: RegExp) => Number(pattern.exec(body)?.[1] ?? NaN);
  return {
    count: value(new RegExp(`^delight_ack_seconds_count\\{kind="${kind}"\\} (\\S+)$`, "m")),
    within: value(new RegExp(`^delight_ack_seconds_bucket\\{le="${withinSeconds}",kind="${kind}"\\} (\\S+)$`, "m")),
  };
}

export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

export function signedSlashCommand(
  command: string,
  text: string,
  userId: string,
  responseUrl: string,
  teamId = TEAM_ID,
  /** Slack gives every command its own; the same one for all (the default) suits most scenarios. */
  triggerId = "bench-trigger",
): SignedRequest {
  const body = new URLSearchParams({
    team_id: teamId,
    team_domain: teamId.toLowerCase(),
    channel_id: "C0BENCH",
    channel_name: "bench",
    user_id: userId,
    user_name: userId.toLowerCase(),
    command,
    text,
    api_app_id: "A0BENCH",
    response_url: responseUrl,
    trigger_id: triggerId,
  }).toString();
  return signedBody(body, "application/x-www-form-urlencoded");
}

/** A request body signed like Slack's (`v0=` HMAC-SHA256 of `v0:{timestamp}:{body}`). */
export function signedBody(body: string, contentType: string): SignedRequest {
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac("sha256", SIGNING_SECRET).update(`v0:${timestamp}:${body}`).digest("hex")}`;
  return {
    body,
    headers: {
      "content-type": contentType,
      "content-length": String(Buffer.byteLength(body)),
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": signature,
    },
  };
}

/** An Events API callback as Slack posts it, signed. */
export function signedEvent(teamId: string, eventId: string, event: Record<string, unknown>): SignedRequest {
  const body = JSON.stringify({
    token: "bench",
    team_id: teamId,
    api_app_id: "A0BENCH",
    event,
    type: "event_callback",
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: teamId, user_id: "UBENCHBOT", is_bot: true }],
  });
  return signedBody(body, "application/json");
}

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  throughput: number;
  p50: number;
  p99: number;
  max: number;
}

function summarise(latencies: number[], errors: number, seconds: number): LoadResult {
  latencies.sort((a, b) => a - b);
  const pick = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    requests: latencies.length,
    errors,
    seconds,
    throughput: latencies.length / seconds,
    p50: pick(0.5),
    p99: pick(0.99),
    max: latencies[latencies.length - 1] ?? 0,
  };
}

/** Closed loop: `total` requests over `concurrency` keep-alive connections. */
export async function loadTest(
  port: number,
  options: {
    total: number;
    concurrency: number;
    makeRequest: (i: number) => SignedRequest;
    onAnswer?: (i: number, status: number) => void;
  },
): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < options.total) {
      const i = next++;
      const request = options.makeRequest(i);
      const t0 = performance.now();
      const status = await post(port, request, agent);
      latencies.push(performance.now() - t0);
      if (status !== 200) errors++;
      options.onAnswer?.(i, status);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return summarise(latencies, errors, seconds);
}

export interface BurstAnswer {
  index: number;
  status: number;
  ms: number;
}

export interface BurstResult extends LoadResult {
  answers: BurstAnswer[];
  /** Answered 200 within Slack's 3 seconds. */
  ackedIn3s: number;
}

/**
 * The bare Bolt app's burst, on a fresh process warmed by `warmUp` first: compared with a Delight
 * process on its own first burst. A long-lived bare app gets faster burst after burst (p99 0.66–0.75 s
 * on its first burst of 1,000, 0.22–0.26 s by its fifth: README, issue 24).
 */
export async function freshBareBurst(
  warmUp: (port: number) => Promise<unknown>,
  requests: SignedRequest[],
): Promise<BurstResult> {
  const bare = await startAppProcess("bare-bolt", { SLACK_SIGNING_SECRET: SIGNING_SECRET });
  try {
    await warmUp(bare.port);
    return await burst(bare.port, requests);
  } finally {
    await bare.stop();
  }
}

/**
 * Every request on a connection of its own, all opened at once (signed beforehand, so the
 * generator's own work is not in the figures). `onAnswer` sees each answer as it arrives.
 */
export async function burst(
  port: number,
  requests: SignedRequest[],
  onAnswer?: (answer: BurstAnswer, answeredSoFar: number) => void,
): Promise<BurstResult> {
  const answers: BurstAnswer[] = [];
  const started = performance.now();
  await Promise.all(
    requests.map(async (request, index) => {
      const t0 = performance.now();
      const status = await post(port, request, false);
      const answer = { index, status, ms: performance.now() - t0 };
      answers.push(answer);
      onAnswer?.(answer, answers.length);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const ok = answers.filter((a) => a.status === 200);
  return {
    ...summarise(
      ok.map((a) => a.ms),
      answers.length - ok.length,
      seconds,
    ),
    answers,
    ackedIn3s: ok.filter((a) => a.ms < 3_000).length,
  };
}

function post(port: number, request: SignedRequest, agent: http.Agent | false): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(
      { host: "127.0.0.1", port, path: "/slack/events", method: "POST", headers: request.headers, agent },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", () => resolve(0));
      },
    );
    // Far beyond Slack's 3 s: a request still unanswered then is counted as failed.
    req.setTimeout(30_000, () => req.destroy());
    req.on("error", () => resolve(0));
    req.end(request.body);
  });
}

export function formatRow(name: string, result: LoadResult, baseline?: LoadResult): string {
  const ratio = baseline
    ? `  throughput ×${(result.throughput / baseline.throughput).toFixed(2)}, p99 ×${(result.p99 / baseline.p99).toFixed(2)} of bare Bolt`
    : "";
  return `${name.padEnd(40)} ${result.throughput.toFixed(0).padStart(7)} req/s  p50 ${result.p50.toFixed(1).padStart(7)} ms  p99 ${result.p99.toFixed(1).padStart(7)} ms  max ${result.max.toFixed(0).padStart(6)} ms  errors ${result.errors}${ratio}`;
}
