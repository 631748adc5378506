// App Home: published from a job when someone opens it; its buttons are handled by their
// features (Approve / Reject by nominations), except the ones that only open a form.
import type { BlockButtonAction } from "@slack/bolt";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { AppDeps } from "../../deps.ts";
import type { SlackRouter } from "../../slack/router.ts";
import { formatDuration } from "../admin/blocks.ts";
import { getSettings } from "../admin/settings.ts";
import { nominationModal } from "../nominations/blocks.ts";
import { openCaseModal } from "../recoveries/modals.ts";
import { HOME_LOG_OOPS_ACTION, HOME_NOMINATE_ACTION } from "./blocks.ts";
import { SlackWriteRefused, type Outbox } from "../../slack/outbox.ts";
import { insightsForManager } from "../insights/delivery.ts";
import { enqueueHomePublish, HOME_INSIGHTS_JOB, HOME_PUBLISH_JOB, publishHome } from "./publish.ts";

const publishPayload = z.object({ teamId: z.string(), userId: z.string(), notice: z.string().optional() });

export function registerHomeFeature(router: SlackRouter, deps: AppDeps): void {
  const publish = async (outbox: Outbox, key: string, job: z.infer<typeof publishPayload>) => {
    try {
      await publishHome(deps, outbox, `${key}:publish`, job.teamId, job.userId, job.notice);
    } catch (error) {
      // Slack would not show an image (a file it no longer has, say): tables instead.
      if (!(error instanceof SlackWriteRefused)) throw error;
      await publishHome(deps, outbox, `${key}:publish-tables`, job.teamId, job.userId, job.notice, {
        insightsAsText: true,
      });
    }
  };
  deps.jobs.register(HOME_PUBLISH_JOB, publishPayload, (job, { key, outbox }) => publish(outbox, key, job));

  // Managers see today's insight charts: made (drawn, uploaded, processed by Slack) once a
  // day by this job, then read from the database by every publish.
  deps.jobs.register(HOME_INSIGHTS_JOB, publishPayload, async (job, { key, outbox }) => {
    if (!(await deps.roles.isManager(job.teamId, job.userId))) return;
    await insightsForManager(deps, router.clientFor(job.teamId), outbox, { teamId: job.teamId, userId: job.userId });
    await publish(outbox, key, job);
  });

  router.event("app_home_opened", async ({ event, body, context }) => {
    if (event.tab !== "home") return;
    const teamId = context.teamId ?? "";
    // Slack retries an event it thinks we missed: the event id makes it one publish.
    const eventId = (body as { event_id?: string }).event_id ?? randomUUID();
    await enqueueHomePublish(deps, teamId, event.user, undefined, `home:${eventId}`);
  });

  router.action<BlockButtonAction>(HOME_NOMINATE_ACTION, async ({ ack, body, client }) => {
    await ack();
    await client.views.open({ trigger_id: body.trigger_id, view: nominationModal() });
  });

  // The same form as `/oops` alone; its submission is handled by the recoveries feature.
  router.action<BlockButtonAction>(HOME_LOG_OOPS_ACTION, async ({ ack, body, client }) => {
    await ack();
    const teamId = body.team?.id ?? body.user.team_id ?? "";
    const settings = await getSettings(deps.prisma, { teamId, enterpriseId: body.enterprise?.id ?? null });
    await client.views.open({ trigger_id: body.trigger_id, view: openCaseModal(formatDuration(settings.slaMinutes)) });
  });
}
