// One place that sees every request's ack: it times it (delight_ack_seconds, the number
// Slack holds us to: 3 seconds) and notices a request nobody acknowledged (a button of an
// older version, say) so it can be answered instead of timing out.
//
// Bolt hands each middleware a copy of the listener arguments, so wrapping `ack` in a
// middleware would not reach the listeners; the receiver's event is where `ack` comes from.
import type { App, ReceiverEvent } from "@slack/bolt";
import type { Histogram } from "prom-client";

export interface AckState {
  acked: boolean;
}

// Keyed by the request body, which every middleware and listener shares by reference.
const states = new WeakMap<object, AckState>();

/** Whether this request (by its body) was acknowledged yet; undefined outside a guarded app. */
export function ackStateOf(body: unknown): AckState | undefined {
  return typeof body === "object" && body !== null ? states.get(body) : undefined;
}

export type UnackedHandler = (body: Record<string, unknown>, ack: ReceiverEvent["ack"]) => Promise<void>;

export function guardAcks(app: App, options: { histogram: Histogram<"kind">; onUnacked: UnackedHandler }): void {
  const processEvent = app.processEvent.bind(app);
  app.processEvent = async (event: ReceiverEvent) => {
    const started = performance.now();
    const state: AckState = { acked: false };
    const body = event.body as Record<string, unknown>;
    states.set(body, state);
    const kind = typeof body.command === "string" ? "command" : typeof body.type === "string" ? body.type : "other";
    const ack = event.ack;
    const guarded: ReceiverEvent = {
      ...event,
      ack: async (response) => {
        state.acked = true;
        try {
          await ack(response);
        } finally {
          options.histogram.observe({ kind }, (performance.now() - started) / 1000);
        }
      },
    };
    await processEvent(guarded);
    if (!state.acked) await options.onUnacked(body, guarded.ack);
  };
}
