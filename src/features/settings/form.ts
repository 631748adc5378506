// Reads the Settings form and checks it with the same rules and messages as `/delight-admin`
// (admin/validate.ts). The result is either field errors (by block id: Slack shows each
// under its input and keeps everything typed) or the changes to make, compared with the
// settings as they are now (so only what changed is written and audited).
import type { DigestScheduleSetting, WorkspaceSettings } from "../admin/settings.ts";
import {
  asFieldError,
  checkBudget,
  checkReminders,
  checkSla,
  checkTimeOfDay,
  checkTimezone,
  checkWeekday,
  type Checked,
} from "../admin/validate.ts";
import type { ChannelRole } from "../admin/parse.ts";
import { readThresholds, type SignalThresholds, type ThresholdField } from "../signals/thresholds.ts";
import { CHANNEL_PICKED_ACTION, FIELD, VALUE } from "./blocks.ts";
import { SIGNAL_FIELD } from "./signals-blocks.ts";

/** One input's state as Slack sends it in `view.state.values[block][action]`. */
interface InputState {
  type?: string;
  value?: string | null;
  selected_conversation?: string | null;
  selected_users?: string[] | null;
  selected_option?: { value?: string } | null;
  selected_options?: Array<{ value?: string }> | null;
  selected_time?: string | null;
  selected_user?: string | null;
}

export type FormValues = Record<string, Record<string, InputState> | undefined>;

export interface SettingsChanges {
  channels: Array<{ role: ChannelRole; channelId: string | null }>;
  managersAdded: string[];
  managersRemoved: string[];
  slaMinutes?: number;
  reminderOffsetsMinutes?: number[];
  /** undefined: unchanged; null: no cap. */
  budget?: { cents: number; currency: string } | null;
  digestsRemoved: string[];
  digestAdded?: Omit<DigestScheduleSetting, "timezone"> & { timezone: string };
  /** undefined: unchanged; null: no signals owner. */
  signalsOwner?: string | null;
  signalThresholds?: SignalThresholds;
}

/** The customer-signal settings as they are now (the form is compared with them). */
export interface SignalSettingsNow {
  owner: string | null;
  thresholds: SignalThresholds;
}

/** The changes read (those whose fields had no error) and the field errors, by block id. */
export interface FormResult {
  changes: SettingsChanges;
  errors: Record<string, string>;
}

const state = (values: FormValues, blockId: string): InputState =>
  values[blockId]?.[VALUE] ?? values[blockId]?.[CHANNEL_PICKED_ACTION] ?? {};
const text = (values: FormValues, blockId: string) => (state(values, blockId).value ?? "").trim();

const CHANNEL_FIELDS: Array<{ role: ChannelRole; blockId: string; current: (s: WorkspaceSettings) => string | null }> =
  [
    { role: "approvals", blockId: FIELD.approvals, current: (s) => s.approvalsChannelId },
    { role: "stories", blockId: FIELD.stories, current: (s) => s.storiesChannelId },
    { role: "dumbrules", blockId: FIELD.dumbrules, current: (s) => s.dumbRulesChannelId },
  ];

/** The block id of each channel role's field (for the invite hint under it). */
export const CHANNEL_FIELD: Record<ChannelRole, string> = {
  approvals: FIELD.approvals,
  stories: FIELD.stories,
  dumbrules: FIELD.dumbrules,
};

/**
 * Checks the form against the current settings. Channels are only checked for form here;
 * whether Delight can post in them needs Slack (listeners.ts asks, even when other fields have
 * errors, so that every problem shows at once).
 */
