// App Home → Settings end to end: the real app, signed requests, the Slack stand-in.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { getSettings } from "../../src/features/admin/settings.ts";
import { asFieldError, checkSla } from "../../src/features/admin/validate.ts";
import { FIELD, HOME_OPEN_SETTINGS_ACTION, SETTINGS_CALLBACK } from "../../src/features/settings/blocks.ts";
import { viewErrorsProblems } from "../../src/sandbox/block-kit-rules.ts";
import { TEAM_ID, type RecordedCall } from "../../src/sandbox/slack-imitation.ts";
import { appHomeOpened, buttonClick, viewSubmission } from "../support/payloads.ts";
import { drainJobs, startTestApp, type TestApp } from "../support/test-app.ts";

const workspace = { teamId: TEAM_ID };
const ADMIN = "UADMIN";

describe("App Home → Settings", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      admins: [ADMIN],
      users: [
        { id: ADMIN, name: "Ada", tz: "America/New_York" },
        { id: "USTAFF", name: "Sam" },
        { id: "UMARIA", name: "Maria" },
        { id: "ULI", name: "Li" },
        { id: "UROBOT", name: "Robot", is_bot: true },
      ],
    });
    // The app is already in #approvals; #wins and #team are public (it joins them); G0SECRET is
    // private and the app is not in it (Slack answers channel_not_found).
    t.slack.memberOf.add("C0APPROVE");
  });
  afterAll(() => t.stop());
  beforeEach(() => {
    t.slack.reset();
    t.slack.workspace.problems.length = 0;
  });

  const text = (call: RecordedCall) => JSON.stringify(call.args);

  async function homeOf(userId: string) {
    const before = t.slack.callsTo("views.publish").length;
    await t.sender.event(appHomeOpened(userId));
    return t.slack.waitFor(() =>
      t.slack
        .callsTo("views.publish")
        .slice(before)
        .find((c) => c.args.user_id === userId),
    );
  }

  /** Clicks Settings on Home; returns the form Slack was asked to open. */
  async function openSettings(userId = ADMIN) {
    const before = t.slack.callsTo("views.open").length;
    const response = await t.sender.interaction(
      buttonClick({ userId, actionId: HOME_OPEN_SETTINGS_ACTION, value: "", homeViewId: "VHOME" }),
    );
    expect(response.status).toBe(200);
    const call = await t.slack.waitFor(() => t.slack.callsTo("views.open")[before]);
    return call.args.view as { callback_id?: string; blocks: Array<{ type: string; block_id?: string }> };
  }

  /** Submits the form with these fields (block id → the input's state). */
  async function submit(values: Record<string, Record<string, unknown>>, userId = ADMIN, blocks?: unknown[]) {
    const response = await t.sender.interaction(
      viewSubmission({ userId, callbackId: SETTINGS_CALLBACK, values, actionId: "value", blocks, submit: "Save" }),
    );
    expect(response.status).toBe(200);
    return (response.body.trim() ? JSON.parse(response.body) : {}) as {
      response_action?: string;
      errors?: Record<string, string>;
    };
  }

  async function show() {
    const response = await t.sender.command("/delight-admin", "show", ADMIN);
    return response.body;
  }

  it("never shows Settings or the checklist to someone who is not an admin", async () => {
    const home = await homeOf("USTAFF");
    expect(text(home)).not.toContain(HOME_OPEN_SETTINGS_ACTION);
    expect(text(home)).not.toContain("Set up Delight");
  });

  it("shows an admin what is still to set up, with a button to Settings", async () => {
    const home = text(await homeOf(ADMIN));
    expect(home).toContain("Set up Delight");
    expect(home).toContain(":white_square: Approvals channel");
    expect(home).toContain(HOME_OPEN_SETTINGS_ACTION);
  });

  it("refuses a non-admin's click and a forged submission, and changes nothing", async () => {
    const notice = await openSettings("USTAFF");
    expect(JSON.stringify(notice)).toContain("Only Slack workspace admins");
    expect(notice.blocks.some((b) => b.type === "input")).toBe(false);

    const before = await getSettings(t.database.prisma, workspace);
    const answer = await submit(
      {
        [FIELD.approvals]: { type: "conversations_select", selected_conversation: "C0APPROVE" },
        [FIELD.managers]: { type: "multi_users_select", selected_users: ["USTAFF"] },
        [FIELD.sla]: { type: "plain_text_input", value: "1h" },
      },
      "USTAFF",
    );
    expect(answer.response_action).toBe("errors");
    expect(Object.values(answer.errors ?? {}).join()).toContain("Only Slack workspace admins");
    expect(await getSettings(t.database.prisma, workspace)).toEqual(before);
    expect(await t.database.prisma.auditEntry.count({ where: { actorId: "USTAFF" } })).toBe(0);
  });

  it("keeps the form open with each field's error, in the commands' words, and saves nothing", async () => {
    const form = await openSettings();
    const before = await getSettings(t.database.prisma, workspace);
    const answer = await submit(
      {
        [FIELD.sla]: { type: "plain_text_input", value: "soon" },
        [FIELD.reminders]: { type: "plain_text_input", value: "often" },
        [FIELD.budgetAmount]: { type: "plain_text_input", value: "lots" },
        [FIELD.budgetCurrency]: { type: "static_select", selected_option: { value: "EUR" } },
        [FIELD.digestChannel]: { type: "conversations_select", selected_conversation: "C0TEAM" },
        [FIELD.digestWeekday]: { type: "static_select", selected_option: null },
        [FIELD.digestTime]: { type: "timepicker", selected_time: "16:00" },
      },
      ADMIN,
      form.blocks,
    );
    expect(answer.response_action).toBe("errors");
    const errors = answer.errors ?? {};
    expect(Object.keys(errors).sort()).toEqual(
      [FIELD.sla, FIELD.reminders, FIELD.budgetAmount, FIELD.digestWeekday].sort(),
    );
    // The same message as `/delight-admin sla soon`, as plain text.
    const sla = checkSla("soon");
    expect(errors[FIELD.sla]).toBe(asFieldError(sla.ok ? "" : sla.problem));
    expect(errors[FIELD.sla]).toContain("such as “24”, “24h”");
    const command = await t.sender.command("/delight-admin", "sla soon", ADMIN);
    expect(command.body).toContain("Give the recovery deadline as hours or a duration");
    // Every key is an input block of the form (Slack refuses anything else).
    expect(viewErrorsProblems(form, errors)).toEqual([]);
    expect(await getSettings(t.database.prisma, workspace)).toEqual(before);
  });

  it("says under the select to invite Delight to a private channel it is not in, and saves nothing", async () => {
    const form = await openSettings();
    const answer = await submit(
      {
        [FIELD.approvals]: { type: "conversations_select", selected_conversation: "G0SECRET" },
        [FIELD.managers]: { type: "multi_users_select", selected_users: ["UMARIA", "UROBOT"] },
      },
      ADMIN,
      form.blocks,
    );
    expect(answer.response_action).toBe("errors");
    expect(answer.errors?.[FIELD.approvals]).toContain("/invite @Delight");
    expect(answer.errors?.[FIELD.managers]).toContain("apps can't approve recognition");
    expect(viewErrorsProblems(form, answer.errors)).toEqual([]);
    expect((await getSettings(t.database.prisma, workspace)).approvalsChannelId).toBeNull();
  });

  it("says under a channel select as soon as it is picked whether Delight can post there (issue 20)", async () => {
    const form = await openSettings();
    const approvals = form.blocks.find((b) => b.block_id === FIELD.approvals) as
      { dispatch_action?: boolean; element: { action_id: string } } | undefined;
    expect(approvals?.dispatch_action).toBe(true);
    /** Picks a channel in the open form, as Slack sends it (block_actions from the modal). */
    async function pick(userId: string, blockId: string, channelId: string, blocks: unknown[]) {
      const before = t.slack.callsTo("views.update").length;
      const response = await t.sender.interaction({
        type: "block_actions",
        user: { id: userId, team_id: TEAM_ID, username: userId.toLowerCase() },
        team: { id: TEAM_ID, domain: "delight-test" },
        api_app_id: "A0DELIGHT",
        token: "legacy-verification-token",
        trigger_id: `trigger-pick-${blockId}-${channelId}`,
        container: { type: "view", view_id: "VSETTINGS" },
        view: {
          id: "VSETTINGS",
          type: "modal",
          callback_id: SETTINGS_CALLBACK,
          title: { type: "plain_text", text: "Delight settings" },
          submit: { type: "plain_text", text: "Save" },
          close: { type: "plain_text", text: "Cancel" },
          private_metadata: "",
          blocks,
          state: { values: {} },
          hash: "hash-1",
          root_view_id: "VSETTINGS",
        },
        actions: [
          {
            type: "conversations_select",
            action_id: approvals?.element.action_id,
            block_id: blockId,
            selected_conversation: channelId,
            action_ts: String(Date.now() / 1000),
          },
        ],
      });
      expect(response.status).toBe(200);
      return before;
    }

    // A private channel Delight is not in: the line under the select says how to fix it.
    const before = await pick(ADMIN, FIELD.approvals, "G0SECRET", form.blocks);
    const update = await t.slack.waitFor(() => t.slack.callsTo("views.update")[before]);
    expect(update.args).toMatchObject({ view_id: "VSETTINGS", hash: "hash-1" });
    const blocks = (update.args.view as { blocks: Array<{ type: string; block_id?: string }> }).blocks;
    const at = blocks.findIndex((b) => b.block_id === FIELD.approvals);
    expect(blocks[at + 1]?.type).toBe("context");
    expect(JSON.stringify(blocks[at + 1])).toContain("/invite @Delight");
    expect(JSON.stringify(blocks[at + 1])).toContain("<#G0SECRET>");
    // Every other block is kept as it was, so Slack keeps what was typed.
    expect(blocks.filter((b) => b.type !== "context" || b.block_id !== `${FIELD.approvals}_hint`)).toEqual(form.blocks);
    expect(t.slack.workspace.problems).toEqual([]);

    // Then a channel it is in: the warning goes away.
    const next = await pick(ADMIN, FIELD.approvals, "C0APPROVE", blocks);
    const cleared = await t.slack.waitFor(() => t.slack.callsTo("views.update")[next]);
    const after = (cleared.args.view as { blocks: Array<{ block_id?: string }> }).blocks;
    expect(after.some((b) => b.block_id === `${FIELD.approvals}_hint`)).toBe(false);
    expect(JSON.stringify(cleared.args.view)).not.toContain("<#G0SECRET>");

    // Someone who is not an admin learns nothing and changes nothing.
    const forged = await pick("USTAFF", FIELD.approvals, "G0SECRET", form.blocks);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(t.slack.callsTo("views.update").length).toBe(forged);
  });

  it("leaves the form alone when it changed before the channel hint came (hash_conflict), and logs that quietly", async () => {
    const form = await openSettings();
    // The form as Slack holds it: opened, then changed (Save answered with errors, say) before
    // the app's hint update for an earlier pick arrives with the earlier hash.
    t.slack.workspace.triggers.set("trigger-hash", ADMIN);
    const opened = t.slack.workspace.answer("views.open", { trigger_id: "trigger-hash", view: form });
    const { id, hash: before } = opened.view as { id: string; hash: string };
    const changed = t.slack.workspace.answer("views.update", { view_id: id, hash: before, view: form });
    const now = (changed.view as { hash: string }).hash;
    const warn = vi.spyOn(t.delight.deps.logger, "warn");
    const debug = vi.spyOn(t.delight.deps.logger, "debug");
    const calls = t.slack.callsTo("views.update").length;
    const approvals = form.blocks.find((b) => b.block_id === FIELD.approvals) as unknown as {
      element: { action_id: string };
    };
    const response = await t.sender.interaction({
      type: "block_actions",
      user: { id: ADMIN, team_id: TEAM_ID, username: "uadmin" },
      team: { id: TEAM_ID, domain: "delight-test" },
      api_app_id: "A0DELIGHT",
      token: "legacy-verification-token",
      trigger_id: "trigger-hash-pick",
      container: { type: "view", view_id: id },
      view: { ...form, id, hash: before, private_metadata: "", state: { values: {} }, root_view_id: id },
      actions: [
        {
          type: "conversations_select",
          action_id: approvals.element.action_id,
          block_id: FIELD.approvals,
          selected_conversation: "G0SECRET",
          action_ts: String(Date.now() / 1000),
        },
      ],
    });
    expect(response.status).toBe(200);
    const update = await t.slack.waitFor(() => t.slack.callsTo("views.update")[calls]);
    expect(update.args).toMatchObject({ view_id: id, hash: before });
    await t.slack.waitFor(() => debug.mock.calls.find(([m]) => String(m).includes("Channel hint skipped")));
    // The form is the one the admin is looking at, without the late hint.
    expect(t.slack.workspace.findModal(id)?.hash).toBe(now);
    expect(JSON.stringify(t.slack.workspace.findModal(id)?.view)).not.toContain("G0SECRET");
    expect(warn.mock.calls.filter(([m]) => String(m).includes("channel hint"))).toEqual([]);
    expect(t.slack.workspace.problems).toEqual([]);
    warn.mockRestore();
    debug.mockRestore();
  });

  it("saves valid settings, audits each change like the commands, and /delight-admin show shows them", async () => {
    const form = await openSettings();
    expect(form.callback_id).toBe(SETTINGS_CALLBACK);
    // Slack would have refused nothing in the form (views.open is checked by the stand-in).
    expect(t.slack.workspace.problems).toEqual([]);
    // A new digest's time zone is the admin's own by default.
    expect(JSON.stringify(form)).toContain(
      '"initial_option":{"text":{"type":"plain_text","text":"America/New York"},"value":"America/New_York"}',
    );

    const answer = await submit(
      {
        [FIELD.approvals]: { type: "conversations_select", selected_conversation: "C0APPROVE" },
        [FIELD.stories]: { type: "conversations_select", selected_conversation: "C0WINS" },
        [FIELD.managers]: { type: "multi_users_select", selected_users: ["UMARIA", "ULI"] },
        [FIELD.sla]: { type: "plain_text_input", value: "2d" },
        [FIELD.reminders]: { type: "plain_text_input", value: "12h 2h" },
        [FIELD.budgetAmount]: { type: "plain_text_input", value: "40" },
        [FIELD.budgetCurrency]: { type: "static_select", selected_option: { value: "EUR" } },
        [FIELD.digestChannel]: { type: "conversations_select", selected_conversation: "C0TEAM" },
        [FIELD.digestWeekday]: { type: "static_select", selected_option: { value: "friday" } },
        [FIELD.digestTime]: { type: "timepicker", selected_time: "16:30" },
        [FIELD.digestTimezone]: { type: "static_select", selected_option: { value: "Europe/Paris" } },
      },
      ADMIN,
      form.blocks,
    );
    expect(answer).toEqual({});
    const settings = await getSettings(t.database.prisma, workspace);
    expect(settings).toMatchObject({
      approvalsChannelId: "C0APPROVE",
      storiesChannelId: "C0WINS",
      managerIds: ["UMARIA", "ULI"],
      slaMinutes: 2 * 24 * 60,
      reminderOffsetsMinutes: [12 * 60, 2 * 60],
      budget: { cents: 4000, currency: "EUR" },
      digests: [{ channelId: "C0TEAM", weekday: 5, hour: 16, minute: 30, timezone: "Europe/Paris" }],
    });
    const actions = (await t.database.prisma.auditEntry.findMany({ where: { actorId: ADMIN } })).map((e) => e.action);
    expect(actions.sort()).toEqual(
      [
        "channel.approvals",
        "channel.stories",
        "managers.add",
        "settings.sla",
        "settings.reminders",
        "settings.budget",
        "digest.add",
      ].sort(),
    );
    // The app joins the public channels it is not in yet; it was already in #approvals.
    await drainJobs(t);
    const joined = t.slack.callsTo("conversations.join").map((c) => c.args.channel);
    expect(joined.sort()).toEqual(["C0TEAM", "C0WINS"]);

    const shown = await show();
    for (const expected of [
      "<#C0APPROVE>",
      "<#C0WINS>",
      "<@UMARIA>",
      "<@ULI>",
      "2 days",
      "€40.00",
      "Friday at 16:30 (Europe/Paris)",
    ])
      expect(shown).toContain(expected);
    expect(shown).toContain("App Home → *Settings*");

    // The admin's Home says what changed, and the checklist is done.
    const home = text(
      await t.slack.waitFor(() => t.slack.callsTo("views.publish").find((c) => c.args.user_id === ADMIN)),
    );
    expect(home).toContain("Settings saved");
    expect(home).toContain("Delight is set up");

    // The form opens again with what was saved; unticking the digest stops it.
    const again = await openSettings();
    expect(JSON.stringify(again)).toContain('"initial_conversation":"C0APPROVE"');
    expect(JSON.stringify(again)).toContain('"initial_users":["UMARIA","ULI"]');
    const removed = await submit(
      {
        [FIELD.approvals]: { type: "conversations_select", selected_conversation: "C0APPROVE" },
        [FIELD.stories]: { type: "conversations_select", selected_conversation: "C0WINS" },
        [FIELD.managers]: { type: "multi_users_select", selected_users: ["UMARIA", "ULI"] },
        [FIELD.sla]: { type: "plain_text_input", value: "2d" },
        [FIELD.reminders]: { type: "plain_text_input", value: "12h 2h" },
        [FIELD.budgetAmount]: { type: "plain_text_input", value: "40" },
        [FIELD.budgetCurrency]: { type: "static_select", selected_option: { value: "EUR" } },
        [FIELD.digestsKept]: { type: "checkboxes", selected_options: [] },
      },
      ADMIN,
      again.blocks,
    );
    expect(removed).toEqual({});
    expect((await getSettings(t.database.prisma, workspace)).digests).toEqual([]);
    expect(await t.database.prisma.auditEntry.count({ where: { actorId: ADMIN, action: "digest.remove" } })).toBe(1);
  });
});
