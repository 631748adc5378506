// response_url as Slack runs it, for the imitation: each URL is issued with a command, a click,
// a shortcut or a form, and works at most 5 times within 30 minutes of being issued (Slack:
// "up to 5 times within 30 minutes", api.slack.com/interactivity/handling#message_responses).
// Past that the imitation answers HTTP 404 with `expired_url` or `used_url`: Slack documents the
// limits, not the refusal's body.
//
// A slash command's response_url cannot replace the command's earlier answer:
// `replace_original: true` posts a new message instead (bolt-python #1268, bolt-js #2287; a
// maintainer: "it's not possible to reuse the same response_url to update the message").
import type { Clock } from "../clock.ts";

export type ResponseUrlKind = "command" | "action" | "shortcut";

/** Where a response_url's messages go, and what it may do. */
export interface ResponseUrlOrigin {
  kind: ResponseUrlKind;
  channel?: string;
  user?: string;
  /** The message a click came from: the one `replace_original` / `delete_original` act on. */
  messageTs?: string;
  ephemeral?: boolean;
}

export interface IssuedResponseUrl extends ResponseUrlOrigin {
  /** By the imitation's clock (the app's clock in the sandbox). */
  issuedAt: number;
  uses: number;
}

/** What Slack did with a response_url post. */
export type ResponseEffect = "new_message" | "replaced" | "deleted" | "refused";

export const RESPONSE_URL_MAX_USES = 5;
export const RESPONSE_URL_LIFETIME_MS = 30 * 60_000;

const isTrue = (value: unknown) => value === true || value === "true";

export class ResponseUrls {
  private readonly issued = new Map<string, IssuedResponseUrl>();

  constructor(private readonly clock: () => Clock) {}

  /** Issues (or issues again) the URL with this id. */
  issue(id: string, origin: ResponseUrlOrigin): void {
    this.issued.set(id, { ...origin, issuedAt: this.clock().now().getTime(), uses: 0 });
  }

  get(id: string): IssuedResponseUrl | undefined {
    return this.issued.get(id);
  }

  /**
   * Takes one use of the URL: the refusal's error when it is used up or expired. A URL the
   * imitation did not issue (a benchmark's own) counts from its first use.
   */
  use(id: string): { error: "used_url" | "expired_url" } | { issued: IssuedResponseUrl } {
    let issued = this.issued.get(id);
    if (!issued) {
      issued = { kind: "action", issuedAt: this.clock().now().getTime(), uses: 0 };
      this.issued.set(id, issued);
    }
    if (issued.uses >= RESPONSE_URL_MAX_USES) return { error: "used_url" };
    if (this.clock().now().getTime() - issued.issuedAt > RESPONSE_URL_LIFETIME_MS) return { error: "expired_url" };
    issued.uses += 1;
    return { issued };
  }

  /**
   * A post to a response_url: refused (404) when the URL is used up or expired, or its blocks
   * break Slack's rules (java-slack-sdk #1349 shows Slack's 404 with invalid_blocks); otherwise
   * taken, with what Slack does with it (`issued`: the URL, for the sandbox to show the post).
   * Refusals, and a command's `replace_original` that Slack ignores, go to the developer panel.
   */
  post(
    args: Record<string, unknown>,
    rules: {
      messageProblems(blocks: unknown): string[];
      refuse(method: string, error: string, details: string[]): unknown;
    },
  ): { status: number; body: Record<string, unknown>; effect: ResponseEffect; issued?: IssuedResponseUrl } {
    const refuse = (error: string, details: string[]) => {
      rules.refuse("response_url", error, details);
      return { status: 404, body: { ok: false, error }, effect: "refused" as const };
    };
    const problems = rules.messageProblems(args.blocks);
    if (problems.length > 0) return refuse("invalid_blocks", problems);
    const used = this.use(String(args.response_id));
    if ("error" in used) {
      return refuse(used.error, [
        used.error === "used_url"
          ? "a response_url works at most 5 times"
          : "a response_url works for 30 minutes after it was issued",
      ]);
    }
    if (used.issued.kind === "command" && isTrue(args.replace_original)) {
      // Not refused, but not what the app asked for: the developer panel says so.
      rules.refuse("response_url", "replace_original_ignored", [
        "a slash command's response_url cannot replace the command's earlier answer: Slack posted a new message (bolt-python #1268, bolt-js #2287)",
      ]);
    }
    return { status: 200, body: { ok: true }, effect: ResponseUrls.effect(used.issued, args), issued: used.issued };
  }

  /** What a post does: a command's URL never replaces or deletes the command's answer. */
  static effect(issued: IssuedResponseUrl, body: Record<string, unknown>): ResponseEffect {
    if (issued.kind === "command") return "new_message";
    if (isTrue(body.delete_original)) return "deleted";
    if (isTrue(body.replace_original)) return "replaced";
    return "new_message";
  }
}
