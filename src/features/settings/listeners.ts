// App Home → Settings: the admin's form for everything `/delight-admin` sets. Only admins see
// its button, and the server checks again on every click and submission: a forged request
// from anyone else changes nothing. The form is checked with the commands' own rules; a
// channel Delight cannot post in is flagged under its select as soon as it is picked, and
// refused there on Save, with how to fix it. Saved changes
// are audited like the commands', then the admin's Home is published again saying what changed.
import type { BlockAction, BlockButtonAction, ConversationsSelectAction, webApi } from "@slack/bolt";
import type { AppDeps } from "../../deps.ts";
import type { SlackRouter } from "../../slack/router.ts";
import { channelMembership, needsInvite, type ChannelMembership } from "../../slack/channels.ts";
import { withinTime } from "../../slack/within-time.ts";
import { isHashConflict } from "../../slack/hash-conflict.ts";
import { JOIN_CHANNEL_JOB, postWaitingNominations, PRE_ACK_LOOKUP_MS } from "../admin/channel-setup.ts";
import { remindersBeyondSla } from "../admin/blocks.ts";
import { getSettings, rememberAdminContact, type WorkspaceRef } from "../admin/settings.ts";
import { APPS_CANNOT_APPROVE } from "../admin/validate.ts";
import { noticeModal } from "../nominations/blocks.ts";
import { enqueueHomePublish } from "../home/publish.ts";
import {
  CHANNEL_PICKED_ACTION,
  FIELD,
  HOME_OPEN_SETTINGS_ACTION,
  SETTINGS_CALLBACK,
  settingsModal,
  withChannelHint,
} from "./blocks.ts";
import { CHANNEL_FIELD, hasChanges, readSettingsForm } from "./form.ts";
import { loadSignalSettings, saveSettings } from "./service.ts";
import { checkAdmin, COULD_NOT_CHECK_PLAIN, ONLY_ADMINS_PLAIN, timezoneOf } from "./access.ts";
import { signalsFormBlocks } from "./signals-blocks.ts";
import { registerSignalSettings } from "./signals-listeners.ts";

/** Under a channel select: the command's invite hint (slack/channels.ts), as plain text for a field. */
const INVITE_FIRST =
  "Delight can't see this channel yet, so it can't post there: type /invite @Delight in the channel, then press Save again.";

/** Under a channel select as soon as it is picked (issue 20): what Save would say, before Save. */
function channelHint(membership: ChannelMembership | undefined, channelId: string): string | null {
  if (needsInvite(membership)) {
    return `:warning: Delight isn't in <#${channelId}>, so it can't post there: type \`/invite @Delight\` in that channel, then press Save.`;
  }
  if (membership === "public")
    return `:information_source: Delight joins <#${channelId}> by itself when you press Save.`;
  return null;
}

