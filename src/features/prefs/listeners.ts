// `/delight prefs …` and its buttons. Each change is one small write before the ack; a click's
// refreshed message goes through its response_url from a job (the outbox's one way to Slack).
import type { BlockAction, ButtonAction } from "@slack/bolt";
import { z } from "zod";
import type { AppDeps } from "../../deps.ts";
import type { EphemeralMessage } from "../../slack/replies.ts";
import type { SlackRouter } from "../../slack/router.ts";
import { quoteInput } from "../../slack/text.ts";
import { changedNotice, changeOfClick, prefsMessage } from "./blocks.ts";
import { parsePrefsCommand } from "./parse.ts";
import { getPreferences, setPreference } from "./service.ts";

const PREFS_CLICK_JOB = "prefs.click-reply";

/**
 * `/delight prefs …`: the answer, or null when the text is not about preferences (the
 * /delight listener goes on with its own commands).
 */
export async function prefsCommand(
  deps: Pick<AppDeps, "prisma">,
  teamId: string,
  userId: string,
  text: string,
): Promise<EphemeralMessage | null> {
  const request = parsePrefsCommand(text);
  if (request === null) return null;
  switch (request.op) {
    case "show":
      return prefsMessage(await getPreferences(deps.prisma, teamId, userId));
    case "invalid":
      return { text: `${request.problem}\nYou typed:\n${quoteInput(`/delight ${text}`)}` };
    case "set": {
      const prefs = await setPreference(deps.prisma, teamId, userId, request.change);
      return prefsMessage(prefs, changedNotice(request.change));
    }
  }
}

export function registerPrefsFeature(router: SlackRouter, deps: AppDeps): void {
  deps.jobs.register(
    PREFS_CLICK_JOB,
    z.object({ teamId: z.string(), userId: z.string(), responseUrl: z.string(), notice: z.string() }),
    async (job, { key, outbox }) => {
      // The choices as they are when the job runs (a later click may have changed them).
      const message = prefsMessage(await getPreferences(deps.prisma, job.teamId, job.userId), job.notice);
      await outbox.respond(`${key}:reply`, job.responseUrl, { ...message, replace_original: true });
    },
  );

  router.action<BlockAction<ButtonAction>>(/^prefs_(nudges|rankings|stories)$/, async ({ ack, body, action }) => {
    const teamId = body.team?.id ?? body.user.team_id ?? "";
    const change = changeOfClick(action.action_id, action.value ?? "");
    // Only the clicker's own row: the click carries no one else's id.
    if (change) await setPreference(deps.prisma, teamId, body.user.id, change);
    if (body.response_url) {
      await deps.jobs.enqueue(
        PREFS_CLICK_JOB,
        {
          teamId,
          userId: body.user.id,
          responseUrl: body.response_url,
          notice: change ? changedNotice(change) : "That button is out of date; here are your choices now.",
        },
        { key: `prefs-click:${body.user.id}:${action.action_id}:${action.action_ts}`, teamId },
      );
    }
    await ack();
  });
}
