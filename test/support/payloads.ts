// Interaction and event payloads shaped like the ones Slack sends, for t.sender.
import { TEAM_ID } from "../../src/sandbox/slack-imitation.ts";

let counter = 0;
const nextId = (prefix: string) => `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`.toUpperCase();

/** A button click on a message (response_url set) or on App Home (container type "view"). */
export function buttonClick(input: {
  userId: string;
  actionId: string;
  value: string;
  responseUrl?: string;
  message?: { channel: string; ts: string };
  homeViewId?: string;
  teamId?: string;
}): Record<string, unknown> {
  const teamId = input.teamId ?? TEAM_ID;
  const base = {
    type: "block_actions",
    user: { id: input.userId, team_id: teamId, username: input.userId.toLowerCase() },
    team: { id: teamId, domain: "delight-test" },
    api_app_id: "A0DELIGHT",
    token: "legacy-verification-token",
    trigger_id: nextId("trigger-"),
    actions: [
      {
        type: "button",
        action_id: input.actionId,
        block_id: "b1",
        value: input.value,
        action_ts: String(Date.now() / 1000),
        text: { type: "plain_text", text: input.actionId },
      },
    ],
  };
  if (input.homeViewId) {
    return {
      ...base,
      container: { type: "view", view_id: input.homeViewId },
      view: { id: input.homeViewId, type: "home", callback_id: "", private_metadata: "", state: { values: {} } },
    };
  }
  const message = input.message ?? { channel: "C0APPROVE", ts: "1.0" };
  return {
    ...base,
    container: { type: "message", channel_id: message.channel, message_ts: message.ts, is_ephemeral: false },
    channel: { id: message.channel, name: "approvals" },
    message: { type: "message", ts: message.ts, text: "", user: "UDELIGHTBOT" },
    response_url: input.responseUrl,
  };
}

/** A modal submission. `values` maps block id → the input's state (action id "input"). */
export function viewSubmission(input: {
  userId: string;
  callbackId: string;
  values: Record<string, Record<string, unknown>>;
  privateMetadata?: string;
  teamId?: string;
  /** The same id again = the same modal submitted again. */
  viewId?: string;
  /** The view's blocks as the app built them (Slack sends them back with the submission). */
  blocks?: unknown[];
  /** The submit button's label. */
  submit?: string;
  /** The inputs' action id (default "input"). */
  actionId?: string;
}): Record<string, unknown> {
  const teamId = input.teamId ?? TEAM_ID;
  return {
    type: "view_submission",
    user: { id: input.userId, team_id: teamId, username: input.userId.toLowerCase() },
    team: { id: teamId, domain: "delight-test" },
    api_app_id: "A0DELIGHT",
    token: "legacy-verification-token",
    trigger_id: nextId("trigger-"),
    view: {
      id: input.viewId ?? nextId("V"),
      type: "modal",
      callback_id: input.callbackId,
      private_metadata: input.privateMetadata ?? "",
      ...(input.blocks ? { blocks: input.blocks } : {}),
      ...(input.submit ? { submit: { type: "plain_text", text: input.submit } } : {}),
      state: {
        values: Object.fromEntries(
          Object.entries(input.values).map(([block, state]) => [block, { [input.actionId ?? "input"]: state }]),
        ),
      },
      hash: "h",
      team_id: teamId,
      app_id: "A0DELIGHT",
    },
    response_urls: [],
  };
}

/** A message shortcut on a message. */
export function messageShortcut(input: {
  userId: string;
  callbackId: string;
  channel: string;
  message: { ts: string; text: string; user: string };
  responseUrl: string;
}): Record<string, unknown> {
  return {
    type: "message_action",
    callback_id: input.callbackId,
    trigger_id: nextId("trigger-"),
    user: { id: input.userId, name: input.userId.toLowerCase() },
    team: { id: TEAM_ID, domain: "delight-test" },
    channel: { id: input.channel, name: "support" },
    message: { type: "message", ...input.message },
    message_ts: input.message.ts,
    response_url: input.responseUrl,
    token: "legacy-verification-token",
    action_ts: String(Date.now() / 1000),
  };
}

export function reactionAdded(input: { userId: string; channel: string; ts: string; reaction?: string }) {
  return {
    type: "reaction_added",
    user: input.userId,
    reaction: input.reaction ?? "white_check_mark",
    item: { type: "message", channel: input.channel, ts: input.ts },
    item_user: "UDELIGHTBOT",
    event_ts: String(Date.now() / 1000),
  };
}

export function threadReply(input: { userId: string; channel: string; threadTs: string; text: string }) {
  const ts = `${Math.floor(Date.now() / 1000)}.${String(counter++).padStart(6, "0")}`;
  return {
    type: "message",
    channel: input.channel,
    channel_type: "channel",
    user: input.userId,
    text: input.text,
    ts,
    thread_ts: input.threadTs,
    event_ts: ts,
  };
}

export function appHomeOpened(userId: string) {
  return {
    type: "app_home_opened",
    user: userId,
    channel: `D${userId}`,
    tab: "home",
    event_ts: String(Date.now() / 1000),
  };
}

/** The /holdingback form's values as Slack sends them on submit. */
export function holdingBackValues(text: string, category: string | null, anonymous: boolean) {
  return {
    holdingback_text: { type: "plain_text_input", value: text },
    holdingback_category: { type: "static_select", selected_option: category ? { value: category } : null },
    holdingback_anonymous: {
      type: "checkboxes",
      selected_options: anonymous
        ? [{ value: "anonymous", text: { type: "plain_text", text: "Send anonymously" } }]
        : [],
    },
  };
}
