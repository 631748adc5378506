// Measures how long each request takes to be acknowledged (the number Slack holds us to:
// 3 seconds), for the delight_ack_seconds histogram.
import type { AnyMiddlewareArgs, Middleware } from "@slack/bolt";
import type { Histogram } from "prom-client";

export function ackTiming(histogram: Histogram<"kind">): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const withAck = args as { ack?: (...a: unknown[]) => Promise<void> };
    const ack = withAck.ack;
    if (ack) {
      const started = performance.now();
      const body = args.body as { type?: unknown; command?: unknown };
      const kind = typeof body.command === "string" ? "command" : typeof body.type === "string" ? body.type : "other";
      withAck.ack = async (...ackArgs: unknown[]) => {
        try {
          await ack(...ackArgs);
        } finally {
          histogram.observe({ kind }, (performance.now() - started) / 1000);
        }
      };
    }
    await args.next();
  };
}
