// Block Kit for App Home → Settings: the admin's checklist and button on Home, and the
// Settings form (one modal, every field optional so an admin can save one thing at a time).
import type { webApi } from "@slack/bolt";
import { context, section } from "../../slack/replies.ts";
import { mentionChannel } from "../../slack/text.ts";
import type { ChecklistItem } from "../admin/welcome.ts";
import type { WorkspaceSettings } from "../admin/settings.ts";
import { WEEKDAY_NAMES } from "../admin/validate.ts";

type KnownBlock = webApi.KnownBlock;
type Option = { text: { type: "plain_text"; text: string }; value: string };

export const HOME_OPEN_SETTINGS_ACTION = "home_open_settings";
export const SETTINGS_CALLBACK = "settings_form";

/** The form's input blocks (block ids: Slack keys the values and field errors by them). */
export const FIELD = {
  approvals: "settings_approvals",
  stories: "settings_stories",
  dumbrules: "settings_dumbrules",
  managers: "settings_managers",
  sla: "settings_sla",
  reminders: "settings_reminders",
  budgetAmount: "settings_budget_amount",
  budgetCurrency: "settings_budget_currency",
  digestsKept: "settings_digests_kept",
  digestChannel: "settings_digest_channel",
  digestWeekday: "settings_digest_weekday",
  digestTime: "settings_digest_time",
  digestTimezone: "settings_digest_timezone",
} as const;
/** Every input's action id (one input per block). */
export const VALUE = "value";
/**
 * The channel selects' action id instead: their input blocks dispatch the choice
 * (`dispatch_action`), and the form says at once under the select whether Delight can post there.
 */
export const CHANNEL_PICKED_ACTION = "settings_channel_picked";
/** The block id of the line under a channel select (removed when the channel is fine). */
export const channelHintId = (blockId: string) => `${blockId}_hint`;

/** Slack: at most 10 checkboxes, 100 options in a select (or 100 groups of 100). */
const MAX_CHECKBOXES = 10;
const MAX_OPTIONS = 100;

const plain = (text: string) => ({ type: "plain_text" as const, text });
const option = (text: string, value: string): Option => ({ text: plain(text.slice(0, 75)), value });

const COMMON_CURRENCIES = [
  "USD",
  "EUR",
  "GBP",
  "CAD",
  "AUD",
  "NZD",
  "CHF",
  "JPY",
  "CNY",
  "INR",
  "SGD",
  "HKD",
  "SEK",
  "NOK",
  "DKK",
  "PLN",
  "CZK",
  "HUF",
  "BRL",
  "MXN",
  "ZAR",
  "AED",
  "ILS",
  "KRW",
  "TRY",
];

/** "24h", "90m", "2d": how the SLA and reminders are typed (and read back by parseDuration). */
export function compactDuration(minutes: number): string {
  if (minutes % (24 * 60) === 0) return `${minutes / (24 * 60)}d`;
  if (minutes % 60 === 0) return `${minutes / 60}h`;
  return `${minutes}m`;
}

export const hhmm = (hour: number, minute: number) =>
  `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`;

/** Every IANA time zone this runtime knows, in groups by region (a group holds at most 100). */
export function timezoneGroups(extra: string[] = []): Array<{ label: ReturnType<typeof plain>; options: Option[] }> {
  const zones = new Set<string>(["UTC", ...Intl.supportedValuesOf("timeZone"), ...extra.filter(Boolean)]);
  const byRegion = new Map<string, string[]>();
  for (const zone of [...zones].sort()) {
    const region = zone.includes("/") ? (zone.split("/")[0] ?? "Other") : "Other";
    byRegion.set(region, [...(byRegion.get(region) ?? []), zone]);
  }
  const groups: Array<{ label: ReturnType<typeof plain>; options: Option[] }> = [];
  for (const [region, list] of byRegion) {
    const parts = Math.ceil(list.length / MAX_OPTIONS);
    for (let part = 0; part < parts; part += 1) {
      const slice = list.slice(part * MAX_OPTIONS, (part + 1) * MAX_OPTIONS);
      const label = parts === 1 ? region : `${region} (${part + 1} of ${parts})`;
      groups.push({ label: plain(label), options: slice.map((zone) => option(zone.replace(/_/g, " "), zone)) });
    }
  }
  return groups;
}

