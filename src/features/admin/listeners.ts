// /delight-admin: workspace settings, for Slack admins/owners and DELIGHT_ADMINS only.
import type { App } from "@slack/bolt";
import type { AppDeps } from "../../deps.ts";
import { ensureAppInChannel } from "../../slack/channels.ts";
import { enqueueDigestList, enqueueDigestSend, nextDigestNotice } from "../digest/listeners.ts";
import { countWaitingCards, postWaitingCards } from "../nominations/service.ts";
import { replyEphemeral } from "../../slack/replies.ts";
import { quoteInput } from "../../slack/text.ts";
import { ADMIN_HELP, formatDigestSchedule, formatDuration, formatMoney, renderSettings } from "./blocks.ts";
import { isValidTimezone, parseAdminCommand } from "./parse.ts";
import {
  addManagers,
  getSettings,
  removeDigestSchedule,
  removeManagers,
  setBudget,
  setChannel,
  setReminderOffsets,
  setSla,
  upsertDigestSchedule,
  type WorkspaceRef,
} from "./settings.ts";

export const ONLY_ADMINS =
  ":lock: Only Slack workspace admins and owners (or people listed in DELIGHT_ADMINS) can change Delight's settings. Nothing was changed; ask one of them if something needs adjusting.";

/**
 * A reminder due earlier before the deadline than the whole SLA would fall before the case
 * was opened, so it is never sent: the admin is told, rather than left expecting it.
 */
export function remindersBeyondSla(offsetsMinutes: number[], slaMinutes: number): string | null {
  const never = offsetsMinutes.filter((minutes) => minutes >= slaMinutes);
  if (never.length === 0) return null;
  const all = never.length === offsetsMinutes.length;
  return `:warning: New recoveries are due ${formatDuration(slaMinutes)} after they are reported, so a reminder ${never.map((m) => formatDuration(m)).join(", ")} before the deadline would come before the case exists and is never sent${all ? ": owners get no reminder at all" : ""}. Use shorter times, or a longer SLA with \`/delight-admin sla …\`.`;
}

export function registerAdminFeature(app: App, deps: AppDeps): void {
  app.command("/delight-admin", async ({ ack, command, respond, client }) => {
    await ack();
    const workspace: WorkspaceRef = { teamId: command.team_id, enterpriseId: command.enterprise_id ?? null };
    if (!(await deps.roles.isAdmin(workspace.teamId, command.user_id))) {
      await replyEphemeral(respond, ONLY_ADMINS);
      return;
    }

    const parsed = parseAdminCommand(command.text);
    if (!parsed.ok) {
      await replyEphemeral(
        respond,
        `${parsed.problem}\nYou typed:\n${quoteInput(`/delight-admin ${command.text}`)}\n\n${ADMIN_HELP}`,
      );
      return;
    }

    const admin = command.user_id;
    const cmd = parsed.command;
    const notices: string[] = [];
    // Work to do once the admin has their answer (it can take a while).
    let afterReply: (() => Promise<unknown>) | undefined;
    switch (cmd.kind) {
      case "help":
        await replyEphemeral(respond, ADMIN_HELP);
        return;
      case "show":
        break;
      case "managers": {
        const people = await Promise.all(cmd.userIds.map((id) => deps.users.profile(id)));
        const bots = people.filter((p) => p.isBot).map((p) => p.id);
        const humans = cmd.userIds.filter((id) => !bots.includes(id));
        if (cmd.op === "add") {
          if (humans.length > 0) await addManagers(deps.prisma, workspace, humans, admin);
          notices.push(
            `:white_check_mark: Added ${humans.map((id) => `<@${id}>`).join(", ") || "nobody"} as managers.`,
          );
          if (bots.length > 0)
            notices.push(`Skipped ${bots.map((id) => `<@${id}>`).join(", ")}: apps can't approve recognition.`);
        } else {
          await removeManagers(deps.prisma, workspace, cmd.userIds);
          notices.push(
            `:white_check_mark: ${cmd.userIds.map((id) => `<@${id}>`).join(", ")} no longer manage approvals.`,
          );
        }
        break;
      }
      case "channel": {
        await setChannel(deps.prisma, workspace, cmd.role, cmd.channelId);
        notices.push(
          cmd.role === "approvals"
            ? `:white_check_mark: Nominations now go to <#${cmd.channelId}> for approval.`
            : `:white_check_mark: Approved stories are now shared in <#${cmd.channelId}>.`,
        );
        const warning = await ensureAppInChannel(client, cmd.channelId);
        if (warning) notices.push(warning);
        if (cmd.role === "approvals") {
          // Nominations made while no approvals channel was set wait, pending, for this.
          const waiting = await countWaitingCards(deps, workspace);
          if (waiting > 0) {
            notices.push(
              `:inbox_tray: Posting ${waiting} waiting ${waiting === 1 ? "nomination" : "nominations"} there for approval now.`,
            );
            afterReply = () => postWaitingCards(deps, client, workspace);
          }
        }
        break;
      }
      case "digest-add": {
        const adminTimezone = (await deps.users.profile(admin)).timezone;
        const timezone = cmd.timezone ?? (adminTimezone && isValidTimezone(adminTimezone) ? adminTimezone : "UTC");
        const schedule = {
          channelId: cmd.channelId,
          weekday: cmd.weekday,
          hour: cmd.hour,
          minute: cmd.minute,
          timezone,
        };
        await upsertDigestSchedule(deps.prisma, workspace, schedule, admin, deps.clock.now());
        notices.push(
          `:white_check_mark: Weekly digest: ${formatDigestSchedule(schedule)}. ${nextDigestNotice(schedule, deps.clock.now())}`,
        );
        const warning = await ensureAppInChannel(client, cmd.channelId);
        if (warning) notices.push(warning);
        break;
      }
      case "digest-remove": {
        const removed = await removeDigestSchedule(deps.prisma, workspace, cmd.channelId);
        notices.push(
          removed
            ? `:white_check_mark: <#${cmd.channelId}> no longer gets a weekly digest.`
            : `<#${cmd.channelId}> had no weekly digest, so nothing changed.`,
        );
        break;
      }
      case "digest-list":
        await enqueueDigestList(deps, command);
        return;
      case "digest-send":
        await enqueueDigestSend(deps, command, cmd.channelId);
        return;
      case "sla":
        await setSla(deps.prisma, workspace, cmd.minutes);
        notices.push(
          `:white_check_mark: New recoveries are now due ${formatDuration(cmd.minutes)} after they are reported. Open cases keep their deadline.`,
        );
        break;
      case "reminders": {
        await setReminderOffsets(deps.prisma, workspace, cmd.offsetsMinutes);
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
        await setBudget(
          deps.prisma,
          workspace,
          cmd.cents === null || cmd.currency === null ? null : { cents: cmd.cents, currency: cmd.currency },
        );
        notices.push(
          cmd.cents === null || cmd.currency === null
            ? ":white_check_mark: Surprise ideas no longer have a budget cap."
            : `:white_check_mark: Surprise ideas now stay within ${formatMoney(cmd.cents, cmd.currency)} per gesture.`,
        );
        break;
    }
    const settings = await getSettings(deps.prisma, workspace);
    await replyEphemeral(respond, renderSettings(settings, notices.join("\n") || undefined));
    if (afterReply) await afterReply();
  });
}
