// Block Kit for the customer-signals part of Settings: the signals owner and thresholds (inputs
// of the Settings form), the workspace's webhook connections with a Disconnect button each,
// and the "Connect a source" modal with its result (the webhook URL, and a generated secret
// shown that once).
import type { webApi } from "@slack/bolt";
import { context, section } from "../../slack/replies.ts";
import { escapeMrkdwn } from "../../slack/text.ts";
import { setupSteps } from "../signals/admin.ts";
import { webhookUrl, type ConnectionSummary } from "../signals/connections.ts";
import { SIGNAL_SOURCES, SOURCE_LABELS, type SignalSource } from "../signals/model.ts";
import {
  DEFAULT_THRESHOLDS,
  MAX_NUDGES_PER_DAY,
  type SignalThresholds,
  type ThresholdField,
} from "../signals/thresholds.ts";
import { VALUE } from "./blocks.ts";

type KnownBlock = webApi.KnownBlock;

/** The form's signal inputs (block ids), each with the action id VALUE. */
export const SIGNAL_FIELD = {
  owner: "settings_signals_owner",
  detractorCsat: "settings_detractor_csat",
  detractorNps: "settings_detractor_nps",
  praiseCsat: "settings_praise_csat",
  praiseNps: "settings_praise_nps",
  nudgesPerDay: "settings_nudges_per_day",
} as const satisfies Record<"owner" | ThresholdField, string>;

export const SETTINGS_CONNECT_ACTION = "settings_connect";
export const SETTINGS_DISCONNECT_ACTION = "settings_disconnect";
export const CONNECT_CALLBACK = "settings_connect_form";
/** The source select dispatches its choice (the secret field shows only for pasted secrets). */
export const CONNECT_SOURCE_ACTION = "settings_connect_source";
export const CONNECT_FIELD = { source: "connect_source", secret: "connect_secret" } as const;

/** Connections listed in the form (a modal holds at most 100 blocks). */
export const CONNECTIONS_SHOWN = 10;

const plain = (text: string) => ({ type: "plain_text" as const, text });
const date = (d: Date) => d.toISOString().slice(0, 10);

const THRESHOLD_INPUTS: Array<{ field: ThresholdField; label: string; hint: string }> = [
  { field: "detractorCsat", label: "Detractor: CSAT at or below (1–5)", hint: "Opens a recovery by itself." },
  { field: "detractorNps", label: "Detractor: NPS at or below (0–10)", hint: "Opens a recovery by itself." },
  {
    field: "praiseCsat",
    label: "Praise: CSAT at or above (1–5)",
    hint: "With a comment: a nomination by the customer.",
  },
  {
    field: "praiseNps",
    label: "Praise: NPS at or above (0–10)",
    hint: "With a comment: a nomination by the customer.",
  },
  {
    field: "nudgesPerDay",
    label: `Nudges per person per day (0–${MAX_NUDGES_PER_DAY})`,
    hint: "Surprise ideas sent to people when they can act; 0 sends none.",
  },
];

/** The signals owner and thresholds, as inputs of the Settings form (empty = the default). */
export function signalInputs(owner: string | null, rules: SignalThresholds): KnownBlock[] {
  return [
    { type: "header", text: plain("Customer signals") },
    {
      type: "input",
      block_id: SIGNAL_FIELD.owner,
      optional: true,
      label: plain("Signals owner"),
      element: {
        type: "users_select",
        action_id: VALUE,
        placeholder: plain("Owns cases when the agent isn't in Slack"),
        ...(owner ? { initial_user: owner } : {}),
      },
      hint: plain("Owns recoveries opened from a bad rating whose agent isn't found in Slack. Empty: none opens."),
    },
    ...THRESHOLD_INPUTS.map(({ field, label, hint }) => ({
      type: "input" as const,
      block_id: SIGNAL_FIELD[field],
      optional: true,
      label: plain(label),
      element: {
        type: "plain_text_input" as const,
        action_id: VALUE,
        initial_value: String(rules[field]),
        placeholder: plain(`Default: ${DEFAULT_THRESHOLDS[field]}`),
        max_length: 10,
      },
      hint: plain(`${hint} Empty: the default (${DEFAULT_THRESHOLDS[field]}).`),
    })),
  ];
}

