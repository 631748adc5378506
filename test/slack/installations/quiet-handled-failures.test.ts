// The logger given to Bolt in distribution mode drops @slack/oauth's stack trace for an install
// failure only when the OAuth failure callback has logged it itself; anything else still shows.
import type { Logger } from "@slack/bolt";
import { describe, expect, it } from "vitest";
import { quietHandledFailures } from "../../../src/slack/installations/oauth.ts";

function recordingLogger(): Logger & { lines: Array<[string, unknown[]]> } {
  const lines: Array<[string, unknown[]]> = [];
  let level = "info";
  const write =
    (name: string) =>
    (...args: unknown[]) =>
      void lines.push([name, args]);
  return {
    lines,
    debug: write("debug"),
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
    setLevel: (l) => void (level = l),
    getLevel: () => level as never,
    setName: () => undefined,
  };
}

const coded = (code: string) => Object.assign(new Error("User cancelled the OAuth installation flow!"), { code });
const settled = () => new Promise((resolve) => setImmediate(resolve));

describe("quietHandledFailures", () => {
  it("drops the library's error line for a failure the callback handled in the same turn", async () => {
    const inner = recordingLogger();
    const handled = new WeakSet<object>();
    const logger = quietHandledFailures(inner, handled);
    const error = coded("slack_oauth_installer_authorization_error");
    logger.error(error); // what handleCallback does first…
    handled.add(error); // …then, synchronously, the failure callback
    await settled();
    expect(inner.lines).toEqual([]);
  });

  it("drops it too for an error the library gives its code only after logging it (an unexpected failure)", async () => {
    const inner = recordingLogger();
    const handled = new WeakSet<object>();
    const logger = quietHandledFailures(inner, handled);
    const error = new Error("something broke");
    logger.error(error);
    handled.add(Object.assign(error, { code: "slack_oauth_unknown_error" }));
    await settled();
    expect(inner.lines).toEqual([]);
  });

  it("still logs a coded error nobody handled, and every other line as it was", async () => {
    const inner = recordingLogger();
    const logger = quietHandledFailures(inner, new WeakSet());
    const error = coded("slack_webapi_platform_error");
    logger.error(error);
    logger.error("plain", "text");
    logger.warn("careful");
    logger.setLevel("debug" as never);
    await settled();
    expect(inner.lines).toEqual([
      ["error", ["plain", "text"]],
      ["warn", ["careful"]],
      ["error", [error]],
    ]);
    expect(logger.getLevel()).toBe("debug");
  });
});
