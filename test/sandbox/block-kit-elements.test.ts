// The imitation refuses the select menus, time pickers and initial values Slack refuses, and
// accepts the Settings form (src/features/settings) as built.
import { describe, expect, it } from "vitest";
import { viewErrorsProblems, viewProblems } from "../../src/sandbox/block-kit-rules.ts";
import { settingsModal, timezoneGroups } from "../../src/features/settings/blocks.ts";
import type { WorkspaceSettings } from "../../src/features/admin/settings.ts";

const modal = (element: Record<string, unknown>) => ({
  type: "modal",
  title: { type: "plain_text", text: "Test" },
  submit: { type: "plain_text", text: "Save" },
  blocks: [{ type: "input", block_id: "b", label: { type: "plain_text", text: "Field" }, element }],
});
const option = (value: string) => ({ text: { type: "plain_text", text: value }, value });

const settings: WorkspaceSettings = {
  teamId: "T1",
  managerIds: ["U1", "U2"],
  approvalsChannelId: "C1",
  storiesChannelId: null,
  dumbRulesChannelId: "G1",
  digests: Array.from({ length: 12 }, (_, i) => ({
    channelId: `C${i + 10}`,
    weekday: 5,
    hour: 16,
    minute: 0,
    timezone: "Europe/Paris",
  })),
  slaMinutes: 90,
  reminderOffsetsMinutes: [60, 30],
  budget: { cents: 4990, currency: "SEK" },
};

describe("Block Kit elements in the imitation", () => {
  it("accepts the Settings form, full or empty, within 100 blocks", () => {
    const full = settingsModal(settings, { adminTimezone: "Asia/Kolkata" });
    expect(viewProblems(full)).toEqual([]);
    expect(full.blocks.length).toBeLessThanOrEqual(100);
    const empty = settingsModal({ ...settings, managerIds: [], approvalsChannelId: null, digests: [], budget: null });
    expect(viewProblems(empty)).toEqual([]);
  });

  it("groups every time zone in groups of at most 100", () => {
    const groups = timezoneGroups();
    expect(groups.every((g) => g.options.length <= 100)).toBe(true);
    expect(groups.flatMap((g) => g.options).some((o) => o.value === "UTC")).toBe(true);
  });

  it("refuses an unknown element type, and a button as an input's element", () => {
    expect(viewProblems(modal({ type: "channel_picker", action_id: "v" }))[0]).toMatch(/unknown element type/);
    expect(viewProblems(modal({ type: "button", action_id: "v", text: { type: "plain_text", text: "x" } }))[0]).toMatch(
      /cannot be an input block's element/,
    );
  });

  it("refuses a static select's initial option that is not one of its options, and options with groups", () => {
    expect(
      viewProblems(modal({ type: "static_select", options: [option("a")], initial_option: option("b") }))[0],
    ).toMatch(/initial_option: must exactly match/);
    expect(
      viewProblems(
        modal({
          type: "static_select",
          options: [option("a")],
          option_groups: [{ label: { type: "plain_text", text: "G" }, options: [option("a")] }],
        }),
      ).join(),
    ).toMatch(/cannot both be set/);
    expect(
      viewProblems(
        modal({
          type: "static_select",
          option_groups: [
            {
              label: { type: "plain_text", text: "G" },
              options: Array.from({ length: 101 }, (_, i) => option(`o${i}`)),
            },
          ],
        }),
      ).join(),
    ).toMatch(/at most 100 options/);
  });

  it("refuses a bad conversation filter, initial conversation, initial users and time", () => {
    expect(viewProblems(modal({ type: "conversations_select", filter: { include: [] } })).join()).toMatch(
      /non-empty array/,
    );
    expect(viewProblems(modal({ type: "conversations_select", filter: { include: ["channels"] } })).join()).toMatch(
      /one of im, mpim, private, public/,
    );
    expect(viewProblems(modal({ type: "conversations_select", filter: {} })).join()).toMatch(/needs include/);
    expect(viewProblems(modal({ type: "conversations_select", initial_conversation: "#general" })).join()).toMatch(
      /conversation id/,
    );
    expect(viewProblems(modal({ type: "multi_users_select", initial_users: "U1" })).join()).toMatch(/user ids/);
    expect(viewProblems(modal({ type: "multi_users_select", max_selected_items: 0 })).join()).toMatch(/at least 1/);
    expect(viewProblems(modal({ type: "timepicker", initial_time: "9:30" })).join()).toMatch(/HH:mm/);
    expect(viewProblems(modal({ type: "timepicker", initial_time: "24:00" })).join()).toMatch(/HH:mm/);
    expect(viewProblems(modal({ type: "timepicker", timezone: "Mars/Olympus" })).join()).toMatch(/IANA/);
    expect(viewProblems(modal({ type: "timepicker", initial_time: "09:30", timezone: "Europe/Paris" }))).toEqual([]);
  });

  it("refuses response_url_enabled outside a modal's input block", () => {
    const home = {
      type: "home",
      blocks: [{ type: "actions", elements: [{ type: "conversations_select", response_url_enabled: true }] }],
    };
    expect(viewProblems(home).join()).toMatch(/only works in a modal's input block/);
  });

  it("accepts field errors only under the view's input blocks", () => {
    const view = modal({ type: "timepicker" });
    expect(viewErrorsProblems(view, { b: "Wrong" })).toEqual([]);
    expect(viewErrorsProblems(view, { nope: "Wrong" })[0]).toMatch(/no input block/);
    expect(viewErrorsProblems(view, {})[0]).toMatch(/must be an object/);
  });
});
