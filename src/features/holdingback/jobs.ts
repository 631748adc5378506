// Work after the ack for named answers and managers' replies. Anonymous answers never come
// here: they are stored before the ack and nothing else is done with them.
import type { AppDeps } from "../../deps.ts";
import type { JobQueue } from "../../jobs/queue.ts";
import { SlackWriteRefused } from "../../slack/outbox.ts";
import { getSettings } from "../admin/settings.ts";
import { namedAnswerMessage, replyDm, replyInThread } from "./blocks.ts";
import { clickReplyPayload, HOLDINGBACK_JOBS, isCategory, postNamedPayload, replyPayload } from "./model.ts";
import { getAnswer, getReply, setAnswerMessage } from "./service.ts";

type JobDeps = Pick<AppDeps, "prisma" | "logger">;

function logRefused(deps: JobDeps, what: string): (error: unknown) => void {
  return (error: unknown) => {
    if (!(error instanceof SlackWriteRefused)) throw error;
    deps.logger.warn(what, error.slackError);
  };
}

/**
 * Where named answers go: the approvals channel, where managers already work (an answer
 * about the workplace, addressed to leaders, is not a post for the whole team); the
 * dumb-rules channel when no approvals channel is set; nowhere (App Home only) without either.
 */
export function namedAnswersChannel(settings: {
  approvalsChannelId: string | null;
  dumbRulesChannelId: string | null;
}) {
  return settings.approvalsChannelId ?? settings.dumbRulesChannelId;
}

export function registerHoldingBackJobs(jobs: JobQueue, deps: JobDeps): void {
  jobs.register(HOLDINGBACK_JOBS.postNamed, postNamedPayload, async (job, { key, outbox }) => {
    const answer = await getAnswer(deps.prisma, job.answerId);
    if (!answer?.authorId || answer.messageTs || !isCategory(answer.category)) return;
    const channel = namedAnswersChannel(await getSettings(deps.prisma, { teamId: answer.teamId }));
    if (!channel) return;
    try {
      const posted = await outbox.postMessage(`${key}:post`, {
        channel,
        ...namedAnswerMessage({ ...answer, category: answer.category, authorId: answer.authorId }),
      });
      await setAnswerMessage(deps.prisma, answer.id, posted.channel, posted.ts);
    } catch (error) {
      logRefused(deps, "Could not post a named /holdingback answer")(error);
    }
  });

  jobs.register(HOLDINGBACK_JOBS.reply, replyPayload, async (job, { key, outbox }) => {
    const reply = await getReply(deps.prisma, job.replyId);
    const answer = reply?.answer;
    if (!reply || !answer?.authorId || !isCategory(answer.category)) return;
    if (answer.channelId && answer.messageTs) {
      await outbox
        .postMessage(`${key}:thread`, {
          channel: answer.channelId,
          thread_ts: answer.messageTs,
          text: replyInThread(reply.managerId, reply.text),
        })
        .catch(logRefused(deps, "Could not post a reply in the answer's thread"));
    }
    await outbox
      .directMessage(`${key}:author`, answer.authorId, {
        text: replyDm(reply.managerId, { ...answer, category: answer.category }, reply.text),
      })
      .catch(logRefused(deps, "Could not send a reply to the answer's author"));
  });

  jobs.register(HOLDINGBACK_JOBS.clickReply, clickReplyPayload, async (job, { key, outbox }) => {
    await outbox.respond(`${key}:reply`, job.responseUrl, { text: job.text, replace_original: false });
  });
}
