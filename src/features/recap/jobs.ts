// `/delight recap …`: the listener checks who may see whose recap (yourself; a manager anyone)
// and records the job before the ack; the job reads the stories, uploads the Markdown file to
// the asker's DM and answers through the command's response_url (both through the outbox).
import type { SlashCommand } from "@slack/bolt";
import { z } from "zod";
import type { AppDeps } from "../../deps.ts";
import { directoryOf, ensureDirectory, nameIn } from "../../slack/directory.ts";
import { RetryLater } from "../../jobs/queue.ts";
import { SlackWriteRefused } from "../../slack/outbox.ts";
import type { SlackRouter } from "../../slack/router.ts";
import { quoteInput } from "../../slack/text.ts";
import { isValidTimezone } from "../admin/parse.ts";
import { dmChannelOf } from "../../slack/dm.ts";
import { isoDate } from "../export/files.ts";
import { calendarDate } from "../export/model.ts";
import { exportRange } from "../export/service.ts";
import { describeRange, parseRecapRequest } from "./parse.ts";
import { readRecap, RECAP_DEFAULT_DAYS, recapMarkdown, recapMessage } from "./service.ts";

export const RECAP_JOB = "recap.build";
export const ONLY_MANAGERS_RECAP =
  ":lock: Only Delight's managers can see someone else's recap. `/delight recap` shows yours; if you need a colleague's for a review, ask one of the managers.";

const recapPayload = z.object({
  teamId: z.string(),
  requesterId: z.string(),
  userId: z.string(),
  responseUrl: z.string(),
  from: calendarDate.nullable(),
  to: calendarDate.nullable(),
  /** The request's instant: a retry reads the same stories. */
  at: z.string(),
});

/** The ack's text (a refusal or problem, quoted back), or null when the job is recorded. */
export async function enqueueRecap(
  deps: Pick<AppDeps, "jobs" | "roles" | "clock">,
  command: Pick<SlashCommand, "team_id" | "user_id" | "response_url" | "trigger_id" | "text">,
  words: string[],
): Promise<string> {
  const parsed = parseRecapRequest(words);
  if (!parsed.ok) return `${parsed.problem}\nYou typed:\n${quoteInput(`/delight ${command.text}`)}`;
  const userId = parsed.request.userId ?? command.user_id;
  // Checked on the server: anyone may ask for their own, only managers for someone else's.
  if (userId !== command.user_id && !(await deps.roles.isManager(command.team_id, command.user_id))) {
    return ONLY_MANAGERS_RECAP;
  }
  await deps.jobs.enqueue(
    RECAP_JOB,
    {
      teamId: command.team_id,
      requesterId: command.user_id,
      userId,
      responseUrl: command.response_url,
      from: parsed.request.from,
      to: parsed.request.to,
      at: deps.clock.now().toISOString(),
    },
    { key: `recap:${command.trigger_id}`, teamId: command.team_id },
  );
  return userId === command.user_id
    ? ":hourglass_flowing_sand: Gathering your recap…"
    : `:hourglass_flowing_sand: Gathering <@${userId}>'s recap…`;
}

export function registerRecapJobs(router: SlackRouter, deps: AppDeps): void {
  deps.jobs.register(RECAP_JOB, recapPayload, async (payload, { key, outbox }) => {
    const at = new Date(payload.at);
    const profileTz = (await deps.users.profile(payload.requesterId).catch(() => undefined))?.timezone;
    const timezone = profileTz && isValidTimezone(profileTz) ? profileTz : "UTC";
    const range = exportRange({ ...payload, at }, timezone);
    const start = range.start ?? new Date(at.getTime() - RECAP_DEFAULT_DAYS * 86_400_000);
    const rangeLabel = describeRange(payload.from, payload.to, isoDate(start, timezone));
    // Names from the workspace directory (read from Slack at most once a day); ids if it can't be read.
    await ensureDirectory(deps, router.clientFor(payload.teamId), payload.teamId).catch((error: unknown) => {
      if (error instanceof RetryLater) throw error;
      deps.logger.warn("Recap: could not read the workspace directory", String(error));
    });
    const directory = await directoryOf(deps.prisma, payload.teamId);
    const stories = await readRecap(deps.prisma, { ...payload, start, end: range.end, directory });
    const personName = nameIn(directory, payload.userId);
    let fileSent = false;
    try {
      const channelId = await dmChannelOf(router, payload.teamId, payload.requesterId);
      await outbox.uploadFiles(`${key}:file`, {
        channelId,
        initialComment: `Delight recap for <@${payload.userId}>, ${rangeLabel}: ${stories.length} approved ${stories.length === 1 ? "story" : "stories"}.`,
        files: [
          {
            filename: `delight-recap-${payload.userId}-${isoDate(start, timezone)}-to-${isoDate(range.end, timezone)}.md`,
            title: `Delight recap: ${personName}`,
            content: Buffer.from(recapMarkdown({ personName, rangeLabel, timezone, stories }), "utf8"),
          },
        ],
      });
      fileSent = true;
    } catch (error) {
      if (!(error instanceof SlackWriteRefused)) throw error;
      deps.logger.warn(`Slack refused a recap file (${error.slackError})`);
    }
    const message = recapMessage({
      userId: payload.userId,
      self: payload.userId === payload.requesterId,
      rangeLabel,
      timezone,
      stories,
      fileSent,
    });
    await outbox.respond(`${key}:reply`, payload.responseUrl, { response_type: "ephemeral", ...message });
  });
}
