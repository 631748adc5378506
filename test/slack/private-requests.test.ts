// Private requests (an anonymous /holdingback answer): which requests are private, and what
// the app's logger does with a line that mentions one.
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/app.ts";
import { describeError, describeRequest } from "../../src/slack/errors.ts";
import { PrivateRequests } from "../../src/slack/private-requests.ts";

describe("PrivateRequests", () => {
  const privacy = new PrivateRequests();
  privacy.add("/holdingback", "holdingback_");

  it("knows a private request by its command or by the prefix of its callback or action id", () => {
    expect(privacy.isPrivate({ command: "/holdingback", user_id: "U1" })).toBe(true);
    expect(privacy.isPrivate({ type: "view_submission", view: { callback_id: "holdingback_submit" } })).toBe(true);
    expect(privacy.isPrivate({ type: "block_actions", actions: [{ action_id: "holdingback_reply" }] })).toBe(true);
    expect(privacy.isPrivate({ command: "/delight" })).toBe(false);
    expect(privacy.isPrivate(undefined)).toBe(false);
  });

  it("describes a private request and its error without the person or the error's message", () => {
    const body = {
      type: "view_submission",
      user: { id: "UANON123", team_id: "T1" },
      view: { callback_id: "holdingback_submit" },
    };
    expect(describeRequest(body, privacy)).toMatchObject({
      callbackId: "holdingback_submit",
      private: true,
      user: undefined,
    });
    expect(describeRequest({ command: "/delight", user_id: "UNAMED1" }, privacy)).toMatchObject({ user: "UNAMED1" });
    const error = Object.assign(new Error('duplicate key: text="I am Anna"'), { code: "P2002" });
    const described = String(describeError(error, true));
    expect(described).toMatch(/^Error \(P2002\)/);
    expect(described).not.toContain("Anna");
    expect(String(describeError(error, false))).toContain("Anna");
  });

  it("writes no debug line that mentions a private request, and no Slack id in any other", () => {
    const lines: string[] = [];
    const inner = createLogger("debug");
    const capture =
      (level: string) =>
      (...args: unknown[]) =>
        lines.push(`${level} ${args.map(String).join(" ")}`);
    const spied = Object.assign(Object.create(inner) as typeof inner, {
      debug: capture("debug"),
      info: capture("info"),
      warn: capture("warn"),
      error: capture("error"),
    });
    const logger = privacy.logger(spied);
    logger.debug("Received a message on the WebSocket:", { payload: { command: "/holdingback", user_id: "UANON123" } });
    logger.debug('ack() response sent (body: {"view":{"callback_id":"holdingback_thanks"}})');
    logger.debug("Received a message on the WebSocket:", { payload: { command: "/delight", user_id: "UNAMED1" } });
    logger.error("Listener failed holdingback_submit UANON123 V0ABCDEF12 12345.67890.abcdef123456");
    logger.info("Nothing private about UNAMED1");
    expect(lines).toEqual([
      "debug Received a message on the WebSocket: [object Object]",
      "error Listener failed holdingback_submit [user] [view] [trigger]",
      "info Nothing private about UNAMED1",
    ]);
  });
});
