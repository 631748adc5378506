// Reading the Settings form: only what changed, with the commands' rules.
import { describe, expect, it } from "vitest";
import type { WorkspaceSettings } from "../../../src/features/admin/settings.ts";
import { FIELD } from "../../../src/features/settings/blocks.ts";
import { hasChanges, readSettingsForm, type FormValues } from "../../../src/features/settings/form.ts";

const current: WorkspaceSettings = {
  teamId: "T1",
  managerIds: ["UMARIA"],
  approvalsChannelId: "C0APPROVE",
  storiesChannelId: "C0WINS",
  dumbRulesChannelId: "C0RULES",
  digests: [{ channelId: "C0TEAM", weekday: 5, hour: 16, minute: 0, timezone: "Europe/Paris" }],
  slaMinutes: 24 * 60,
  reminderOffsetsMinutes: [],
  budget: null,
};

/** The form as it opens: every field showing the current settings. */
const unchanged = (): FormValues => ({
  [FIELD.approvals]: { value: { selected_conversation: "C0APPROVE" } },
  [FIELD.stories]: { value: { selected_conversation: "C0WINS" } },
  [FIELD.dumbrules]: { value: { selected_conversation: "C0RULES" } },
  [FIELD.managers]: { value: { selected_users: ["UMARIA"] } },
  [FIELD.sla]: { value: { value: "1d" } },
  [FIELD.reminders]: { value: { value: "default" } },
  [FIELD.budgetAmount]: { value: { value: null } },
  [FIELD.budgetCurrency]: { value: { selected_option: { value: "USD" } } },
  [FIELD.digestsKept]: { value: { selected_options: [{ value: "C0TEAM" }] } },
  [FIELD.digestChannel]: { value: { selected_conversation: null } },
  [FIELD.digestWeekday]: { value: { selected_option: { value: "friday" } } },
  [FIELD.digestTime]: { value: { selected_time: "16:00" } },
  [FIELD.digestTimezone]: { value: { selected_option: { value: "Europe/Paris" } } },
});

describe("readSettingsForm", () => {
  it("finds nothing to change in the form as it opened", () => {
    const read = readSettingsForm(unchanged(), current);
    expect(read.errors).toEqual({});
    expect(hasChanges(read.changes)).toBe(false);
  });

  it("refuses clearing the approvals or stories channel, and lets the dumb-rules channel go", () => {
    const values = unchanged();
    values[FIELD.approvals] = { value: { selected_conversation: null } };
    values[FIELD.stories] = { value: { selected_conversation: null } };
    values[FIELD.dumbrules] = { value: { selected_conversation: null } };
    const read = readSettingsForm(values, current);
    expect(Object.keys(read.errors).sort()).toEqual([FIELD.approvals, FIELD.stories].sort());
    expect(read.changes.channels).toEqual([{ role: "dumbrules", channelId: null }]);
  });

  it("puts a budget's problem under the field at fault", () => {
    const values = unchanged();
    values[FIELD.budgetAmount] = { value: { value: "50" } };
    values[FIELD.budgetCurrency] = { value: { selected_option: null } };
    expect(Object.keys(readSettingsForm(values, current).errors)).toEqual([FIELD.budgetCurrency]);
    values[FIELD.budgetAmount] = { value: { value: "fifty" } };
    values[FIELD.budgetCurrency] = { value: { selected_option: { value: "EUR" } } };
    expect(Object.keys(readSettingsForm(values, current).errors)).toEqual([FIELD.budgetAmount]);
    values[FIELD.budgetAmount] = { value: { value: "49,90" } };
    expect(readSettingsForm(values, current).changes.budget).toEqual({ cents: 4990, currency: "EUR" });
  });

  it("adds a digest in the admin's time zone when none is chosen, and stops an unticked one", () => {
    const values = unchanged();
    values[FIELD.digestsKept] = { value: { selected_options: [] } };
    values[FIELD.digestChannel] = { value: { selected_conversation: "C0NEW" } };
    values[FIELD.digestTimezone] = { value: { selected_option: null } };
    const read = readSettingsForm(values, current, "Asia/Tokyo");
    expect(read.errors).toEqual({});
    expect(read.changes.digestsRemoved).toEqual(["C0TEAM"]);
    expect(read.changes.digestAdded).toEqual({
      channelId: "C0NEW",
      weekday: 5,
      hour: 16,
      minute: 0,
      timezone: "Asia/Tokyo",
    });
  });

  it("reads managers added and removed, and reminders in the commands' syntax", () => {
    const values = unchanged();
    values[FIELD.managers] = { value: { selected_users: ["ULI"] } };
    values[FIELD.reminders] = { value: { value: "3h, 30m" } };
    const read = readSettingsForm(values, current);
    expect(read.changes).toMatchObject({
      managersAdded: ["ULI"],
      managersRemoved: ["UMARIA"],
      reminderOffsetsMinutes: [180, 30],
    });
    values[FIELD.reminders] = { value: { value: "1h 2h 3h 4h 5h 6h" } };
    expect(readSettingsForm(values, current).errors[FIELD.reminders]).toBe("Give at most 5 reminder times.");
  });
});
