// Shared pieces of `npm run bench`: child processes for the apps under test, a signed
// request builder, and a closed-loop load generator (like wrk: N connections, each sends
// its next request when the previous answer arrives) that records ack latency.
import { spawn, type ChildProcess } from "node:child_process";
import { createHmac } from "node:crypto";
import http from "node:http";
import path from "node:path";
import { performance } from "node:perf_hooks";

export const SIGNING_SECRET = "bench-signing-secret";
export const TEAM_ID = "T0BENCH";
const root = path.resolve(import.meta.dirname, "..");

export interface RunningApp {
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

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
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

export function signedSlashCommand(command: string, text: string, userId: string, responseUrl: string): SignedRequest {
  const body = new URLSearchParams({
    team_id: TEAM_ID,
    team_domain: "bench",
    channel_id: "C0BENCH",
    channel_name: "bench",
    user_id: userId,
    user_name: userId.toLowerCase(),
    command,
    text,
    api_app_id: "A0BENCH",
    response_url: responseUrl,
    trigger_id: "bench-trigger",
  }).toString();
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac("sha256", SIGNING_SECRET).update(`v0:${timestamp}:${body}`).digest("hex")}`;
  return {
    body,
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "content-length": String(Buffer.byteLength(body)),
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": signature,
    },
  };
}

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  throughput: number;
  p50: number;
  p99: number;
}

/** Sends `total` requests over `concurrency` keep-alive connections; request i comes from makeRequest(i). */
export async function loadTest(
  port: number,
  options: { total: number; concurrency: number; makeRequest: (i: number) => SignedRequest },
): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < options.total) {
      const request = options.makeRequest(next++);
      const t0 = performance.now();
      const status = await post(agent, port, request);
      latencies.push(performance.now() - t0);
      if (status !== 200) errors++;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pick = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    requests: latencies.length,
    errors,
    seconds,
    throughput: latencies.length / seconds,
    p50: pick(0.5),
    p99: pick(0.99),
  };
}

function post(agent: http.Agent, port: number, request: SignedRequest): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(
      { host: "127.0.0.1", port, path: "/slack/events", method: "POST", headers: request.headers, agent },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", () => resolve(0));
    req.end(request.body);
  });
}

export function formatRow(name: string, result: LoadResult, baseline?: LoadResult): string {
  const ratio = baseline
    ? `  throughput ×${(result.throughput / baseline.throughput).toFixed(2)}, p99 ×${(result.p99 / baseline.p99).toFixed(2)} of bare Bolt`
    : "";
  return `${name.padEnd(34)} ${result.throughput.toFixed(0).padStart(7)} req/s  p50 ${result.p50.toFixed(2).padStart(6)} ms  p99 ${result.p99.toFixed(2).padStart(6)} ms  errors ${result.errors}${ratio}`;
}
