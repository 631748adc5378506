// Requests whose sender must stay unknown (an anonymous /holdingback answer): no log line may
// tie them to a person. Features name them (router.keepPrivate); this is where that is kept.
//
// Two things use it. The error log (errors.ts) leaves the user, and the error's message (a
// database error can quote what was typed), out of a private request's line. And every
// logger the app hands to Bolt and Slack's libraries goes through `logger()`: at debug they
// log raw payloads (Socket Mode: every envelope, with the user, the view and trigger ids and
// the text; the Web API client: the bodies of views.open and of acks), so a debug line that
// mentions a private request is not written at all, and any other line that does has its
// Slack ids removed.
import type { Logger } from "@slack/bolt";

const SLACK_IDS: Array<[RegExp, string]> = [
  // people (U…, W…), views (V…), trigger ids (12345.98765.abcdef…)
  [/\b[UW][A-Z0-9]{6,}\b/g, "[user]"],
  [/\bV[A-Z0-9]{6,}\b/g, "[view]"],
  [/\b\d{3,}\.\d{3,}\.[0-9a-f]{6,}\b/g, "[trigger]"],
];

const SEVERITY: Record<string, number> = { debug: 0, info: 1, warn: 2, error: 3 };

function textOf(arg: unknown): string {
  if (typeof arg === "string") return arg;
  if (arg instanceof Error) return `${arg.name}: ${arg.message}\n${arg.stack ?? ""}`;
  try {
    return JSON.stringify(arg) ?? String(arg);
  } catch {
    return String(arg);
  }
}

export class PrivateRequests {
  private readonly markers: string[] = [];

  /** A command ("/holdingback") or an id prefix ("holdingback_") of callbacks and actions. */
  add(...markers: string[]): void {
    for (const marker of markers) if (marker && !this.markers.includes(marker)) this.markers.push(marker);
  }

  /** Whether a request (its body) is one of the private ones. */
  isPrivate(body: unknown): boolean {
    const b = (body ?? {}) as {
      command?: unknown;
      callback_id?: unknown;
      view?: { callback_id?: unknown };
      actions?: Array<{ action_id?: unknown }>;
    };
    const names = [b.command, b.callback_id, b.view?.callback_id, ...(b.actions ?? []).map((a) => a?.action_id)];
    return names.some((name) => typeof name === "string" && this.markers.some((m) => name.startsWith(m)));
  }

  /** Whether a log line's text mentions a private request. */
  mentioned(text: string): boolean {
    return this.markers.some((marker) => text.includes(marker));
  }

  /** `inner`, minus what could tie a private request to its sender (see the top of this file). */
  logger(inner: Logger): Logger {
    const write =
      (level: "debug" | "info" | "warn" | "error") =>
      (...args: unknown[]): void => {
        if (this.markers.length === 0) return inner[level](...args);
        if ((SEVERITY[level] ?? 0) < (SEVERITY[inner.getLevel()] ?? 0)) return; // below the level: never written
        const texts = args.map(textOf);
        if (!texts.some((text) => this.mentioned(text))) return inner[level](...args);
        if (level === "debug") return;
        inner[level](
          ...texts.map((text) => SLACK_IDS.reduce((t, [pattern, label]) => t.replace(pattern, label), text)),
        );
      };
    return {
      debug: write("debug"),
      info: write("info"),
      warn: write("warn"),
      error: write("error"),
      setLevel: (level) => inner.setLevel(level),
      getLevel: () => inner.getLevel(),
      setName: (name) => inner.setName(name),
    };
  }
}