export function readSettingsForm(
  values: FormValues,
  current: WorkspaceSettings,
  adminTimezone?: string,
  signals?: SignalSettingsNow,
): FormResult {
  const errors: Record<string, string> = {};
  const take = <T>(blockId: string, checked: Checked<T>): T | undefined => {
    if (checked.ok) return checked.value;
    errors[blockId] = asFieldError(checked.problem);
    return undefined;
  };
  const changes: SettingsChanges = { channels: [], managersAdded: [], managersRemoved: [], digestsRemoved: [] };

  for (const field of CHANNEL_FIELDS) {
    const chosen = state(values, field.blockId).selected_conversation ?? null;
    const before = field.current(current);
    if (chosen === before) continue;
    if (chosen === null && field.role !== "dumbrules") {
      // Nominations and stories need somewhere to go once they have had one.
      errors[field.blockId] =
        field.role === "approvals"
          ? "Nominations need an approvals channel: pick another channel rather than clearing it."
          : "Approved stories need a channel: pick another channel rather than clearing it.";
      continue;
    }
    changes.channels.push({ role: field.role, channelId: chosen });
  }

  const managers = state(values, FIELD.managers).selected_users ?? [];
  changes.managersAdded = managers.filter((id) => !current.managerIds.includes(id));
  changes.managersRemoved = current.managerIds.filter((id) => !managers.includes(id));

  const slaText = text(values, FIELD.sla);
  if (slaText) {
    const sla = take(FIELD.sla, checkSla(slaText));
    if (sla !== undefined && sla !== current.slaMinutes) changes.slaMinutes = sla;
  }
  const remindersText = text(values, FIELD.reminders);
  const reminders = take(FIELD.reminders, checkReminders(remindersText ? remindersText.split(/[\s,]+/) : ["default"]));
  if (reminders !== undefined && reminders.join(",") !== current.reminderOffsetsMinutes.join(",")) {
    changes.reminderOffsetsMinutes = reminders;
  }

  const amountText = text(values, FIELD.budgetAmount);
  const currency = state(values, FIELD.budgetCurrency).selected_option?.value ?? undefined;
  const budget = checkBudget(amountText || "off", currency);
  if (!budget.ok) {
    // The amount is at fault unless it would pass with any currency.
    const amountFine = checkBudget(amountText, "USD").ok;
    errors[amountFine ? FIELD.budgetCurrency : FIELD.budgetAmount] = asFieldError(budget.problem);
  } else {
    const before = current.budget ? `${current.budget.cents} ${current.budget.currency}` : "none";
    const after = budget.value ? `${budget.value.cents} ${budget.value.currency}` : "none";
    if (before !== after) changes.budget = budget.value;
  }

  // Digests in the form and unticked are stopped (a digest past the form's first ten stays).
  if (values[FIELD.digestsKept]) {
    const kept = new Set((state(values, FIELD.digestsKept).selected_options ?? []).map((o) => o.value));
    const shown = current.digests.slice(0, 10).map((d) => d.channelId);
    changes.digestsRemoved = shown.filter((channelId) => !kept.has(channelId));
  }
  const digestChannel = state(values, FIELD.digestChannel).selected_conversation ?? null;
  if (digestChannel) {
    const weekday = take(FIELD.digestWeekday, checkWeekday(state(values, FIELD.digestWeekday).selected_option?.value));
    const time = take(FIELD.digestTime, checkTimeOfDay(state(values, FIELD.digestTime).selected_time ?? undefined));
    const zoneChosen = state(values, FIELD.digestTimezone).selected_option?.value ?? adminTimezone ?? "UTC";
    const timezone = take(FIELD.digestTimezone, checkTimezone(zoneChosen));
    if (weekday !== undefined && time !== undefined && timezone !== undefined) {
      changes.digestAdded = { channelId: digestChannel, weekday, ...time, timezone };
    }
  }

  if (signals) readSignalFields(values, signals, changes, errors);
  return { changes, errors };
}

/**
 * The signals owner and thresholds, checked by the command's own validator (thresholds.ts);
 * a field missing from the submission (a form opened before it existed) is left as it is.
 */
function readSignalFields(
  values: FormValues,
  current: SignalSettingsNow,
  changes: SettingsChanges,
  errors: Record<string, string>,
): void {
  if (values[SIGNAL_FIELD.owner]) {
    const owner = state(values, SIGNAL_FIELD.owner).selected_user ?? null;
    if (owner !== current.owner) changes.signalsOwner = owner;
  }
  const typed: Partial<Record<ThresholdField, string>> = {};
  for (const field of Object.keys(current.thresholds) as ThresholdField[]) {
    if (values[SIGNAL_FIELD[field]]) typed[field] = text(values, SIGNAL_FIELD[field]);
  }
  const { rules, problems } = readThresholds(typed, current.thresholds);
  for (const [field, problem] of Object.entries(problems) as Array<[ThresholdField, string]>) {
    errors[SIGNAL_FIELD[field]] = asFieldError(problem);
  }
  const changed = (Object.keys(rules) as ThresholdField[]).some((f) => rules[f] !== current.thresholds[f]);
  if (Object.keys(problems).length === 0 && changed) changes.signalThresholds = rules;
}

export function hasChanges(changes: SettingsChanges): boolean {
  return (
    changes.channels.length > 0 ||
    changes.managersAdded.length > 0 ||
    changes.managersRemoved.length > 0 ||
    changes.slaMinutes !== undefined ||
    changes.reminderOffsetsMinutes !== undefined ||
    changes.budget !== undefined ||
    changes.digestsRemoved.length > 0 ||
    changes.digestAdded !== undefined ||
    changes.signalsOwner !== undefined ||
    changes.signalThresholds !== undefined
  );
}
