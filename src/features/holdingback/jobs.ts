// Work after the ack for named answers and managers' replies. Anonymous answers never come
// here: they are stored before the ack and nothing else is done with them.
import type { AppDeps } from "../../deps.ts";
import type { JobQueue } from "../../jobs/queue.ts";
import { SlackWriteRefused } from "../../slack/outbox.ts";
import { getSettings } from "../admin/settings.ts";
import { namedAnswerMessage, replyDm, replyInThread } from "./blocks.ts";
import {
  clickReplyPayload,
  HOLDINGBACK_JOBS,
  isCategory,
  postNamedPayload,
  replyPayload,
  type NamedAnswerDestination,
} from "./model.ts";
import { getAnswer, getReply, setAnswerMessage } from "./service.ts";

type JobDeps = Pick<AppDeps, "prisma" | "logger">;

function logRefused(deps: JobDeps, what: string): (error: unknown) => void {
  return (error: unknown) => {
    if (!(error instanceof SlackWriteRefused)) throw error;
    deps.logger.warn(what, error.slackError);
  };
}

/**
 * Where named answers go: managers only, never a team channel (an answer about the workplace,
 * addressed to leaders, is not a post for the whole team). The approvals channel, where
 * managers already work; without one, each manager by DM; without managers, App Home only.
 */
export function namedAnswersDestination(settings: {
  approvalsChannelId: string | null;
  managerIds: string[];
}): NamedAnswerDestination {
  if (settings.approvalsChannelId) return { kind: "channel", channelId: settings.approvalsChannelId };
  if (settings.managerIds.length > 0) return { kind: "managers", managerIds: settings.managerIds };
  return { kind: "home" };
}

export function registerHoldingBackJobs(jobs: JobQueue, deps: JobDeps): void {
  jobs.register(HOLDINGBACK_JOBS.postNamed, postNamedPayload, async (job, { key, outbox }) => {
    const answer = await getAnswer(deps.prisma, job.answerId);
    if (!answer?.authorId || answer.messageTs || !isCategory(answer.category)) return;
    const destination = namedAnswersDestination(await getSettings(deps.prisma, { teamId: answer.teamId }));
    const message = namedAnswerMessage({ ...answer, category: answer.category, authorId: answer.authorId });
    if (destination.kind === "channel") {
      try {
        const posted = await outbox.postMessage(`${key}:post`, { channel: destination.channelId, ...message });
        await setAnswerMessage(deps.prisma, answer.id, posted.channel, posted.ts);
      } catch (error) {
        logRefused(deps, "Could not post a named /holdingback answer")(error);
      }
      return;
    }
    if (destination.kind === "managers") {
      // One DM each, keyed by manager: a job run again sends none twice.
      for (const managerId of destination.managerIds) {
        await outbox
          .directMessage(`${key}:dm:${managerId}`, managerId, message)
          .catch(logRefused(deps, "Could not send a named /holdingback answer to a manager"));
      }
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
