// Shared steps of the surprise end-to-end tests: commands, clicks and form submissions as
// Slack sends them, and reading the suggestions message back.
import { expect } from "vitest";
import { TEAM_ID, type RecordedCall } from "../../src/sandbox/slack-imitation.ts";
import type { TestApp } from "./test-app.ts";

export interface ButtonInfo {
  action_id: string;
  value: string;
  text: { text: string };
}

let counter = 0;

/** Sends `/surprise <text>`; returns the ack's body (the "Thinking…" text, or help). */
export async function surprise(t: TestApp, text: string, userId = "UOWNER", responseId = `cmd-${++counter}`) {
  const response = await t.sender.command("/surprise", text, userId, { responseId });
  expect(response.status).toBe(200);
  const ack = response.body ? (JSON.parse(response.body) as { text?: string }) : {};
  return { ack: ack.text ?? "", responseId };
}

/** The response_url posts for one id. */
export function responsesTo(t: TestApp, responseId: string): RecordedCall[] {
  return t.slack.responses().filter((r) => r.args.response_id === responseId);
}

/** Waits for a response_url post with `responseId` whose text includes `expected`. */
export function waitForResponse(t: TestApp, responseId: string, expected: string, timeoutMs = 5_000) {
  return t.slack.waitFor(
    () => responsesTo(t, responseId).find((r) => JSON.stringify(r.args).includes(expected)),
    timeoutMs,
  );
}

export function buttonsOf(call: RecordedCall): ButtonInfo[] {
  const blocks = (call.args.blocks ?? []) as Array<{ type: string; elements?: ButtonInfo[] }>;
  return blocks.filter((b) => b.type === "actions").flatMap((b) => b.elements ?? []);
}

/** The suggestion titles ("*1. …*") of a suggestions message. */
export function titlesOf(call: RecordedCall): string[] {
  const blocks = (call.args.blocks ?? []) as Array<{ type: string; text?: { text: string } }>;
  return blocks
    .map((b) => b.text?.text ?? "")
    .map((text) => /^\*\d\. (.+?)\*\n/.exec(text)?.[1])
    .filter((title): title is string => Boolean(title));
}

export function click(t: TestApp, input: { userId: string; actionId: string; value: string; responseId: string }) {
  return t.sender.interaction({
    type: "block_actions",
    team: { id: TEAM_ID, domain: "delight-test" },
    user: { id: input.userId, team_id: TEAM_ID, username: input.userId.toLowerCase() },
    api_app_id: "A0DELIGHT",
    token: "legacy-verification-token",
    trigger_id: `trigger-click-${++counter}`,
    response_url: t.slack.responseUrl(input.responseId),
    container: { type: "message", channel_id: "DUOWNER", message_ts: "1700000001.000100", is_ephemeral: true },
    channel: { id: "DUOWNER", name: "directmessage" },
    message: { ts: "1700000001.000100", text: "message" },
    actions: [
      {
        type: "button",
        action_id: input.actionId,
        block_id: "b1",
        value: input.value,
        action_ts: `${Date.now() / 1000}${++counter}`,
      },
    ],
  });
}

/** Submits a form; `values` maps block id → the input's state (action id "value"). */
export async function submitForm(
  t: TestApp,
  input: {
    userId: string;
    callbackId: string;
    values: Record<string, Record<string, unknown>>;
    privateMetadata: string;
  },
) {
  const response = await t.sender.interaction({
    type: "view_submission",
    team: { id: TEAM_ID, domain: "delight-test" },
    user: { id: input.userId, team_id: TEAM_ID, username: input.userId.toLowerCase() },
    api_app_id: "A0DELIGHT",
    token: "legacy-verification-token",
    trigger_id: `trigger-submit-${++counter}`,
    view: {
      id: `VSURPRISE${++counter}`,
      team_id: TEAM_ID,
      type: "modal",
      callback_id: input.callbackId,
      private_metadata: input.privateMetadata,
      state: {
        values: Object.fromEntries(Object.entries(input.values).map(([block, state]) => [block, { value: state }])),
      },
      hash: "hash",
      app_id: "A0DELIGHT",
    },
  });
  expect(response.status).toBe(200);
  return response.body
    ? (JSON.parse(response.body) as { response_action?: string; errors?: Record<string, string> })
    : {};
}

export const text = (value: string) => ({ type: "plain_text_input", value });
