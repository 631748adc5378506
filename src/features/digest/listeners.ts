// The digest's job handlers (the scheduled post, `digest send`, the preview, `digest list`)
// and the small entry points the `/delight` and `/delight-admin` listeners call. Listeners
// only enqueue; every write to Slack happens here, through the job's outbox.
import type { SlashCommand } from "@slack/bolt";
import type { AppDeps } from "../../deps.ts";
import type { SlackRouter } from "../../slack/router.ts";
import { mentionChannel } from "../../slack/text.ts";
import { isValidTimezone } from "../admin/parse.ts";
import { renderDigestList } from "./blocks.ts";
import { deliverRun, ensureRun, scheduledSlotKey, skipRun, type DeliveryOutcome } from "./delivery.ts";
import {
  DIGEST_LIST_JOB,
  DIGEST_POST_JOB,
  DIGEST_PREVIEW_JOB,
  DIGEST_SEND_JOB,
  digestListPayload,
  digestPostPayload,
  digestPreviewPayload,
  digestSendPayload,
} from "./model.ts";
import { CATCH_UP_WINDOW_MS, latestSlotAtOrBefore, nextSlotAfter, weekEndingAt } from "./schedule.ts";
import { buildDigest, cachedPreviewIntro } from "./service.ts";
import { enqueueDigestInsights } from "../insights/listeners.ts";
import { tellAdminsOfRefusal } from "../admin/notices.ts";
import { refusalAdvice } from "../../slack/refusals.ts";

/** The channel's schedule timezone, else the person's, else UTC: the zone the period's dates are shown in. */
async function timezoneFor(deps: AppDeps, teamId: string, channelId: string | null, userId: string): Promise<string> {
  if (channelId) {
    const schedule = await deps.prisma.digestSchedule.findUnique({
      where: { teamId_channelId: { teamId, channelId } },
      select: { timezone: true },
    });
    if (schedule) return schedule.timezone;
  }
  const own = (await deps.users.profile(userId).catch(() => null))?.timezone;
  return own && isValidTimezone(own) ? own : "UTC";
}

function sendOutcomeText(outcome: DeliveryOutcome, channelId: string): string {
  switch (outcome.kind) {
    case "posted":
      return `:white_check_mark: Posted the digest in ${mentionChannel(channelId)} (${outcome.storyCount} ${outcome.storyCount === 1 ? "story" : "stories"}).`;
    case "not-in-channel":
      return `I'm not in ${mentionChannel(channelId)} and can't join it myself (it's private). Type \`/invite @Delight\` there, then run \`/delight-admin digest send\` again.`;
    case "failed":
      return `:warning: I couldn't post the digest in ${mentionChannel(channelId)} just now (Slack said: ${outcome.error.replace(/[<>&]/g, "")}). Please try again in a minute.`;
    case "refused":
      return `:warning: Slack refused the digest in ${mentionChannel(channelId)} (\`${outcome.code.replace(/[`<>&]/g, "")}\`). ${refusalAdvice(outcome.code, channelId)}`;
    case "taken":
    case "already-done":
      return `The digest for ${mentionChannel(channelId)} is already being posted.`;
  }
}