function input(blockId: string, label: string, element: Record<string, unknown>, hint?: string): KnownBlock {
  const channel = element.type === "conversations_select";
  return {
    type: "input",
    block_id: blockId,
    optional: true,
    ...(channel ? { dispatch_action: true } : {}),
    label: plain(label),
    element: { action_id: channel ? CHANNEL_PICKED_ACTION : VALUE, ...element },
    ...(hint ? { hint: plain(hint) } : {}),
  } as KnownBlock;
}

const CHANNELS_ONLY = { include: ["public", "private"], exclude_bot_users: true };

function channelSelect(channelId: string | null, placeholder: string): Record<string, unknown> {
  return {
    type: "conversations_select",
    filter: CHANNELS_ONLY,
    placeholder: plain(placeholder),
    ...(channelId ? { initial_conversation: channelId } : {}),
  };
}

export interface SettingsFormContext {
  /** The admin's own time zone: a new digest's default. */
  adminTimezone?: string;
  /** Blocks after the digest's (customer signals and connections: signals-blocks.ts). */
  more?: KnownBlock[];
}

/** The Settings form, filled with the workspace's current settings. */
export function settingsModal(settings: WorkspaceSettings, context_: SettingsFormContext = {}): webApi.ModalView {
  const currencies = [...new Set([...(settings.budget ? [settings.budget.currency] : []), ...COMMON_CURRENCIES])];
  const currencyOptions = currencies.slice(0, MAX_OPTIONS).map((code) => option(code, code));
  const initialCurrency = currencyOptions.find((o) => o.value === (settings.budget?.currency ?? "USD"));
  const weekdayOptions = WEEKDAY_NAMES.slice(1).map((name) => option(name, name.toLowerCase()));
  const timezone = context_.adminTimezone ?? "UTC";
  const zones = timezoneGroups([timezone]);
  const initialZone = zones.flatMap((g) => g.options).find((o) => o.value === timezone);
  const kept = settings.digests.slice(0, MAX_CHECKBOXES).map((d) => ({
    text: {
      type: "mrkdwn" as const,
      text: `${mentionChannel(d.channelId)} every ${WEEKDAY_NAMES[d.weekday]} at ${hhmm(d.hour, d.minute)} (${d.timezone})`,
    },
    value: d.channelId,
  }));

  const blocks: KnownBlock[] = [
    context(
      "Everything here can also be done with `/delight-admin`. Leave a field empty to keep it unset. Delight must be in each channel: public ones it joins by itself; for a private one, `/invite @Delight` there first.",
    ),
    { type: "header", text: plain("Channels") },
    input(
      FIELD.approvals,
      "Approvals channel",
      channelSelect(settings.approvalsChannelId, "Where managers approve nominations"),
      "Nominations wait here for a manager's decision.",
    ),
    input(
      FIELD.stories,
      "Stories channel",
      channelSelect(settings.storiesChannelId, "Where approved stories are shared"),
    ),
    input(
      FIELD.dumbrules,
      "Dumb-rules channel",
      channelSelect(settings.dumbRulesChannelId, "Where /dumbrule reports are posted"),
      "Empty: reports are recorded, listed and in the digest, but not posted.",
    ),
    { type: "header", text: plain("People") },
    input(
      FIELD.managers,
      "Managers",
      {
        type: "multi_users_select",
        placeholder: plain("Who approves recognition and gets escalations"),
        ...(settings.managerIds.length > 0 ? { initial_users: settings.managerIds } : {}),
      },
      "Managers approve nominations and hear about overdue recoveries.",
    ),
    { type: "header", text: plain("Recoveries and surprises") },
    input(
      FIELD.sla,
      "Recovery deadline (SLA)",
      { type: "plain_text_input", initial_value: compactDuration(settings.slaMinutes), max_length: 20 },
      "How long after an OOPS is reported it must be turned into a WOW: 24h, 90m, 2d (30 minutes to 30 days).",
    ),
    input(
      FIELD.reminders,
      "Reminders before the deadline",
      {
        type: "plain_text_input",
        initial_value:
          settings.reminderOffsetsMinutes.length > 0
            ? settings.reminderOffsetsMinutes.map(compactDuration).join(" ")
            : "default",
        max_length: 100,
      },
      "For example 12h 2h, or default (half-time and 2 hours before).",
    ),
    input(
      FIELD.budgetAmount,
      "Surprise budget per gesture",
      {
        type: "plain_text_input",
        placeholder: plain("No cap"),
        ...(settings.budget ? { initial_value: (settings.budget.cents / 100).toFixed(2).replace(/\.00$/, "") } : {}),
        max_length: 12,
      },
      "An amount such as 50 or 49.90; empty for no cap.",
    ),
    input(FIELD.budgetCurrency, "Budget currency", {
      type: "static_select",
      placeholder: plain("Currency"),
      options: currencyOptions,
      ...(initialCurrency ? { initial_option: initialCurrency } : {}),
    }),
    { type: "header", text: plain("Weekly story digest") },
  ];
  if (kept.length > 0) {
    blocks.push(
      input(FIELD.digestsKept, "Digests (untick one to stop it)", {
        type: "checkboxes",
        options: kept,
        initial_options: kept,
      }),
    );
    if (settings.digests.length > kept.length)
      blocks.push(context(`…and ${settings.digests.length - kept.length} more: \`/delight-admin digest list\`.`));
  } else {
    blocks.push(context("No weekly digest yet: pick a channel below to add one."));
  }
  const fridayOption = weekdayOptions[4];
  blocks.push(
    input(
      FIELD.digestChannel,
      kept.length > 0 ? "Add a digest in" : "Digest channel",
      channelSelect(null, "Channel for a weekly digest"),
      "A channel that already has a digest gets the new day and time.",
    ),
    input(FIELD.digestWeekday, "Weekday", {
      type: "static_select",
      options: weekdayOptions,
      ...(fridayOption ? { initial_option: fridayOption } : {}),
    }),
    input(FIELD.digestTime, "Time", { type: "timepicker", initial_time: "16:00" }),
    input(FIELD.digestTimezone, "Time zone", {
      type: "static_select",
      option_groups: zones,
      ...(initialZone ? { initial_option: initialZone } : {}),
    }),
  );
  blocks.push(...(context_.more ?? []));
  return {
    type: "modal",
    callback_id: SETTINGS_CALLBACK,
    title: plain("Delight settings"),
    submit: plain("Save"),
    close: plain("Cancel"),
    blocks,
  };
}

