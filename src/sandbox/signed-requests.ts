// Sends requests to the app the way Slack does: signed with the signing secret.
import { createHmac } from "node:crypto";

export interface SlackResponse {
  status: number;
  body: string;
}

export function signature(secret: string, timestamp: number, rawBody: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${rawBody}`).digest("hex")}`;
}

export interface SignOptions {
  /** Seconds since epoch; defaults to now. */
  timestamp?: number;
  /** Sign with another secret (to test refusals). */
  secret?: string;
  /** Leave the signature headers out. */
  unsigned?: boolean;
  /** Slack's retry headers. */
  retryNum?: number;
  retryReason?: string;
}

export class SignedSlackClient {
  constructor(
    readonly appUrl: string,
    readonly signingSecret: string,
    readonly teamId: string,
    readonly responseUrlBase: string,
    /** Issues a command's response_url with the Slack imitation (so it knows it is a command's). */
    readonly issueCommandResponseUrl?: (responseId: string) => string,
    /** A workspace of an Enterprise Grid org whose org-wide installation serves it. */
    readonly orgWide?: { enterpriseId: string },
  ) {}

  async send(rawBody: string, contentType: string, options: SignOptions = {}): Promise<SlackResponse> {
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = { "content-type": contentType };
    if (!options.unsigned) {
      headers["x-slack-request-timestamp"] = String(timestamp);
      headers["x-slack-signature"] = signature(options.secret ?? this.signingSecret, timestamp, rawBody);
    }
    if (options.retryNum !== undefined) {
      headers["x-slack-retry-num"] = String(options.retryNum);
      headers["x-slack-retry-reason"] = options.retryReason ?? "http_timeout";
    }
    const response = await fetch(`${this.appUrl}/slack/events`, { method: "POST", headers, body: rawBody });
    return { status: response.status, body: await response.text() };
  }

  /** A slash command as Slack posts it (text as Slack escapes it: <@U…>, <#C…|name>, &lt;…). */
  async command(
    command: string,
    text: string,
    userId: string,
    options: SignOptions & { channelId?: string; responseId?: string } = {},
  ) {
    const body = new URLSearchParams({
      token: "legacy-verification-token",
      team_id: this.teamId,
      team_domain: "delight-test",
      channel_id: options.channelId ?? "C0GENERAL",
      channel_name: "general",
      user_id: userId,
      user_name: userId.toLowerCase(),
      command,
      text,
      api_app_id: "A0DELIGHT",
      is_enterprise_install: this.orgWide ? "true" : "false",
      ...(this.orgWide ? { enterprise_id: this.orgWide.enterpriseId } : {}),
      response_url:
        this.issueCommandResponseUrl?.(options.responseId ?? "r1") ??
        `${this.responseUrlBase}${options.responseId ?? "r1"}`,
      trigger_id: `trigger-${Date.now()}`,
    }).toString();
    return this.send(body, "application/x-www-form-urlencoded", options);
  }

  /** An interaction (block_actions, view_submission, shortcut…) as Slack posts it. */
  async interaction(payload: Record<string, unknown>, options: SignOptions = {}) {
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    return this.send(body, "application/x-www-form-urlencoded", options);
  }

  /** An Events API event callback. */
  async event(event: Record<string, unknown>, options: SignOptions & { eventId?: string } = {}) {
    const body = JSON.stringify({
      token: "legacy-verification-token",
      team_id: this.teamId,
      api_app_id: "A0DELIGHT",
      event,
      type: "event_callback",
      event_id: options.eventId ?? `Ev${Math.random().toString(36).slice(2, 12).toUpperCase()}`,
      event_time: Math.floor(Date.now() / 1000),
      ...(this.orgWide ? { enterprise_id: this.orgWide.enterpriseId, is_enterprise_install: true } : {}),
      authorizations: [
        {
          team_id: this.teamId,
          user_id: "UDELIGHTBOT",
          is_bot: true,
          ...(this.orgWide ? { enterprise_id: this.orgWide.enterpriseId, is_enterprise_install: true } : {}),
        },
      ],
    });
    return this.send(body, "application/json", options);
  }
}
