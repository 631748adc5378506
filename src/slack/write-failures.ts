// How a failed Slack write is read: slow down (429), try again (Slack's own trouble, a network
// error, an answer we never got), or never (Slack refused it for good). The outbox and the
// checks it makes around a send (delivery-checks.ts) share this one reading.

// Slack errors that are Slack's own trouble, not ours: try again later.
const TRANSIENT_SLACK_ERRORS = new Set([
  "internal_error",
  "fatal_error",
  "service_unavailable",
  "request_timeout",
  "ratelimited",
  "team_added_to_org",
  "team_is_being_migrated",
]);

/** Back-off after the n-th failed attempt: 1, 2, 4, 8 then 15 s; after 10 attempts, 60 s. */
export function writeBackoffMs(attempt: number): number {
  const base = attempt > 10 ? 60_000 : Math.min(2 ** (attempt - 1) * 1000, 15_000);
  return Math.round(base * (0.9 + Math.random() * 0.2));
}

export type Failure =
  | { kind: "rate-limited"; retryAfterMs: number }
  | { kind: "transient"; maybeSent: boolean; message: string }
  | { kind: "refused"; code: string };

/** Sorts a Web API or HTTP failure into "slow down", "try again" or "never". */
export function classifyFailure(error: unknown): Failure {
  const e = error as {
    code?: unknown;
    retryAfter?: unknown;
    statusCode?: unknown;
    data?: { error?: unknown };
    message?: unknown;
  } | null;
  const message = error instanceof Error ? error.message : String(error);
  switch (e?.code) {
    case "slack_webapi_rate_limited_error":
      return { kind: "rate-limited", retryAfterMs: Math.max(1, Number(e.retryAfter) || 1) * 1000 };
    case "slack_webapi_platform_error": {
      const code = typeof e.data?.error === "string" ? e.data.error : "unknown_error";
      return TRANSIENT_SLACK_ERRORS.has(code)
        ? { kind: "transient", maybeSent: true, message }
        : { kind: "refused", code };
    }
    case "slack_webapi_http_error": {
      const status = Number(e.statusCode);
      if (status >= 400 && status < 500 && status !== 408) return { kind: "refused", code: `http_${status}` };
      return { kind: "transient", maybeSent: true, message };
    }
    default:
      // Network errors, timeouts: the request may have arrived.
      return { kind: "transient", maybeSent: true, message };
  }
}