/** Home for an admin: what is still missing (until everything is set) and the Settings button. */
export function settingsHomeBlocks(checklist: ChecklistItem[]): KnownBlock[] {
  const missing = checklist.filter((item) => !item.done);
  const button: webApi.Button = {
    type: "button",
    action_id: HOME_OPEN_SETTINGS_ACTION,
    text: { type: "plain_text", text: ":gear: Settings", emoji: true },
    ...(missing.length > 0 ? { style: "primary" as const } : {}),
  };
  if (missing.length === 0) {
    return [
      {
        type: "section",
        block_id: "home_settings",
        text: {
          type: "mrkdwn",
          text: "*Delight is set up.* You're an admin: change channels, managers, digests and more in Settings.",
        },
        accessory: button,
      },
      { type: "divider" },
    ];
  }
  const lines = checklist.map((item) => `${item.done ? ":white_check_mark:" : ":white_square:"} ${item.label}`);
  return [
    section(
      `*Set up Delight* — ${missing.length} ${missing.length === 1 ? "step" : "steps"} left\n${lines.join("\n")}`,
    ),
    { type: "actions", block_id: "home_settings", elements: [button] },
    { type: "divider" },
  ];
}

/**
 * The form's blocks with the line under a channel select set to `text` (mrkdwn), or removed
 * when `text` is null. Block ids stay, so Slack keeps what was typed and picked elsewhere.
 */
export function withChannelHint(blocks: KnownBlock[], blockId: string, text: string | null): KnownBlock[] {
  const hintId = channelHintId(blockId);
  const rest = blocks.filter((b) => b.block_id !== hintId);
  const at = rest.findIndex((b) => b.block_id === blockId);
  if (text === null || at < 0) return rest;
  const hint: KnownBlock = { type: "context", block_id: hintId, elements: [{ type: "mrkdwn", text }] };
  return [...rest.slice(0, at + 1), hint, ...rest.slice(at + 1)];
}
