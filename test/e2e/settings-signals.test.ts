// App Home → Settings, customer signals: the signals owner and thresholds in the form (checked by
// the command's validator), and Connections (Connect a source, Disconnect), end to end: the
// real app, signed block_actions and view_submission requests, the Slack stand-in, and signed
// webhooks to the URL Settings shows.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { HOME_OPEN_SETTINGS_ACTION, SETTINGS_CALLBACK } from "../../src/features/settings/blocks.ts";
import {
  CONNECT_CALLBACK,
  CONNECT_FIELD,
  CONNECT_SOURCE_ACTION,
  SETTINGS_CONNECT_ACTION,
  SETTINGS_DISCONNECT_ACTION,
  SIGNAL_FIELD,
} from "../../src/features/settings/signals-blocks.ts";
import { CONNECTION_CACHE_MS } from "../../src/features/signals/hooks.ts";
import { signStandardWebhook, signZendesk } from "../../src/features/signals/signatures.ts";
import { signalThresholds, signalsOwner } from "../../src/features/signals/settings.ts";
import { viewErrorsProblems } from "../../src/sandbox/block-kit-rules.ts";
import { TEAM_ID } from "../../src/sandbox/slack-imitation.ts";
import { buttonClick, viewSubmission } from "../support/payloads.ts";
import { startTestApp, TestClock, type TestApp } from "../support/test-app.ts";

const ADMIN = "UADMIN";
const STAFF = "USTAFF";
const PUBLIC_URL = "https://delight.example.com";
const START = new Date("2026-11-23T09:00:00Z");

type View = { id?: string; callback_id?: string; blocks: Array<Record<string, unknown>>; [key: string]: unknown };
type Answer = { response_action?: string; errors?: Record<string, string>; view?: View };

let counter = 0;
const nextId = (prefix: string) => `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`.toUpperCase();

/** A click on a button or select inside a modal, as Slack sends it (container type "view"). */
function modalAction(input: {
  userId: string;
  actionId: string;
  blockId?: string;
  view: { id: string; rootViewId?: string; callbackId: string };
  value?: string;
  selectedOption?: string;
}): Record<string, unknown> {
  const action = input.selectedOption
    ? {
        type: "static_select",
        action_id: input.actionId,
        block_id: input.blockId ?? "b1",
        selected_option: { text: { type: "plain_text", text: input.selectedOption }, value: input.selectedOption },
        action_ts: String(Date.now() / 1000),
      }
    : {
        type: "button",
        action_id: input.actionId,
        block_id: input.blockId ?? "b1",
        value: input.value ?? "",
        text: { type: "plain_text", text: input.actionId },
        action_ts: String(Date.now() / 1000),
      };
  return {
    type: "block_actions",
    user: { id: input.userId, team_id: TEAM_ID, username: input.userId.toLowerCase() },
    team: { id: TEAM_ID, domain: "delight-test" },
    api_app_id: "A0DELIGHT",
    token: "legacy-verification-token",
    trigger_id: nextId("trigger-"),
    container: { type: "view", view_id: input.view.id },
    view: {
      id: input.view.id,
      type: "modal",
      callback_id: input.view.callbackId,
      private_metadata: "",
      state: { values: {} },
      hash: "h1",
      root_view_id: input.view.rootViewId ?? input.view.id,
      team_id: TEAM_ID,
      app_id: "A0DELIGHT",
    },
    actions: [action],
  };
}

