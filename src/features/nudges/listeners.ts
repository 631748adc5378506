// The person's side of nudges: the buttons on a nudge ("Not now", "Stop suggesting for this
// customer", "Turn nudges off") and `/delight prefs nudges on|off`. Each is one small write
// before the ack; the click's answer goes through its response_url from a job.
import type { BlockAction, ButtonAction } from "@slack/bolt";
import { z } from "zod";
import type { AppDeps } from "../../deps.ts";
import type { SlackRouter } from "../../slack/router.ts";
import { timezoneOf } from "../recoveries/cards.ts";
import { NOT_NOW_TEXT, NUDGE_ACTIONS, NUDGES_OFF_TEXT, NUDGES_ON_TEXT, STOPPED_CUSTOMER_TEXT } from "./blocks.ts";
import { registerNudgeJobs } from "./jobs.ts";
import { MILESTONES_JOB, planMilestones } from "./milestones.ts";
import { notNowUntil } from "./rules.ts";
import { muteCustomer, setNudgesOff, snoozeNudges } from "./service.ts";

const CLICK_REPLY_JOB = "nudges.click-reply";

/**
 * `/delight prefs nudges on|off`: the answer, or null when the text is something else (the
 * /delight listener goes on with its own commands).
 */
export async function nudgePrefsCommand(
  deps: Pick<AppDeps, "prisma">,
  teamId: string,
  userId: string,
  text: string,
): Promise<string | null> {
  const match = /^\s*prefs?\s+nudges?\s+(on|off)\s*$/i.exec(text);
  if (!match) return null;
  const off = match[1]?.toLowerCase() === "off";
  await setNudgesOff(deps.prisma, teamId, userId, off);
  return off ? NUDGES_OFF_TEXT : NUDGES_ON_TEXT;
}

export function registerNudgesFeature(router: SlackRouter, deps: AppDeps): void {
  registerNudgeJobs(deps);
  // The day's renewals and anniversaries of one workspace become nudges (the scheduler enqueues).
  deps.jobs.register(MILESTONES_JOB, z.object({ teamId: z.string(), day: z.string() }), async ({ teamId, day }) => {
    const planned = await planMilestones(
      { prisma: deps.prisma, client: router.clientFor(teamId), now: deps.clock.now() },
      teamId,
      day,
    );
    if (planned.unmapped > 0) {
      deps.logger.info(`Milestone nudges: ${planned.unmapped} customer owner(s) not found in Slack by email`);
    }
  });
  deps.jobs.register(
    CLICK_REPLY_JOB,
    z.object({ responseUrl: z.string(), text: z.string() }),
    async (job, { key, outbox }) => {
      await outbox.respond(`${key}:reply`, job.responseUrl, { text: job.text, replace_original: false });
    },
  );

  const onClick = (actionId: string, handle: (teamId: string, userId: string, nudgeId: string) => Promise<string>) => {
    router.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action }) => {
      const teamId = body.team?.id ?? body.user.team_id ?? "";
      const text = await handle(teamId, body.user.id, action.value ?? "");
      if (body.response_url) {
        await deps.jobs.enqueue(
          CLICK_REPLY_JOB,
          { responseUrl: body.response_url, text },
          { key: `nudge-click:${actionId}:${body.user.id}:${action.action_ts}`, teamId },
        );
      }
      await ack();
    });
  };

  onClick(NUDGE_ACTIONS.notNow, async (teamId, userId) => {
    const timezone = await timezoneOf(deps.users, userId);
    await snoozeNudges(deps.prisma, teamId, userId, notNowUntil(deps.clock.now(), timezone));
    return NOT_NOW_TEXT;
  });
  onClick(NUDGE_ACTIONS.stopCustomer, async (teamId, userId, nudgeId) => {
    // Only the nudge's own person, in its workspace, can mute its customer.
    const nudge = await deps.prisma.nudge.findUnique({ where: { id: nudgeId } });
    if (!nudge || nudge.teamId !== teamId || nudge.userId !== userId || !nudge.customerId) {
      return "I can't find that nudge any more.";
    }
    await muteCustomer(deps.prisma, teamId, userId, nudge.customerId);
    return STOPPED_CUSTOMER_TEXT;
  });
  onClick(NUDGE_ACTIONS.off, async (teamId, userId) => {
    await setNudgesOff(deps.prisma, teamId, userId, true);
    return NUDGES_OFF_TEXT;
  });
}
