// One place that sees every request's ack: it times it (delight_ack_seconds, the number
// Slack holds us to: 3 seconds) and notices a request nobody acknowledged (a button of an
// older version, say) so it can be answered instead of timing out.
//
// Events are acknowledged only once their listeners have recorded the work. Bolt acks an
// Events API request before it runs any listener (App.processEvent calls `ack()` first), so a
// crash or a database error between that 200 and the listener's insert lost the event: Slack
// saw the 200 and never sends it again. Here Bolt's early ack is held back and sent after
// the listeners finish; when one of them failed, the request is answered with an error
// instead (the HTTP receiver answers 500, Socket Mode leaves the envelope unacknowledged), so
// Slack's Events API delivers it again, with `x-slack-retry-num`. Listeners key their jobs by
// the event's `event_id`, which a retry keeps, so a retry records nothing twice.
//
// Bolt hands each middleware a copy of the listener arguments, so wrapping `ack` in a
// middleware would not reach the listeners; the receiver's event is where `ack` comes from.
import type { App, ReceiverEvent } from "@slack/bolt";
import type { Histogram } from "prom-client";

export interface AckState {
  acked: boolean;
  /** A listener of this request threw (the router says so): an event is then not acknowledged. */
  listenerFailed: boolean;
}

// Keyed by the request body, which every middleware and listener shares by reference.
const states = new WeakMap<object, AckState>();

/** Whether this request (by its body) was acknowledged yet; undefined outside a guarded app. */
export function ackStateOf(body: unknown): AckState | undefined {
  return typeof body === "object" && body !== null ? states.get(body) : undefined;
}

/** Called by the router when a listener threw: an event is then left for Slack to deliver again. */
export function noteListenerFailure(body: unknown): void {
  const state = ackStateOf(body);
  if (state) state.listenerFailed = true;
}

/** Thrown to the receiver for an event whose work could not be recorded: not a 200, so Slack retries. */
export class EventNotRecorded extends Error {
  constructor(eventType: string) {
    super(`The ${eventType} event's work could not be recorded; left unacknowledged so that Slack delivers it again`);
    this.name = "EventNotRecorded";
  }
}

export type UnackedHandler = (body: Record<string, unknown>, ack: ReceiverEvent["ack"]) => Promise<void>;

/** An Events API callback whose 200 Bolt would send before the listeners run (not a function_executed, which acks itself). */
function isHeldEvent(body: Record<string, unknown>): boolean {
  if (body.type !== "event_callback") return false;
  const event = body.event as { type?: unknown } | undefined;
  return event?.type !== "function_executed";
}

export function guardAcks(
  app: App,
  options: { histogram: Histogram<"kind">; onUnacked: UnackedHandler; onLateAck?: (error: unknown) => void },
): void {
  const processEvent = app.processEvent.bind(app);
  app.processEvent = async (event: ReceiverEvent) => {
    const started = performance.now();
    const state: AckState = { acked: false, listenerFailed: false };
    const body = event.body as Record<string, unknown>;
    states.set(body, state);
    const kind = typeof body.command === "string" ? "command" : typeof body.type === "string" ? body.type : "other";
    const ack = event.ack;
    const send = async (response?: Parameters<ReceiverEvent["ack"]>[0]) => {
      try {
        await ack(response);
      } finally {
        options.histogram.observe({ kind }, (performance.now() - started) / 1000);
      }
    };
    const held = isHeldEvent(body);
    let heldAck = false;
    const guarded: ReceiverEvent = {
      ...event,
      ack: async (response) => {
        state.acked = true;
        if (held) {
          heldAck = true;
          return;
        }
        await send(response);
      },
    };
    await processEvent(guarded);
    if (held) {
      if (state.listenerFailed) throw new EventNotRecorded(String((body.event as { type?: unknown }).type));
      if (heldAck) {
        // Past Slack's 3 s the receiver has already answered (and Slack will retry, deduplicated
        // by event id): the late ack has nowhere to go.
        await send().catch((error: unknown) => options.onLateAck?.(error));
      }
      return;
    }
    if (!state.acked) await options.onUnacked(body, guarded.ack);
  };
}
