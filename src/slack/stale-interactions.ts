// A button, shortcut or form the app no longer knows (on a message posted by an older
// version, say) is acknowledged at once, and the person is told, privately, that it is out
// of date, instead of Slack showing them an error after 3 seconds.
import type { Logger } from "@slack/bolt";
import { z } from "zod";
import type { JobQueue } from "../jobs/queue.ts";
import type { UnackedHandler } from "./ack-guard.ts";

export const OUT_OF_DATE =
  ":hourglass: That button or form is out of date, so nothing happened. Use the newest message from Delight, or start again with `/delight` or `/oops`.";
const OUT_OF_DATE_JOB = "interaction.out-of-date";

const INTERACTIONS = new Set(["block_actions", "view_submission", "shortcut", "message_action"]);

interface InteractionBody {
  type?: string;
  response_url?: string;
  team?: { id?: string } | null;
  user?: { id?: string; team_id?: string };
  actions?: Array<{ action_id?: string }>;
  view?: { callback_id?: string };
  callback_id?: string;
}

/** Registers the job that tells the person; returns the handler for requests nobody acknowledged. */
export function answerOutOfDate(jobs: JobQueue, logger: Logger): UnackedHandler {
  jobs.register(OUT_OF_DATE_JOB, z.object({ responseUrl: z.string() }), (job, context) =>
    context.outbox.respond(`${context.key}:tell`, job.responseUrl, { text: OUT_OF_DATE, replace_original: false }),
  );
  return async (rawBody, ack) => {
    const body = rawBody as InteractionBody;
    if (!INTERACTIONS.has(body.type ?? "")) return;
    const what = body.actions?.[0]?.action_id ?? body.view?.callback_id ?? body.callback_id ?? body.type;
    logger.info(`Out-of-date ${body.type ?? "interaction"} acknowledged: ${what ?? "unknown"}`);
    if (body.type === "view_submission") {
      await ack({
        response_action: "update",
        view: {
          type: "modal",
          title: { type: "plain_text", text: "Delight" },
          close: { type: "plain_text", text: "Close" },
          blocks: [{ type: "section", text: { type: "mrkdwn", text: OUT_OF_DATE } }],
        },
      });
      return;
    }
    await ack();
    if (body.response_url) {
      const teamId = body.team?.id ?? body.user?.team_id;
      await jobs.enqueue(OUT_OF_DATE_JOB, { responseUrl: body.response_url }, teamId ? { teamId } : {});
    }
  };
}