export function registerDigestFeature(router: SlackRouter, deps: AppDeps): void {
  const clientFor = (teamId: string) => router.clientFor(teamId);
  const tellAdmins = tellAdminsOfRefusal(deps.jobs, deps.logger);

  deps.jobs.register(DIGEST_POST_JOB, digestPostPayload, async (payload, context) => {
    const schedule = await deps.prisma.digestSchedule.findFirst({
      where: { id: payload.scheduleId, teamId: payload.teamId },
    });
    // Removed (or moved to another channel) since the tick found it: nothing to post.
    if (!schedule || schedule.channelId !== payload.channelId) return;
    const slot = new Date(payload.slot);
    // Changed since the tick found it: that slot is not one of the schedule's any more (the
    // tick finds the right one).
    if (slot < schedule.effectiveFrom || latestSlotAtOrBefore(schedule, slot).getTime() !== slot.getTime()) return;
    const period = weekEndingAt(slot, schedule.timezone);
    const runInput = {
      teamId: schedule.teamId,
      channelId: schedule.channelId,
      slotKey: scheduledSlotKey(slot),
      scheduleId: schedule.id,
      period,
    };
    const now = deps.clock.now();
    if (now.getTime() - slot.getTime() > CATCH_UP_WINDOW_MS) {
      if (await skipRun(deps, runInput, "missed by more than 24 hours", now))
        deps.logger.warn(
          `Skipped the digest for ${schedule.channelId} due ${slot.toISOString()}: more than 24 hours late`,
        );
      return;
    }
    const run = await ensureRun(deps.prisma, runInput, now);
    const outcome = await deliverRun(deps, clientFor(run.teamId), context.outbox, run, {
      timezone: schedule.timezone,
      postKey: `digest:${schedule.id}:${period.start.toISOString()}:post`,
      tellAdmins: [schedule.createdBy, ...deps.config.admins],
      followUp: (tx, posted) => enqueueDigestInsights(deps, { teamId: run.teamId, ...posted, runId: run.id }, tx),
    });
    if (outcome.kind === "posted") {
      deps.logger.debug(`Posted the digest for ${schedule.channelId} (${outcome.storyCount} stories)`);
    }
    if (outcome.kind === "refused") {
      // Once per workspace, refusal and channel (a refused post has told them already).
      await tellAdmins({
        teamId: run.teamId,
        key: context.key,
        code: outcome.code,
        target: run.channelId,
        what: "digest",
      });
    }
  });

  deps.jobs.register(DIGEST_SEND_JOB, digestSendPayload, async (payload, context) => {
    const at = new Date(payload.at);
    const timezone = await timezoneFor(deps, payload.teamId, payload.channelId, payload.userId);
    const run = await ensureRun(
      deps.prisma,
      {
        teamId: payload.teamId,
        channelId: payload.channelId,
        slotKey: `manual:${context.key}`,
        scheduleId: null,
        period: weekEndingAt(at, timezone),
      },
      deps.clock.now(),
    );
    const outcome = await deliverRun(deps, clientFor(run.teamId), context.outbox, run, {
      timezone,
      postKey: `digest:manual:${run.id}:post`,
      followUp: (tx, posted) => enqueueDigestInsights(deps, { teamId: run.teamId, ...posted, runId: run.id }, tx),
    });
    await context.outbox.respond(`${context.key}:reply`, payload.responseUrl, {
      text: sendOutcomeText(outcome, payload.channelId),
    });
  });

  deps.jobs.register(DIGEST_PREVIEW_JOB, digestPreviewPayload, async (payload, context) => {
    const timezone = await timezoneFor(deps, payload.teamId, payload.channelId, payload.userId);
    const { message } = await buildDigest(
      deps,
      clientFor(payload.teamId),
      { teamId: payload.teamId, period: weekEndingAt(new Date(payload.at), timezone), timezone },
      // Anyone may preview, as often as they like: the model is asked at most once an hour.
      { intro: (ask) => cachedPreviewIntro(deps.prisma, payload.teamId, deps.clock.now(), ask) },
    );
    await context.outbox.respond(`${context.key}:reply`, payload.responseUrl, {
      response_type: "ephemeral",
      replace_original: false,
      text: message.text,
      blocks: message.blocks,
    });
  });

  deps.jobs.register(DIGEST_LIST_JOB, digestListPayload, async (payload, context) => {
    const at = new Date(payload.at);
    const schedules = await deps.prisma.digestSchedule.findMany({
      where: { teamId: payload.teamId },
      orderBy: [{ weekday: "asc" }, { hour: "asc" }, { minute: "asc" }],
    });
    const lastPosts = await deps.prisma.digestRun.groupBy({
      by: ["channelId"],
      where: { teamId: payload.teamId, status: "posted" },
      _max: { postedAt: true },
    });
    const lastPosted = new Map(lastPosts.map((r) => [r.channelId, r._max.postedAt]));
    const message = renderDigestList(
      schedules.map((s) => ({
        channelId: s.channelId,
        weekday: s.weekday,
        hour: s.hour,
        minute: s.minute,
        timezone: s.timezone,
        next: nextSlotAfter(s, at),
        lastPostedAt: lastPosted.get(s.channelId) ?? null,
      })),
    );
    await context.outbox.respond(`${context.key}:reply`, payload.responseUrl, {
      text: message.text,
      blocks: message.blocks,
    });
  });
}

type CommandInfo = Pick<SlashCommand, "team_id" | "user_id" | "response_url" | "trigger_id">;

/** `/delight digest preview [#channel]` (anyone): the answer comes from the job. */
export async function enqueueDigestPreview(deps: AppDeps, command: CommandInfo, channelId: string | null) {
  await deps.jobs.enqueue(
    DIGEST_PREVIEW_JOB,
    {
      teamId: command.team_id,
      userId: command.user_id,
      channelId,
      responseUrl: command.response_url,
      at: deps.clock.now().toISOString(),
    },
    { key: `digest-preview:${command.trigger_id}`, teamId: command.team_id },
  );
}

/** `/delight-admin digest send #channel` (admins, checked by the caller). */
export async function enqueueDigestSend(deps: AppDeps, command: CommandInfo, channelId: string) {
  await deps.jobs.enqueue(
    DIGEST_SEND_JOB,
    {
      teamId: command.team_id,
      channelId,
      userId: command.user_id,
      responseUrl: command.response_url,
      at: deps.clock.now().toISOString(),
    },
    { key: `digest-send:${command.trigger_id}`, teamId: command.team_id },
  );
}

/** `/delight-admin digest list` (admins, checked by the caller). */
export async function enqueueDigestList(deps: AppDeps, command: CommandInfo) {
  await deps.jobs.enqueue(
    DIGEST_LIST_JOB,
    { teamId: command.team_id, responseUrl: command.response_url, at: deps.clock.now().toISOString() },
    { key: `digest-list:${command.trigger_id}`, teamId: command.team_id },
  );
}
