// The router behind every feature's listeners: one Bolt global middleware, each request handed
// to the listener registered for its command, action, view, shortcut or event.
import { App, LogLevel, type ReceiverEvent } from "@slack/bolt";
import { describe, expect, it } from "vitest";
import { SlackRouter } from "../../src/slack/router.ts";

function boltApp(): App {
  return new App({
    token: "xoxb-test",
    signingSecret: "secret",
    botId: "BTEST",
    botUserId: "UTESTBOT",
    logLevel: LogLevel.ERROR,
    // As in app.ts: the router applies ignoreSelf to events.
    ignoreSelf: false,
  });
}

const rethrow = async (_args: unknown, error: unknown) => {
  throw error;
};

/** Hands Bolt one request as its receiver would, and says whether (and how) it was acked. */
async function deliver(app: App, body: Record<string, unknown>): Promise<{ acked: boolean }> {
  let acked = false;
  const event: ReceiverEvent = {
    body,
    ack: async () => {
      acked = true;
    },
  };
  await app.processEvent(event);
  return { acked };
}

const command = (name: string) => ({
  command: name,
  text: "",
  team_id: "T1",
  user_id: "U1",
  channel_id: "C1",
  response_url: "http://localhost/respond",
  trigger_id: "1.2.3",
});

const buttonClick = (actionId: string) => ({
  type: "block_actions",
  team: { id: "T1" },
  user: { id: "U1", team_id: "T1" },
  channel: { id: "C1" },
  container: { type: "message" },
  trigger_id: "1.2.3",
  actions: [{ type: "button", action_id: actionId, block_id: "b", value: "v", action_ts: "1" }],
});

describe("SlackRouter", () => {
  it("hands each command, action, view, shortcut and event to the listener registered for it", async () => {
    const app = boltApp();
    const router = new SlackRouter(app.client);
    const calls: string[] = [];
    router.command("/one", async ({ ack, command: c }) => {
      calls.push(`command ${c.command}`);
      await ack();
    });
    router.command("/two", async ({ ack }) => {
      calls.push("command /two");
      await ack();
    });
    router.action("approve", async ({ ack, action }) => {
      calls.push(`action ${(action as { action_id: string }).action_id}`);
      await ack();
    });
    router.action(/^use:(\d+)$/, async ({ ack, context }) => {
      calls.push(`pattern ${(context.actionIdMatches as string[])[1]}`);
      await ack();
    });
    router.view("form", async ({ ack, view }) => {
      calls.push(`view ${view.callback_id}`);
      await ack();
    });
    router.shortcut({ callback_id: "nominate", type: "message_action" }, async ({ ack, shortcut }) => {
      calls.push(`shortcut ${shortcut.callback_id} in ${shortcut.channel.id}`);
      await ack();
    });
    router.event("reaction_added", async () => {
      calls.push("event first");
    });
    router.event("reaction_added", async () => {
      calls.push("event second");
    });
    router.mount(app, rethrow);

    expect(await deliver(app, command("/two"))).toEqual({ acked: true });
    expect(await deliver(app, buttonClick("approve"))).toEqual({ acked: true });
    expect(await deliver(app, buttonClick("use:3"))).toEqual({ acked: true });
    await deliver(app, {
      type: "view_submission",
      team: { id: "T1" },
      user: { id: "U1", team_id: "T1" },
      view: { id: "V1", callback_id: "form", state: { values: {} }, private_metadata: "" },
    });
    await deliver(app, {
      type: "message_action",
      callback_id: "nominate",
      team: { id: "T1" },
      user: { id: "U1", team_id: "T1" },
      channel: { id: "C9" },
      message: { ts: "1.0", text: "hi" },
      trigger_id: "1.2.3",
      response_url: "http://localhost/respond",
    });
    await deliver(app, {
      type: "event_callback",
      team_id: "T1",
      event: {
        type: "reaction_added",
        user: "U1",
        reaction: "tada",
        item: { type: "message", channel: "C1", ts: "1.0" },
      },
    });

    expect(calls).toEqual([
      "command /two",
      "action approve",
      "pattern 3",
      "view form",
      "shortcut nominate in C9",
      "event first",
      "event second",
    ]);
  });

  it("leaves a request nobody registered for unacknowledged (ack-guard answers it as out of date)", async () => {
    const app = boltApp();
    const router = new SlackRouter(app.client);
    router.command("/one", async ({ ack }) => {
      await ack();
    });
    router.action("approve", async ({ ack }) => {
      await ack();
    });
    router.mount(app, rethrow);
    expect(await deliver(app, command("/unknown"))).toEqual({ acked: false });
    expect(await deliver(app, buttonClick("from_an_older_version"))).toEqual({ acked: false });
  });

  it("hands what a listener throws to the error handler, with the request's arguments", async () => {
    const app = boltApp();
    const router = new SlackRouter(app.client);
    router.command("/broken", async () => {
      throw new Error("database down");
    });
    const seen: string[] = [];
    router.mount(app, async (args, error) => {
      seen.push(`${(args.body as { command?: string }).command}: ${String(error)}`);
      await (args as unknown as { ack: () => Promise<void> }).ack();
    });
    expect(await deliver(app, command("/broken"))).toEqual({ acked: true });
    expect(seen).toEqual(["/broken: Error: database down"]);
  });

  it("does not hand the app its own events (Bolt's ignoreSelf), but does hand other people's", async () => {
    const app = boltApp();
    const router = new SlackRouter(app.client);
    const reactions: string[] = [];
    router.event("reaction_added", async ({ event }) => {
      reactions.push(event.user);
    });
    router.mount(app, rethrow);
    const reaction = (user: string) => ({
      type: "event_callback",
      team_id: "T1",
      event: {
        type: "reaction_added",
        user,
        reaction: "white_check_mark",
        item: { type: "message", channel: "C1", ts: "1.0" },
      },
    });
    await deliver(app, reaction("UTESTBOT"));
    await deliver(app, reaction("U1"));
    expect(reactions).toEqual(["U1"]);
  });

  it("refuses a second listener for the same command or action", () => {
    const router = new SlackRouter(boltApp().client);
    const listener = async () => undefined;
    router.command("/one", listener);
    expect(() => router.command("/one", listener)).toThrow(/two listeners/);
    router.action("approve", listener);
    expect(() => router.action("approve", listener)).toThrow(/two listeners/);
  });
});
