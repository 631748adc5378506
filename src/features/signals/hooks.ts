// POST /hooks/<source>/<connection id>: a helpdesk's (or a script's) signed webhook. The
// signal is saved (as its job, with what the features need) before the sender gets its 200;
// the job workers do the rest. Answers: 404 unknown connection, 410 disconnected, 413 body over 256 KB, 401 bad
// signature (no detail), 400 a body that fails the schema (with a short reason, counted on
// the connection), 503 when the database can't save it (the sender retries). Never a 500,
// and the raw body is never logged (it holds personal data).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AppDeps } from "../../deps.ts";
import { parseSignalBody } from "./bodies.ts";
import { findConnection, secretsCipher, type SignalConnection } from "./connections.ts";
import { isSignalSource, MAX_BODY_BYTES } from "./model.ts";
import { verifySignature } from "./signatures.ts";

export const PROCESS_SIGNAL_JOB = "signals.process";

type HookDeps = Pick<AppDeps, "prisma" | "clock" | "jobs" | "logger" | "config">;

export type HookRequest = IncomingMessage & { params?: Record<string, string | undefined> };

function answer(res: ServerResponse, status: number, body?: Record<string, unknown>): void {
  if (res.headersSent) return;
  const text = body ? JSON.stringify(body) : "";
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...(status === 503 ? { "retry-after": "30" } : {}),
  });
  res.end(text);
}

/** Reads at most `limit` bytes; null when the body is larger (the rest is not read). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limit) {
      resolve(null);
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on("data", (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (!done) resolve(Buffer.concat(chunks));
    });
    req.on("error", reject);
  });
}

/**
 * Connections as the endpoint last read them, for a few seconds: a burst of webhooks to one
 * connection costs one query, not one each (bench `webhooks`). A disconnect therefore takes
 * effect within CONNECTION_CACHE_MS on every instance.
 */
export const CONNECTION_CACHE_MS = 5_000;
const CONNECTION_CACHE_MAX = 1_000;

function connectionCache(deps: HookDeps) {
  const cipher = secretsCipher(deps.config);
  // Connections are held with their secret in clear, in this process's memory only.
  const cached = new Map<string, { connection: SignalConnection; until: number }>();
  return async (id: string): Promise<SignalConnection | null> => {
    const now = deps.clock.now().getTime();
    const hit = cached.get(id);
    if (hit && hit.until > now) return hit.connection;
    const connection = await findConnection(deps.prisma, cipher, id);
    if (cached.size >= CONNECTION_CACHE_MAX) cached.clear();
    if (connection) cached.set(id, { connection, until: now + CONNECTION_CACHE_MS });
    else cached.delete(id);
    return connection;
  };
}

export function signalHookHandler(deps: HookDeps): (req: HookRequest, res: ServerResponse) => void {
  const lookUp = connectionCache(deps);
  return (req, res) => {
    void receive(deps, lookUp, req, res).catch((error: unknown) => {
      deps.logger.error("Could not save a customer signal", error instanceof Error ? error.message : String(error));
      answer(res, 503, { ok: false, error: "try again later" });
    });
  };
}

async function receive(
  deps: HookDeps,
  lookUp: (id: string) => Promise<SignalConnection | null>,
  req: HookRequest,
  res: ServerResponse,
): Promise<void> {
  const source = req.params?.source ?? "";
  const connectionId = req.params?.connectionId ?? "";
  if (!isSignalSource(source) || !/^[A-Za-z0-9_-]{8,64}$/.test(connectionId)) {
    req.resume();
    return answer(res, 404, { ok: false, error: "unknown connection" });
  }
  const connection = await lookUp(connectionId);
  if (!connection || connection.source !== source) {
    req.resume();
    return answer(res, 404, { ok: false, error: "unknown connection" });
  }
  if (connection.disconnectedAt) {
    req.resume();
    return answer(res, 410, { ok: false, error: "this connection was disconnected" });
  }
  const body = await readBody(req, MAX_BODY_BYTES);
  if (!body) return answer(res, 413, { ok: false, error: "the body is over 256 KB" });

  const now = deps.clock.now();
  const check = verifySignature(source, req.headers, body, connection.secret, now);
  if (!check.ok) return answer(res, 401);

  const parsed = parseSignalBody(source, body, req.headers);
  if (!parsed.ok) {
    await deps.prisma.signalRefusal.create({ data: { connectionId, reason: parsed.reason, at: now } });
    return answer(res, 400, { ok: false, error: parsed.reason });
  }
  const eventId = check.eventId ?? parsed.eventId;
  if (!eventId) return answer(res, 400, { ok: false, error: "the event has no id" });
  if (!parsed.signal) return answer(res, 200, { ok: true });

  // The job is the saved signal: recorded (keyed by the event, so a retry or a replay finds
  // it and records nothing) before the 200. One batched insert, like a slash command's ack;
  // the job keeps the InboundSignal row that remembers the event for good.
  const { created } = await deps.jobs.enqueue(
    PROCESS_SIGNAL_JOB,
    { connectionId, eventId, receivedAt: now.toISOString(), signal: parsed.signal },
    { key: `signal:${connectionId}:${eventId}`, teamId: connection.teamId },
  );
  answer(res, 200, created ? { ok: true } : { ok: true, duplicate: true });
}