/** The workspace's active connections, each with Disconnect (confirmed), and "Connect a source". */
export function connectionBlocks(
  rows: ConnectionSummary[],
  webhookUrlOf: (c: ConnectionSummary) => string,
): KnownBlock[] {
  const active = rows.filter((r) => !r.connection.disconnectedAt);
  const blocks: KnownBlock[] = [{ type: "header", text: plain("Connections") }];
  if (active.length === 0) blocks.push(context("No helpdesk or script sends customer signals yet."));
  active.slice(0, CONNECTIONS_SHOWN).forEach((row, i) => {
    const c = row.connection;
    const label = SOURCE_LABELS[c.source as SignalSource] ?? escapeMrkdwn(c.source);
    blocks.push({
      type: "section",
      block_id: `settings_connection_${i}`,
      text: {
        type: "mrkdwn",
        text: [
          `*${label}* · \`${c.id}\``,
          `Created ${date(c.createdAt)} · last signal ${c.lastSignalAt ? date(c.lastSignalAt) : "never"} · ${row.signalsThisWeek} this week · ${row.refusedThisWeek} refused this week`,
          `\`${webhookUrlOf(row)}\``,
        ].join("\n"),
      },
      accessory: {
        type: "button",
        action_id: SETTINGS_DISCONNECT_ACTION,
        value: c.id,
        style: "danger",
        text: plain("Disconnect"),
        confirm: {
          title: plain("Disconnect?"),
          text: plain(
            `${label} connection ${c.id}: its webhooks are refused from now on (HTTP 410, so the sender stops). Connect again for a new URL.`,
          ),
          confirm: plain("Disconnect"),
          deny: plain("Keep it"),
          style: "danger",
        },
      },
    });
  });
  const more = active.length - CONNECTIONS_SHOWN;
  const disconnected = rows.length - active.length;
  const notes = [
    ...(more > 0 ? [`…and ${more} more.`] : []),
    ...(disconnected > 0 ? [`${disconnected} disconnected.`] : []),
  ];
  if (notes.length > 0) blocks.push(context(`${notes.join(" ")} \`/delight-admin connections\` lists them all.`));
  blocks.push({
    type: "actions",
    block_id: "settings_connections_actions",
    elements: [
      { type: "button", action_id: SETTINGS_CONNECT_ACTION, text: plain("Connect a source"), value: "connect" },
    ],
  });
  return blocks;
}

/** Everything the Settings form shows of customer signals, after the digest's blocks. */
export function signalsFormBlocks(
  part: { owner: string | null; thresholds: SignalThresholds; connections: ConnectionSummary[] },
  publicUrl: string | undefined,
): KnownBlock[] {
  return [
    ...signalInputs(part.owner, part.thresholds),
    ...connectionBlocks(part.connections, (row) => webhookUrl(publicUrl ?? "", row.connection)),
  ];
}

const SECRET_HINT: Record<Exclude<SignalSource, "generic">, string> = {
  zendesk: "Zendesk Admin Center → Webhooks → your webhook → Signing secret → Reveal.",
  intercom: "Your Intercom app's client secret: Developer Hub → your app → Basic information.",
};

/**
 * "Connect a source": the tool, and its secret when the admin pastes one. `formViewId` is the
 * Settings form under it (refreshed after Connect to list the new connection).
 */
export function connectModal(source?: SignalSource, formViewId?: string): webApi.ModalView {
  const options = SIGNAL_SOURCES.map((s) => ({
    text: plain(s === "generic" ? "Any tool or script (Standard Webhooks)" : SOURCE_LABELS[s]),
    value: s,
  }));
  const initial = options.find((o) => o.value === source);
  const blocks: KnownBlock[] = [
    {
      type: "input",
      block_id: CONNECT_FIELD.source,
      dispatch_action: true,
      label: plain("Which tool sends the signals?"),
      element: {
        type: "static_select",
        action_id: CONNECT_SOURCE_ACTION,
        placeholder: plain("Pick a source"),
        options,
        ...(initial ? { initial_option: initial } : {}),
      },
    },
  ];
  if (source && source !== "generic") {
    blocks.push({
      type: "input",
      block_id: CONNECT_FIELD.secret,
      label: plain(source === "zendesk" ? "Webhook signing secret" : "Client secret"),
      element: { type: "plain_text_input", action_id: VALUE, max_length: 200 },
      hint: plain(`${SECRET_HINT[source]} Kept encrypted; never shown again.`),
    });
  } else if (source === "generic") {
    blocks.push(context("Delight makes a signing secret (`whsec_…`) and shows it once, after you press Connect."));
  }
  return {
    type: "modal",
    callback_id: CONNECT_CALLBACK,
    ...(formViewId ? { private_metadata: formViewId } : {}),
    title: plain("Connect a source"),
    submit: plain("Connect"),
    close: plain("Back"),
    blocks,
  };
}

/** What Connect answers: the webhook URL, the secret it made (this once) and how to set it up. */
export function connectedView(input: {
  source: SignalSource;
  connectionId: string;
  url: string;
  publicUrlMissing: boolean;
  shownSecret?: string;
}): webApi.ModalView {
  const blocks: KnownBlock[] = [
    section(
      `:white_check_mark: Connected ${SOURCE_LABELS[input.source]} (connection \`${input.connectionId}\`).\n*Webhook URL:* \`${input.url}\``,
    ),
  ];
  if (input.publicUrlMissing) {
    blocks.push(
      context(
        ":warning: `PUBLIC_URL` is not set, so this is only the path: put the app's public address in front of it.",
      ),
    );
  }
  if (input.shownSecret) {
    blocks.push(
      section(`*Signing secret* — shown this once; copy it into your sender's secrets now:\n\`${input.shownSecret}\``),
    );
  }
  blocks.push(section(setupSteps(input.source, input.url)));
  return {
    type: "modal",
    callback_id: `${CONNECT_CALLBACK}_done`,
    title: plain("Connected"),
    close: plain("Done"),
    blocks,
  };
}