describe("App Home → Settings: customer signals and connections", () => {
  let t: TestApp;
  const clock = new TestClock(START);
  const logged: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({
      clock,
      admins: [ADMIN],
      env: { PUBLIC_URL },
      users: [
        { id: ADMIN, name: "Ada" },
        { id: STAFF, name: "Sam" },
        { id: "UFRAN", name: "Fran" },
      ],
    });
  });
  afterAll(() => t.stop());
  beforeEach(() => {
    t.slack.reset();
    clock.set(START);
    // Everything the app logs, to check that no secret is ever in it.
    for (const level of ["log", "debug", "info", "warn", "error"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logged.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
      });
    }
  });
  afterEach(() => vi.restoreAllMocks());

  /** Clicks Settings on Home; returns the form Slack was asked to open. */
  async function openSettings(userId = ADMIN): Promise<View> {
    const before = t.slack.callsTo("views.open").length;
    const response = await t.sender.interaction(
      buttonClick({ userId, actionId: HOME_OPEN_SETTINGS_ACTION, value: "", homeViewId: "VHOME" }),
    );
    expect(response.status).toBe(200);
    const call = await t.slack.waitFor(() => t.slack.callsTo("views.open")[before]);
    return call.args.view as View;
  }

  const inputOf = (view: View, blockId: string) =>
    view.blocks.find((b) => b.block_id === blockId) as { element: Record<string, unknown> } | undefined;

  async function submit(
    callbackId: string,
    values: Record<string, Record<string, unknown>>,
    options: { userId?: string; blocks?: unknown[]; viewId?: string; actionId?: string } = {},
  ): Promise<Answer> {
    const response = await t.sender.interaction(
      viewSubmission({
        userId: options.userId ?? ADMIN,
        callbackId,
        values,
        actionId: options.actionId ?? "value",
        ...(options.blocks ? { blocks: options.blocks } : {}),
        ...(options.viewId ? { viewId: options.viewId } : {}),
        submit: "Save",
      }),
    );
    expect(response.status).toBe(200);
    return (response.body.trim() ? JSON.parse(response.body) : {}) as Answer;
  }

  const typed = (value: string) => ({ type: "plain_text_input", value });

  /** The connect modal's submission: the source select (its own action id) and the secret. */
  async function submitConnect(
    source: string,
    secret?: string,
    options: { userId?: string; viewId?: string; rootViewId?: string } = {},
  ) {
    const payload = viewSubmission({
      userId: options.userId ?? ADMIN,
      callbackId: CONNECT_CALLBACK,
      values: {},
      ...(options.viewId ? { viewId: options.viewId } : {}),
      submit: "Connect",
    });
    const view = payload.view as { id: string; state: { values: Record<string, unknown> } } & Record<string, unknown>;
    // Pushed on the Settings form: Slack names the stack's first view.
    view.root_view_id = options.rootViewId ?? view.id;
    if (options.rootViewId) view.previous_view_id = options.rootViewId;
    view.state.values = {
      [CONNECT_FIELD.source]: {
        [CONNECT_SOURCE_ACTION]: { type: "static_select", selected_option: { value: source } },
      },
      ...(secret !== undefined ? { [CONNECT_FIELD.secret]: { value: typed(secret) } } : {}),
    };
    const response = await t.sender.interaction(payload);
    expect(response.status).toBe(200);
    return (response.body.trim() ? JSON.parse(response.body) : {}) as Answer;
  }

  async function command(text: string, userId = ADMIN) {
    const response = await t.sender.command("/delight-admin", text, userId);
    expect(response.status).toBe(200);
    return (JSON.parse(response.body || "{}") as { text?: string }).text ?? "";
  }

  async function postHook(path: string, raw: string, headers: Record<string, string>) {
    const response = await fetch(`${t.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: raw,
    });
    return response.status;
  }

  function genericHook(url: string, secret: string, eventId: string) {
    const raw = JSON.stringify({
      type: "feedback",
      occurred_at: clock.now().toISOString(),
      customer: { name: "Acme Corp" },
      score: { kind: "nps", value: 8 },
    });
    const path = new URL(url).pathname;
    return postHook(path, raw, signStandardWebhook(secret, eventId, Math.floor(clock.now().getTime() / 1000), raw));
  }

  it("shows the signal rules and connections in the form, with today's values", async () => {
    const form = await openSettings();
    expect(inputOf(form, SIGNAL_FIELD.detractorCsat)?.element.initial_value).toBe("2");
    expect(inputOf(form, SIGNAL_FIELD.praiseNps)?.element.initial_value).toBe("9");
    expect(inputOf(form, SIGNAL_FIELD.nudgesPerDay)?.element.initial_value).toBe("3");
    expect(inputOf(form, SIGNAL_FIELD.owner)?.element.type).toBe("users_select");
    expect(JSON.stringify(form)).toContain(SETTINGS_CONNECT_ACTION);
    expect(t.slack.workspace.problems).toEqual([]);
  });

  it("saves thresholds and the signals owner from Settings, which the command then shows, audited", async () => {
    const form = await openSettings();
    const answer = await submit(
      SETTINGS_CALLBACK,
      {
        [SIGNAL_FIELD.owner]: { type: "users_select", selected_user: "UFRAN" },
        [SIGNAL_FIELD.detractorCsat]: typed("3"),
        [SIGNAL_FIELD.detractorNps]: typed("6"),
        [SIGNAL_FIELD.praiseCsat]: typed("4"),
        [SIGNAL_FIELD.praiseNps]: typed("9"),
        [SIGNAL_FIELD.nudgesPerDay]: typed("5"),
      },
      { blocks: form.blocks },
    );
    expect(answer.response_action).toBeUndefined();
    expect(await signalThresholds(t.database.prisma, TEAM_ID)).toMatchObject({ detractorCsat: 3, nudgesPerDay: 5 });
    expect(await signalsOwner(t.database.prisma, TEAM_ID)).toBe("UFRAN");
    const shown = await command("signals");
    expect(shown).toContain("CSAT ≤ 3 of 5");
    expect(shown).toContain("at most 5 per person per day");
    expect(shown).toContain("<@UFRAN>");
    const audit = await t.database.prisma.auditEntry.findMany({
      where: { actorId: ADMIN, action: { startsWith: "signals." } },
    });
    expect(audit.map((a) => a.action).sort()).toEqual(["signals.owner", "signals.thresholds"]);
    expect(audit.find((a) => a.action === "signals.thresholds")?.after).toEqual({ detractorCsat: 3, nudgesPerDay: 5 });
  });

  it("shows in Settings what the command set", async () => {
    expect(await command("signals praise nps 10")).toContain("An NPS of 10 or more is now praise");
    const form = await openSettings();
    expect(inputOf(form, SIGNAL_FIELD.praiseNps)?.element.initial_value).toBe("10");
    expect(inputOf(form, SIGNAL_FIELD.owner)?.element.initial_user).toBe("UFRAN");
  });

  it("keeps the form open with each bad threshold's error, quoting what was typed, and saves nothing", async () => {
    const form = await openSettings();
    const before = await signalThresholds(t.database.prisma, TEAM_ID);
    const answer = await submit(
      SETTINGS_CALLBACK,
      {
        [SIGNAL_FIELD.detractorCsat]: typed("lots"),
        [SIGNAL_FIELD.detractorNps]: typed("12"),
        [SIGNAL_FIELD.nudgesPerDay]: typed("2"),
      },
      { blocks: form.blocks },
    );
    expect(answer.response_action).toBe("errors");
    const errors = answer.errors ?? {};
    expect(Object.keys(errors).sort()).toEqual([SIGNAL_FIELD.detractorCsat, SIGNAL_FIELD.detractorNps].sort());
    // The command's own message (thresholds.ts), with what was typed.
    expect(errors[SIGNAL_FIELD.detractorCsat]).toContain("A CSAT threshold is a whole number of stars from 1 to 5");
    expect(errors[SIGNAL_FIELD.detractorCsat]).toContain("You typed “lots”");
    expect(errors[SIGNAL_FIELD.detractorNps]).toContain("12 is out of range");
    expect(await command("signals detractor nps 12")).toContain("12 is out of range");
    expect(viewErrorsProblems(form, errors)).toEqual([]);

    // A detractor at or above praise: refused under the field, like the command.
    const conflict = await submit(
      SETTINGS_CALLBACK,
      { [SIGNAL_FIELD.detractorCsat]: typed("4") },
      { blocks: form.blocks },
    );
    expect(conflict.errors?.[SIGNAL_FIELD.detractorCsat]).toContain("must stay below praise");
    expect(await signalThresholds(t.database.prisma, TEAM_ID)).toEqual(before);
  });

  it("refuses a non-admin's forged submission, connect and disconnect, and changes nothing", async () => {
    const before = await signalThresholds(t.database.prisma, TEAM_ID);
    const answer = await submit(
      SETTINGS_CALLBACK,
      { [SIGNAL_FIELD.nudgesPerDay]: typed("0"), [SIGNAL_FIELD.owner]: { selected_user: STAFF } },
      { userId: STAFF },
    );
    expect(answer.response_action).toBe("errors");
    expect(Object.values(answer.errors ?? {}).join()).toContain("Only Slack workspace admins");
    expect(await signalThresholds(t.database.prisma, TEAM_ID)).toEqual(before);
    expect(await signalsOwner(t.database.prisma, TEAM_ID)).toBe("UFRAN");

    const connections = await t.database.prisma.signalConnection.count();
    const connect = await submitConnect("generic", undefined, { userId: STAFF });
    expect(connect.response_action).toBe("errors");
    expect(connect.errors?.[CONNECT_FIELD.source]).toContain("Only Slack workspace admins");
    expect(await t.database.prisma.signalConnection.count()).toBe(connections);

    // The Connect button: a notice, not the form.
    await t.sender.interaction(
      modalAction({
        userId: STAFF,
        actionId: SETTINGS_CONNECT_ACTION,
        view: { id: "VSET1", callbackId: SETTINGS_CALLBACK },
      }),
    );
    const pushed = await t.slack.waitFor(() => t.slack.callsTo("views.push")[0]);
    expect(JSON.stringify(pushed.args.view)).toContain("Only Slack workspace admins");

    expect(await command("connect zendesk zd-admin-secret-1")).toContain("Connected Zendesk");
    const victim = await t.database.prisma.signalConnection.findFirstOrThrow({ where: { source: "zendesk" } });
    await t.sender.interaction(
      modalAction({
        userId: STAFF,
        actionId: SETTINGS_DISCONNECT_ACTION,
        value: victim.id,
        view: { id: "VSET1", callbackId: SETTINGS_CALLBACK },
      }),
    );
    await t.slack.waitFor(() => t.slack.callsTo("views.push")[1]);
    const still = await t.database.prisma.signalConnection.findUniqueOrThrow({ where: { id: victim.id } });
    expect(still.disconnectedAt).toBeNull();
    expect(await t.database.prisma.auditEntry.count({ where: { actorId: STAFF } })).toBe(0);
  });

  it("connects a source from Settings: the URL and the generated secret shown once, and webhooks to it are accepted", async () => {
    // Connect a source → the modal, pushed on the form.
    await t.sender.interaction(
      modalAction({
        userId: ADMIN,
        actionId: SETTINGS_CONNECT_ACTION,
        view: { id: "VSET2", callbackId: SETTINGS_CALLBACK },
      }),
    );
    const pushed = await t.slack.waitFor(() => t.slack.callsTo("views.push")[0]);
    const modal = pushed.args.view as View;
    expect(modal.callback_id).toBe(CONNECT_CALLBACK);
    // The form under it, refreshed after Connect.
    expect(modal.private_metadata).toBe("VSET2");
    expect(modal.blocks.find((b) => b.block_id === CONNECT_FIELD.source)?.dispatch_action).toBe(true);
    expect(JSON.stringify(modal)).not.toContain(CONNECT_FIELD.secret);

    // Picking Zendesk shows the secret field; picking generic does not.
    await t.sender.interaction(
      modalAction({
        userId: ADMIN,
        actionId: CONNECT_SOURCE_ACTION,
        blockId: CONNECT_FIELD.source,
        selectedOption: "zendesk",
        view: { id: "VCONNECT1", rootViewId: "VSET2", callbackId: CONNECT_CALLBACK },
      }),
    );
    const updated = await t.slack.waitFor(() => t.slack.callsTo("views.update")[0]);
    expect(updated.args.view_id).toBe("VCONNECT1");
    expect(updated.args.hash).toBe("h1");
    expect(JSON.stringify(updated.args.view)).toContain(CONNECT_FIELD.secret);

    const answer = await submitConnect("generic", undefined, { viewId: "VCONNECT2", rootViewId: "VSET2" });
    expect(answer.response_action).toBe("update");
    const result = JSON.stringify(answer.view);
    const [, url] = /`(https:\/\/delight\.example\.com\/hooks\/generic\/[A-Za-z0-9_-]+)`/.exec(result) ?? [];
    const [, secret] = /`(whsec_[A-Za-z0-9+/=]+)`/.exec(result) ?? [];
    expect(url && secret).toBeTruthy();
    expect(result).toContain("shown this once");
    expect(answer.view?.submit).toBeUndefined();

    // Stored encrypted, audited without it, never logged, not in the refreshed form.
    const id = new URL(url ?? "").pathname.split("/").pop() ?? "";
    const dump = JSON.stringify(await t.database.prisma.$queryRawUnsafe(`SELECT * FROM "SignalConnection"`));
    expect(dump).not.toContain(secret);
    expect(dump).not.toContain((secret ?? "").slice("whsec_".length));
    const audit = await t.database.prisma.auditEntry.findFirstOrThrow({
      where: { action: "signals.connect", target: id },
    });
    expect(JSON.stringify(audit)).not.toContain(secret);
    const refreshed = await t.slack.waitFor(() =>
      t.slack.callsTo("views.update").find((c) => c.args.view_id === "VSET2"),
    );
    expect(JSON.stringify(refreshed.args.view)).toContain(id);
    expect(JSON.stringify(refreshed.args.view)).not.toContain(secret);
    expect(logged.join("\n")).not.toContain(secret);
    expect(t.slack.workspace.problems).toEqual([]);

    expect(await genericHook(url ?? "", secret ?? "", "msg_settings_1")).toBe(200);
    expect(await genericHook(url ?? "", "whsec_" + Buffer.alloc(24, 7).toString("base64"), "msg_settings_2")).toBe(401);
  });

  it("asks for a pasted secret under its field, and never shows it back", async () => {
    // Without the secret field (the choice's update never came): the form shows it.
    const withoutField = await submitConnect("zendesk");
    expect(withoutField.response_action).toBe("update");
    expect(JSON.stringify(withoutField.view)).toContain(CONNECT_FIELD.secret);
    const missing = await submitConnect("zendesk", "");
    expect(missing.response_action).toBe("errors");
    expect(missing.errors?.[CONNECT_FIELD.secret]).toContain("Paste the webhook's signing secret");

    const answer = await submitConnect("zendesk", "zd-settings-secret-9");
    expect(answer.response_action).toBe("update");
    const result = JSON.stringify(answer.view);
    expect(result).toContain("Set it up in Zendesk");
    expect(result).not.toContain("zd-settings-secret-9");
    const [, path] = /`https:\/\/delight\.example\.com(\/hooks\/zendesk\/[A-Za-z0-9_-]+)`/.exec(result) ?? [];
    const raw = JSON.stringify({ ticket_id: 42, rating: "Offered", customer: "Acme Corp" });
    const timestamp = clock
      .now()
      .toISOString()
      .replace(/\.\d{3}Z$/, "Z");
    const status = await postHook(path ?? "", raw, signZendesk("zd-settings-secret-9", timestamp, raw));
    expect(status).not.toBe(401);
    expect(logged.join("\n")).not.toContain("zd-settings-secret-9");
  });

  it("creates one connection when the same form is submitted twice at once", async () => {
    const before = await t.database.prisma.signalConnection.count();
    const [first, second] = await Promise.all([
      submitConnect("generic", undefined, { viewId: "VDOUBLE" }),
      submitConnect("generic", undefined, { viewId: "VDOUBLE" }),
    ]);
    expect(await t.database.prisma.signalConnection.count()).toBe(before + 1);
    expect(await t.database.prisma.signalConnection.count({ where: { sourceViewId: "VDOUBLE" } })).toBe(1);
    // Both answers show the same connection (whichever Slack shows, the admin sees its URL).
    const idOf = (a: Answer) => /\/hooks\/generic\/([A-Za-z0-9_-]+)`/.exec(JSON.stringify(a.view))?.[1];
    expect(idOf(first)).toBeTruthy();
    expect(idOf(second)).toBe(idOf(first));
    expect(
      await t.database.prisma.auditEntry.count({ where: { action: "signals.connect", target: idOf(first) } }),
    ).toBe(1);
  });

  it("disconnects from Settings after Slack's confirm: the form refreshes and webhooks get 410", async () => {
    const answer = await submitConnect("generic", undefined, { viewId: "VCONNECT3" });
    const result = JSON.stringify(answer.view);
    const [, url] = /`(https:\/\/delight\.example\.com\/hooks\/generic\/[A-Za-z0-9_-]+)`/.exec(result) ?? [];
    const [, secret] = /`(whsec_[A-Za-z0-9+/=]+)`/.exec(result) ?? [];
    const id = new URL(url ?? "").pathname.split("/").pop() ?? "";

    const form = await openSettings();
    const row = JSON.stringify(form.blocks.find((b) => JSON.stringify(b).includes(id)));
    expect(row).toContain(SETTINGS_DISCONNECT_ACTION);
    expect(row).toContain('"confirm"');

    t.slack.reset();
    await t.sender.interaction(
      modalAction({
        userId: ADMIN,
        actionId: SETTINGS_DISCONNECT_ACTION,
        value: id,
        view: { id: "VSET3", callbackId: SETTINGS_CALLBACK },
      }),
    );
    const refreshed = await t.slack.waitFor(() =>
      t.slack.callsTo("views.update").find((c) => c.args.view_id === "VSET3"),
    );
    expect(JSON.stringify(refreshed.args.view)).not.toContain(`\`${id}\``);
    const stored = await t.database.prisma.signalConnection.findUniqueOrThrow({ where: { id } });
    expect(stored.disconnectedAt).not.toBeNull();
    expect(await t.database.prisma.auditEntry.count({ where: { action: "signals.disconnect", target: id } })).toBe(1);

    clock.advance(CONNECTION_CACHE_MS + 1);
    expect(await genericHook(url ?? "", secret ?? "", "msg_after_disconnect")).toBe(410);
    expect(await command("connections")).toContain("disconnected");
  });
});
