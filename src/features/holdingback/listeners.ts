// /holdingback, its form, and the managers' Reply on named answers. An anonymous answer is
// stored before the ack with no user id and nothing else happens: no job, no outbox write,
// no log line that could tie it to a person (the command and its callbacks are private
// requests: see slack/private-requests.ts). The person is thanked by updating the modal.
import type { BlockAction, ButtonAction } from "@slack/bolt";
import type { AppDeps } from "../../deps.ts";
import type { SlackRouter } from "../../slack/router.ts";
import { describeError } from "../../slack/errors.ts";
import { plainFromSlack } from "../../slack/text.ts";
import { recordIdOf } from "../../slack/values.ts";
import { getSettings } from "../admin/settings.ts";
import {
  answerModal,
  ANSWER_NOT_FOUND,
  CALLBACK_IDS,
  HOLDINGBACK_HELP,
  ONLY_MANAGERS_REPLY,
  ONLY_MANAGERS_REPLY_PLAIN,
  REPLY_ACTION,
  replyModal,
  thankYouView,
} from "./blocks.ts";
import { namedAnswersDestination, registerHoldingBackJobs } from "./jobs.ts";
import { HOLDINGBACK_JOBS, isCategory } from "./model.ts";
import { FIELDS, parseAnswerSubmission, parseReplySubmission } from "./parse.ts";
import { getAnswer, recordAnswer, recordReply } from "./service.ts";

const COULD_NOT_SAVE =
  "Sorry, I couldn't save this because of a problem on our side. Please press Send again in a moment.";

export function registerHoldingBackFeature(router: SlackRouter, deps: AppDeps): void {
  registerHoldingBackJobs(deps.jobs, deps);
  // The command, the form, its thank-you and its field ids: no log line names who sent them.
  router.keepPrivate("/holdingback", "holdingback_");

  router.command("/holdingback", async ({ ack, command, client }) => {
    if (/^\s*(help|\?)\s*$/i.test(command.text)) {
      await ack({ response_type: "ephemeral", text: HOLDINGBACK_HELP });
      return;
    }
    // Anything typed after the command is the start of the answer: the form keeps it.
    await ack();
    await client.views.open({ trigger_id: command.trigger_id, view: answerModal(plainFromSlack(command.text).trim()) });
  });

  router.view(CALLBACK_IDS.answer, async ({ ack, view, body }) => {
    const parsed = parseAnswerSubmission(view.state.values);
    if (!parsed.ok) {
      await ack({ response_action: "errors", errors: parsed.errors });
      return;
    }
    const teamId = body.team?.id ?? body.user.team_id ?? "";
    const answer = parsed.value;
    let answerId: string;
    try {
      answerId = await recordAnswer(deps.prisma, {
        workspace: { teamId, enterpriseId: body.enterprise?.id ?? null },
        viewId: view.id,
        answer,
        authorId: body.user.id,
        now: deps.clock.now(),
      });
    } catch (error) {
      // Logged without the request, and without the error's message (a database error can
      // quote what was typed); the form stays open with everything typed.
      deps.logger.error("Could not store a /holdingback answer", describeError(error, true));
      await ack({ response_action: "errors", errors: { [FIELDS.text]: COULD_NOT_SAVE } });
      return;
    }
    if (answer.anonymous) {
      await ack({ response_action: "update", view: thankYouView({ anonymous: true }) });
      return;
    }
    const to = namedAnswersDestination(await getSettings(deps.prisma, { teamId }));
    await deps.jobs.enqueue(HOLDINGBACK_JOBS.postNamed, { answerId }, { key: `holdingback:${answerId}`, teamId });
    await ack({ response_action: "update", view: thankYouView({ anonymous: false, to }) });
  });

  router.action<BlockAction<ButtonAction>>(REPLY_ACTION, async ({ ack, body, action, client }) => {
    const teamId = body.team?.id ?? body.user.team_id ?? "";
    const refuse = async (text: string) => {
      if (body.response_url) {
        await deps.jobs.enqueue(
          HOLDINGBACK_JOBS.clickReply,
          { responseUrl: body.response_url, text },
          { key: `holdingback-click:${body.user.id}:${action.action_ts}:${body.trigger_id}`, teamId },
        );
      }
      await ack();
    };
    const answerId = recordIdOf(action.value);
    const answer = answerId ? await getAnswer(deps.prisma, answerId) : null;
    if (!answer?.authorId || answer.teamId !== teamId || !isCategory(answer.category)) return refuse(ANSWER_NOT_FOUND);
    if (!(await deps.roles.isManager(teamId, body.user.id))) return refuse(ONLY_MANAGERS_REPLY);
    await ack();
    await client.views.open({
      trigger_id: body.trigger_id,
      view: replyModal({ ...answer, category: answer.category }),
    });
  });

  router.view(CALLBACK_IDS.reply, async ({ ack, view, body }) => {
    const teamId = body.team?.id ?? body.user.team_id ?? "";
    const managerId = body.user.id;
    if (!(await deps.roles.isManager(teamId, managerId))) {
      await ack({ response_action: "errors", errors: { [FIELDS.reply]: ONLY_MANAGERS_REPLY_PLAIN } });
      return;
    }
    const parsed = parseReplySubmission(view.state.values);
    if (!parsed.ok) {
      await ack({ response_action: "errors", errors: parsed.errors });
      return;
    }
    const answerId = recordIdOf(view.private_metadata);
    const answer = answerId ? await getAnswer(deps.prisma, answerId) : null;
    if (!answer?.authorId || answer.teamId !== teamId) {
      await ack({ response_action: "errors", errors: { [FIELDS.reply]: ANSWER_NOT_FOUND } });
      return;
    }
    const replyId = await recordReply(deps.prisma, {
      answerId: answer.id,
      managerId,
      text: parsed.value,
      viewId: view.id,
      now: deps.clock.now(),
    });
    await deps.jobs.enqueue(HOLDINGBACK_JOBS.reply, { replyId }, { key: `holdingback-reply:${replyId}`, teamId });
    await ack();
  });
}
