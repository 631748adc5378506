// Closed-loop load from wrk (Debian's `wrk`), when the machine has it. The Node load generator
// in harness.ts shares the bench process (and the two cores) with the Slack stand-in and
// signs each request as it goes: it held the bare app to 1,600–3,300 req/s on one machine
// (wrk: 3,700–7,300) and to 5,800–10,000 on another (wrk: 14,700–18,300). A ratio to a ceiling
// the generator itself caps flatters the app, so with wrk present its figures are the verdict.
//
// The requests are signed beforehand (Slack accepts a signature for 5 minutes) and handed to
// wrk's Lua as a table; each is sent once, so no nomination is a repeat of another.
import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { LoadResult, SignedRequest } from "./harness.ts";

/** The wrk binary, or undefined when the machine has none (`apt-get install -y wrk`). */
export function findWrk(): string | undefined {
  const probe = spawnSync("wrk", ["--version"], { encoding: "utf8" });
  return probe.error ? undefined : "wrk";
}

/** Requests per Lua function (each has about 10 constants; a function may hold 65,536). */
const LUA_CHUNK = 2_000;

const luaLong = (text: string) => {
  if (text.includes("]==]")) throw new Error("request text cannot go into a Lua long string");
  return `[==[${text}]==]`;
};

const SCRIPT = `
local requests = dofile(os.getenv("BENCH_WRK_REQUESTS"))
local wrap = os.getenv("BENCH_WRK_WRAP") == "1"
local next_index = 0
request = function()
  next_index = next_index + 1
  if next_index > #requests then
    -- Out of prepared requests: start over where repeats are harmless, else stop.
    if wrap then next_index = 1 else wrk.thread:stop() next_index = #requests end
  end
  local r = requests[next_index]
  return wrk.format("POST", "/slack/events", r.headers, r.body)
end
done = function(summary, latency, requests)
  io.write(string.format("BENCH_WRK %d %.3f %.3f %.3f %.3f %d\\n",
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    (summary.errors.status or 0) + (summary.errors.connect or 0) + (summary.errors.read or 0)
      + (summary.errors.write or 0) + (summary.errors.timeout or 0)))
end
`;

/**
 * `connections` keep-alive connections from one wrk thread for `seconds` (or until the
 * prepared requests run out). Latency percentiles are wrk's own.
 */
export async function wrkLoad(
  wrk: string,
  port: number,
  requests: SignedRequest[],
  options: { connections: number; seconds: number; /** Send the requests again when they run out. */ wrap?: boolean },
): Promise<LoadResult> {
  const dir = await mkdtemp(path.join(tmpdir(), "delight-wrk-"));
  try {
    const entries = requests.map((r) => {
      const headers = Object.entries(r.headers)
        .filter(([name]) => name !== "content-length") // wrk.format sets it
        .map(([name, value]) => `[ ${luaLong(name)} ] = ${luaLong(value)}`)
        .join(",");
      return `{headers={${headers}},body=${luaLong(r.body)}}`;
    });
    // A Lua function holds at most 65,536 constants: each chunk of requests is its own function.
    const chunks: string[] = [];
    for (let i = 0; i < entries.length; i += LUA_CHUNK) {
      chunks.push(
        `for _, r in ipairs((function() return {\n${entries.slice(i, i + LUA_CHUNK).join(",\n")}\n} end)()) do all[#all + 1] = r end`,
      );
    }
    const requestsFile = path.join(dir, "requests.lua");
    await writeFile(requestsFile, `local all = {}\n${chunks.join("\n")}\nreturn all\n`);
    const scriptFile = path.join(dir, "script.lua");
    await writeFile(scriptFile, SCRIPT);
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(
        wrk,
        [
          "-t1",
          `-c${options.connections}`,
          `-d${options.seconds}s`,
          "--timeout",
          "10s",
          "-s",
          scriptFile,
          `http://127.0.0.1:${port}`,
        ],
        {
          env: { ...process.env, BENCH_WRK_REQUESTS: requestsFile, BENCH_WRK_WRAP: options.wrap ? "1" : "0" },
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let text = "";
      child.stdout.on("data", (chunk: Buffer) => (text += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (text += chunk.toString()));
      child.on("error", reject);
      child.on("exit", (code) => (code === 0 ? resolve(text) : reject(new Error(`wrk exited with ${code}: ${text}`))));
    });
    const match = /BENCH_WRK (\d+) ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(output);
    if (!match) throw new Error(`Could not read wrk's output:\n${output}`);
    const [count, seconds, p50, p99, max, errors] = match.slice(1).map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    if (!options.wrap && count >= requests.length - options.connections) {
      throw new Error(
        `wrk ran out of the ${requests.length} prepared requests; prepare more for a ${options.seconds} s run`,
      );
    }
    return { requests: count, errors, seconds, throughput: count / seconds, p50, p99, max };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
