// /delight-admin: workspace settings, for Slack admins/owners and DELIGHT_ADMINS only.
// Settings are database writes done before the ack, and the ack carries the new settings;
// Slack follow-ups (joining a channel, posting waiting nominations) are recorded as jobs.
import type { webApi } from "@slack/bolt";
import type { AppDeps } from "../../deps.ts";
import type { SlackRouter } from "../../slack/router.ts";
import { ensureAppInChannel } from "../../slack/channels.ts";
import { enqueueStoryExport } from "../export/listeners.ts";
import { enqueueDigestList, enqueueDigestSend } from "../digest/listeners.ts";
import { nextDigestNotice } from "../digest/schedule.ts";
import { quoteInput } from "../../slack/text.ts";
import { formatCalendarDate } from "../export/parse.ts";
import { withinTime } from "../../slack/within-time.ts";
import {
  JOIN_CHANNEL_JOB,
  joinChannelPayload,
  postWaitingNominations,
  PRE_ACK_LOOKUP_MS,
  prepareChannel,
} from "./channel-setup.ts";
import {
  ADMIN_HELP,
  formatDigestSchedule,
  formatDuration,
  formatMoney,
  renderDeadLetters,
  renderDeliveryLine,
  remindersBeyondSla,
  renderRetried,
  renderSettings,
} from "./blocks.ts";
import {
  deliverySummary,
  listDeadLetters,
  requeueDeadLetters,
  RESEND_WRITE_JOB,
  resendRequeuedWrite,
  resendWritePayload,
} from "./delivery.ts";
import { signalsAdminCommand } from "../signals/admin.ts";
import { customerImportCommand } from "../customers/import-flow.ts";
import { registerAuditJobs } from "../audit/jobs.ts";
import { recordAudit } from "../audit/service.ts";
import { answerAudit, auditActionOf, changeSettingsAudited } from "./audited.ts";
import { registerRefusalNotices } from "./notices.ts";
import { eraseConfirmModal } from "../people/erase-flow.ts";
import { renderRetention } from "../retention/parse.ts";
import { getRetention, setRetention } from "../retention/service.ts";
import { enqueuePersonExport } from "../people/listeners.ts";
import { isValidTimezone, parseAdminCommand } from "./parse.ts";
import {
  addManagers,
  getSettings,
  removeDigestSchedule,
  rememberAdminContact,
  removeManagers,
  setBudget,
  setChannel,
  setReminderOffsets,
  setSla,
  upsertDigestSchedule,
  type WorkspaceRef,
  type WorkspaceSettings,
} from "./settings.ts";

export const ONLY_ADMINS =
  ":lock: Only Slack workspace admins and owners (or people listed in DELIGHT_ADMINS) can change Delight's settings. Nothing was changed; ask one of them if something needs adjusting.";
const COULD_NOT_CHECK_ADMIN =
  ":hourglass: Slack took too long to tell me whether you are a workspace admin, so nothing was changed. Please try again in a moment.";

const DEAD_LETTERS_SHOWN = 20;

