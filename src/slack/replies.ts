// Small Block Kit pieces shared by features. (Writes to Slack go through the outbox: outbox.ts.)
import type { webApi } from "@slack/bolt";

type KnownBlock = webApi.KnownBlock;

export interface EphemeralMessage {
  text: string;
  blocks?: KnownBlock[];
}

/** A section block with mrkdwn text. */
export function section(text: string): KnownBlock {
  return { type: "section", text: { type: "mrkdwn", text } };
}

/** A modal input block around `element`, whose value is read back under `actionId`. */
export function inputBlock(
  blockId: string,
  label: string,
  element: Record<string, unknown>,
  options: { actionId: string; optional?: boolean; hint?: string },
): KnownBlock {
  return {
    type: "input",
    block_id: blockId,
    label: { type: "plain_text", text: label },
    optional: options.optional ?? false,
    element: { action_id: options.actionId, ...element },
    ...(options.hint ? { hint: { type: "plain_text", text: options.hint } } : {}),
  } as KnownBlock;
}

export function context(text: string): KnownBlock {
  return { type: "context", elements: [{ type: "mrkdwn", text }] };
}

/** Slack's limit on a section's text; longer user text is cut with an ellipsis. */
export const SECTION_TEXT_LIMIT = 3000;

// Text is cut in one way everywhere (cutText in text.ts); the names callers know stay.
export { cutText as truncate, cutText as truncateMrkdwn } from "./text.ts";

/**
 * Slack: a response_url works at most 5 times within 30 minutes of the command or click that
 * gave it. One kept in a form's private_metadata may be older than that when the form is
 * submitted: answer there only while it is clearly usable (5 minutes to spare for the job),
 * else through a path that does not expire (a DM).
 */
export const RESPONSE_URL_USABLE_MS = 25 * 60_000;

export function responseUrlUsable(issuedAtMs: number | undefined, now: Date): boolean {
  return issuedAtMs !== undefined && now.getTime() - issuedAtMs < RESPONSE_URL_USABLE_MS;
}