export function registerSettingsFeature(router: SlackRouter, deps: AppDeps): void {
  router.action<BlockButtonAction>(HOME_OPEN_SETTINGS_ACTION, async ({ ack, body, client }) => {
    await ack();
    const workspace: WorkspaceRef = {
      teamId: body.team?.id ?? body.user.team_id ?? "",
      enterpriseId: body.enterprise?.id ?? null,
    };
    // views.open must come within 3 seconds of the click: the look-ups run side by side.
    const [admin, settings, adminTimezone, signals] = await Promise.all([
      checkAdmin(deps, workspace.teamId, body.user.id),
      getSettings(deps.prisma, workspace),
      timezoneOf(deps, body.user.id),
      loadSignalSettings(deps, workspace.teamId),
    ]);
    if (admin !== "admin") {
      const text = admin === "not-admin" ? `:lock: ${ONLY_ADMINS_PLAIN}` : `:hourglass: ${COULD_NOT_CHECK_PLAIN}`;
      await client.views.open({ trigger_id: body.trigger_id, view: noticeModal("Delight settings", text) });
      return;
    }
    const more = signalsFormBlocks(signals, deps.config.publicUrl);
    await client.views.open({ trigger_id: body.trigger_id, view: settingsModal(settings, { adminTimezone, more }) });
  });

  router.view(SETTINGS_CALLBACK, async ({ ack, body, view, context }) => {
    const adminId = body.user.id;
    const workspace: WorkspaceRef = {
      teamId: context.teamId ?? body.team?.id ?? body.user.team_id ?? "",
      enterpriseId: body.enterprise?.id ?? null,
    };
    // Slack gives 3 seconds for the whole answer: the look-ups run side by side, in two rounds
    // of at most PRE_ACK_LOOKUP_MS (the admin's profile is one users.info, cached, for both).
    const [admin, current, adminTimezone, signals] = await Promise.all([
      checkAdmin(deps, workspace.teamId, adminId),
      getSettings(deps.prisma, workspace),
      timezoneOf(deps, adminId),
      loadSignalSettings(deps, workspace.teamId),
    ]);
    if (admin !== "admin") {
      // Under the form's first field: the form stays open with everything chosen.
      const message = admin === "not-admin" ? ONLY_ADMINS_PLAIN : COULD_NOT_CHECK_PLAIN;
      await ack({ response_action: "errors", errors: { [FIELD.approvals]: message } });
      return;
    }
    const { changes, errors } = readSettingsForm(view.state.values, current, adminTimezone, signals);
    const client = router.clientFor(workspace.teamId);

    // Delight must be able to post in every channel it is given: asked of Slack before saving.
    const named: Array<{ blockId: string; channelId: string }> = [
      ...changes.channels.flatMap((c) =>
        c.channelId ? [{ blockId: CHANNEL_FIELD[c.role], channelId: c.channelId }] : [],
      ),
      ...(changes.digestAdded ? [{ blockId: FIELD.digestChannel, channelId: changes.digestAdded.channelId }] : []),
    ];
    const memberships = new Map<string, ChannelMembership | undefined>();
    const [profiles] = await Promise.all([
      // Apps can't be managers (the command skips them; a form says so under the field).
      Promise.all(
        changes.managersAdded.map((id) =>
          withinTime(
            deps.users.profile(id).catch(() => undefined),
            PRE_ACK_LOOKUP_MS,
          ),
        ),
      ),
      ...[...new Set(named.map((n) => n.channelId))].map(async (channelId) => {
        const membership = await withinTime(channelMembership(client, channelId), PRE_ACK_LOOKUP_MS);
        memberships.set(channelId, typeof membership === "string" ? membership : undefined);
      }),
    ]);
    const apps = profiles.flatMap((p) => (typeof p === "object" && p?.isBot ? [p.name ?? p.id] : []));
    if (apps.length > 0) errors[FIELD.managers] = `Remove ${apps.join(", ")}: ${APPS_CANNOT_APPROVE}.`;
    for (const { blockId, channelId } of named) {
      if (needsInvite(memberships.get(channelId))) errors[blockId] ??= INVITE_FIRST;
    }
    if (Object.keys(errors).length > 0) {
      await ack({ response_action: "errors", errors });
      return;
    }

    if (!hasChanges(changes)) {
      await ack();
      await enqueueHomePublish(
        deps,
        workspace.teamId,
        adminId,
        ":white_check_mark: Settings saved: nothing had changed.",
      );
      return;
    }
    await rememberAdminContact(deps.prisma, workspace, adminId);
    const said = await saveSettings(deps, workspace, adminId, changes);
    // Public channels Delight is not in yet: joined by a job (a failure is told by DM).
    for (const channelId of new Set(named.map((n) => n.channelId))) {
      if (memberships.get(channelId) === "member") continue;
      await deps.jobs.enqueue(
        JOIN_CHANNEL_JOB,
        { teamId: workspace.teamId, channelId, userId: adminId },
        { teamId: workspace.teamId },
      );
    }
    if (changes.channels.some((c) => c.role === "approvals" && c.channelId)) {
      const waiting = await postWaitingNominations(deps, workspace.teamId);
      if (waiting) said.push(waiting);
    }
    const reminders = changes.reminderOffsetsMinutes ?? current.reminderOffsetsMinutes;
    const warning = remindersBeyondSla(reminders, changes.slaMinutes ?? current.slaMinutes);
    if (warning && (changes.reminderOffsetsMinutes || changes.slaMinutes)) said.push(warning);
    await ack();
    await enqueueHomePublish(
      deps,
      workspace.teamId,
      adminId,
      `:white_check_mark: *Settings saved.*\n${said.map((line) => `• ${line}`).join("\n")}`,
    );
  });
  // A channel picked in the form: whether Delight can post there, told under the select at once.
  // Slack sends block_actions for a select in an input block only with `dispatch_action: true`
  // on the block (docs.slack.dev/reference/interaction-payloads/block_actions-payload).
  router.action<BlockAction<ConversationsSelectAction>>(CHANNEL_PICKED_ACTION, async ({ ack, body, action }) => {
    await ack();
    const view = body.view;
    if (!view || view.callback_id !== SETTINGS_CALLBACK) return;
    const teamId = body.team?.id ?? body.user.team_id ?? "";
    if ((await checkAdmin(deps, teamId, body.user.id)) !== "admin") return;
    const client = router.clientFor(teamId);
    const channelId = action.selected_conversation;
    const membership = channelId
      ? await withinTime(channelMembership(client, channelId), PRE_ACK_LOOKUP_MS)
      : undefined;
    const text = channelId ? channelHint(typeof membership === "string" ? membership : undefined, channelId) : null;
    const blocks = withChannelHint(view.blocks as webApi.KnownBlock[], action.block_id, text);
    // The hash makes Slack refuse the update if the form changed meanwhile (another pick, or a
    // Save answered with errors): that pick's own update brings its line, and errors stay shown.
    await client.views
      .update({
        view_id: view.id,
        hash: view.hash,
        view: {
          type: "modal",
          callback_id: SETTINGS_CALLBACK,
          title: view.title,
          ...(view.submit ? { submit: view.submit } : {}),
          ...(view.close ? { close: view.close } : {}),
          private_metadata: view.private_metadata,
          blocks,
        },
      })
      .catch((error: unknown) => {
        // The form changed meanwhile (another pick, or Save answered with errors the admin is
        // reading): that view stays; the errors already say what the hint would have.
        if (isHashConflict(error)) return deps.logger.debug("Channel hint skipped: the form changed meanwhile");
        deps.logger.warn("Could not show the channel hint", error instanceof Error ? error.message : String(error));
      });
  });
  registerSignalSettings(router, deps);
}