export function registerAdminFeature(router: SlackRouter, deps: AppDeps): void {
  deps.jobs.register(JOIN_CHANNEL_JOB, joinChannelPayload, async (job, { key, outbox }) => {
    const warning = await ensureAppInChannel(router.clientFor(job.teamId), job.channelId);
    if (!warning) return;
    // A command hears on its response_url; a change made in App Home → Settings, by DM.
    if (job.responseUrl) await outbox.respond(`${key}:hint`, job.responseUrl, { text: warning });
    else if (job.userId) await outbox.directMessage(`${key}:hint`, job.userId, { text: warning });
  });
  deps.jobs.register(RESEND_WRITE_JOB, resendWritePayload, (payload, { outbox }) =>
    resendRequeuedWrite(deps.prisma, outbox, payload),
  );
  registerRefusalNotices(deps);
  registerAuditJobs(router, deps);

  router.command("/delight-admin", async ({ ack, command, client }) => {
    // Every answer goes in the ack: nothing here waits for a write to Slack.
    const reply = (message: string | { text: string; blocks?: webApi.KnownBlock[] }) =>
      ack({ response_type: "ephemeral", ...(typeof message === "string" ? { text: message } : message) });
    const workspace: WorkspaceRef = { teamId: command.team_id, enterpriseId: command.enterprise_id ?? null };
    const isAdmin = await withinTime(
      deps.roles.isAdmin(workspace.teamId, command.user_id).catch(() => false),
      PRE_ACK_LOOKUP_MS,
    );
    if (isAdmin !== true) {
      await reply(isAdmin === false ? ONLY_ADMINS : COULD_NOT_CHECK_ADMIN);
      return;
    }
    // The admin to tell when Slack refuses Delight's work for good (notices.ts).
    await rememberAdminContact(deps.prisma, workspace, command.user_id);

    // Customer signals' commands (connect, connections, disconnect, signals, import customers) live with their features.
    const importAnswer = await customerImportCommand(client, command);
    if (importAnswer !== null) {
      await reply(importAnswer);
      return;
    }
    const signalsAnswer = await signalsAdminCommand(deps, workspace, command.user_id, command.text);
    if (signalsAnswer !== null) {
      await reply(signalsAnswer);
      return;
    }

    const parsed = parseAdminCommand(command.text);
    if (!parsed.ok) {
      await reply(`${parsed.problem}\nYou typed:\n${quoteInput(`/delight-admin ${command.text}`)}\n\n${ADMIN_HELP}`);
      return;
    }

    const admin = command.user_id;
    const cmd = parsed.command;
    const notices: string[] = [];
    const action = auditActionOf(cmd) ?? cmd.kind;
    /** The settings as the last change left them (read in its transaction): the answer shows them. */
    let changed: WorkspaceSettings | undefined;
    /** A settings change and its audit entry, in one transaction. */
    const change = async (
      write: Parameters<typeof changeSettingsAudited>[3],
      about: { subjectIds?: string[]; target?: string } = {},
    ) => {
      changed = await changeSettingsAudited(deps, workspace, { actorId: admin, action, ...about }, write);
    };
    /** An admin action that is not a settings change (an export, a retry): its entry alone. */
    const audit = (after: Record<string, string | number | null>, target?: string) =>
      recordAudit(deps.prisma, {
        teamId: workspace.teamId,
        actorId: admin,
        action,
        target,
        after,
        at: deps.clock.now(),
      });
    /** Looks a person up within the pre-ack budget; undefined when Slack is too slow. */
    const profileOf = async (userId: string) => {
      const found = await withinTime(
        deps.users.profile(userId).catch(() => undefined),
        PRE_ACK_LOOKUP_MS,
      );
      return typeof found === "object" ? found : undefined;
    };
    /** The app joins a public channel from a job; a private one needs an invite (said now). */
    const joinChannel = async (channelId: string) => {
      // Private, or not visible to the app at all: said at once, in this answer.
      const hint = await prepareChannel(deps, client, workspace.teamId, channelId, {
        responseUrl: command.response_url,
      });
      if (hint) notices.push(hint);
    };
    switch (cmd.kind) {
      case "help":
        await reply(ADMIN_HELP);
        return;
      case "show":
        break;
      case "outbox": {
        if (cmd.retry) {
          const requeued = await requeueDeadLetters(deps.prisma, deps.jobs, workspace.teamId, new Date());
          await audit({ writes: requeued.writes, jobs: requeued.jobs, tooOld: requeued.tooOld });
          await reply(renderRetried(requeued));
          return;
        }
        const dead = await listDeadLetters(deps.prisma, workspace.teamId, DEAD_LETTERS_SHOWN);
        await reply(renderDeadLetters(dead, new Date()));
        return;
      }
      case "managers": {
        const people = await Promise.all(cmd.userIds.map((id) => profileOf(id)));
        // Someone Slack could not look up in time is taken to be a person.
        const bots = people.filter((p) => p?.isBot).map((p) => p?.id ?? "");
        const humans = cmd.userIds.filter((id) => !bots.includes(id));
        if (cmd.op === "add") {
          if (humans.length > 0)
            await change((tx) => addManagers(tx, workspace, humans, admin), { subjectIds: humans });
          notices.push(
            `:white_check_mark: Added ${humans.map((id) => `<@${id}>`).join(", ") || "nobody"} as managers.`,
          );
          if (bots.length > 0)
            notices.push(`Skipped ${bots.map((id) => `<@${id}>`).join(", ")}: apps can't approve recognition.`);
        } else {
          await change((tx) => removeManagers(tx, workspace, cmd.userIds), { subjectIds: cmd.userIds });
          notices.push(
            `:white_check_mark: ${cmd.userIds.map((id) => `<@${id}>`).join(", ")} no longer manage approvals.`,
          );
        }
        break;
      }
      case "channel": {
        await change((tx) => setChannel(tx, workspace, cmd.role, cmd.channelId), { target: cmd.channelId });
        notices.push(
          {
            approvals: `:white_check_mark: Nominations now go to <#${cmd.channelId}> for approval.`,
            stories: `:white_check_mark: Approved stories are now shared in <#${cmd.channelId}>.`,
            dumbrules: `:white_check_mark: New \`/dumbrule\` reports are now posted in <#${cmd.channelId}> for +1s and a manager's decision.`,
          }[cmd.role],
        );
        await joinChannel(cmd.channelId);
        if (cmd.role === "approvals") {
          // Nominations made while no approvals channel was set wait, pending, for this.
          const waiting = await postWaitingNominations(deps, workspace.teamId);
          if (waiting) notices.push(waiting);
        }
        break;
      }
      case "digest-add": {
        const adminTimezone = (await profileOf(admin))?.timezone;
        const timezone = cmd.timezone ?? (adminTimezone && isValidTimezone(adminTimezone) ? adminTimezone : "UTC");
        const schedule = {
          channelId: cmd.channelId,
          weekday: cmd.weekday,
          hour: cmd.hour,
          minute: cmd.minute,
          timezone,
        };
        await change((tx) => upsertDigestSchedule(tx, workspace, schedule, admin, deps.clock.now()), {
          target: cmd.channelId,
        });
        notices.push(
          `:white_check_mark: Weekly digest: ${formatDigestSchedule(schedule)}. ${nextDigestNotice(schedule, deps.clock.now())}`,
        );
        await joinChannel(cmd.channelId);
        break;
      }
      case "digest-remove": {
        let removed = false;
        await change(
          async (tx) => {
            removed = await removeDigestSchedule(tx, workspace, cmd.channelId);
          },
          { target: cmd.channelId },
        );
        notices.push(
          removed
            ? `:white_check_mark: <#${cmd.channelId}> no longer gets a weekly digest.`
            : `<#${cmd.channelId}> had no weekly digest, so nothing changed.`,
        );
        break;
      }
      case "export": {
        const answer = await enqueueStoryExport(deps, command, cmd);
        await audit({
          from: cmd.from ? formatCalendarDate(cmd.from) : null,
          to: cmd.to ? formatCalendarDate(cmd.to) : null,
        });
        await reply(answer);
        return;
      }
      case "audit":
        await reply(await answerAudit(deps, command, cmd.query));
        return;
      case "retention": {
        const request = cmd.request;
        if (request.op === "show") {
          await reply(renderRetention(await getRetention(deps.prisma, workspace.teamId)));
          return;
        }
        await deps.prisma.$transaction(async (tx) => {
          const before = await getRetention(tx, workspace.teamId);
          await setRetention(tx, workspace.teamId, request.kind, request.days);
          await recordAudit(tx, {
            teamId: workspace.teamId,
            actorId: admin,
            action,
            before: { [request.kind]: before[request.kind] },
            after: { [request.kind]: request.days },
            at: deps.clock.now(),
          });
        });
        await reply(
          renderRetention(await getRetention(deps.prisma, workspace.teamId), ":white_check_mark: Retention updated."),
        );
        return;
      }
      case "person": {
        if (cmd.op === "export") {
          const answer = await enqueuePersonExport(deps, command, cmd.userId);
          await recordAudit(deps.prisma, {
            teamId: workspace.teamId,
            actorId: admin,
            action,
            subjectIds: [cmd.userId],
            at: deps.clock.now(),
          });
          await reply(answer);
          return;
        }
        // The form says what will happen; the erasure runs (and is audited) once confirmed.
        await client.views.open({ trigger_id: command.trigger_id, view: eraseConfirmModal(cmd.userId) });
        await reply(`Confirm in the form to erase <@${cmd.userId}> from Delight.`);
        return;
      }
      case "digest-list":
        await enqueueDigestList(deps, command);
        await ack();
        return;
      case "digest-send":
        await enqueueDigestSend(deps, command, cmd.channelId);
        await audit({}, cmd.channelId);
        await ack();
        return;
      case "sla":
        await change((tx) => setSla(tx, workspace, cmd.minutes));
        notices.push(
          `:white_check_mark: New recoveries are now due ${formatDuration(cmd.minutes)} after they are reported. Open cases keep their deadline.`,
        );
        break;
      case "reminders": {
        await change((tx) => setReminderOffsets(tx, workspace, cmd.offsetsMinutes));
        notices.push(
          cmd.offsetsMinutes.length === 0
            ? ":white_check_mark: Owners of new and extended recoveries are reminded at half-time and 2 hours before the deadline."
            : `:white_check_mark: Owners of new and extended recoveries are reminded ${cmd.offsetsMinutes.map((m) => formatDuration(m)).join(", ")} before the deadline.`,
        );
        const { slaMinutes } = await getSettings(deps.prisma, workspace);
        const warning = remindersBeyondSla(cmd.offsetsMinutes, slaMinutes);
        if (warning) notices.push(warning);
        break;
      }
      case "budget":
        await change((tx) =>
          setBudget(
            tx,
            workspace,
            cmd.cents === null || cmd.currency === null ? null : { cents: cmd.cents, currency: cmd.currency },
          ),
        );
        notices.push(
          cmd.cents === null || cmd.currency === null
            ? ":white_check_mark: Surprise ideas no longer have a budget cap."
            : `:white_check_mark: Surprise ideas now stay within ${formatMoney(cmd.cents, cmd.currency)} per gesture.`,
        );
        break;
    }
    const [settings, delivery] = await Promise.all([
      changed ?? getSettings(deps.prisma, workspace),
      deliverySummary(deps.prisma, workspace.teamId),
    ]);
    await reply(renderSettings(settings, notices.join("\n") || undefined, renderDeliveryLine(delivery, new Date())));
  });
}
