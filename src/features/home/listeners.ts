// App Home: published when someone opens it; its buttons are handled by their features
// (Approve / Reject by nominations), except the ones that only open a form.
import type { App, BlockButtonAction } from "@slack/bolt";
import { z } from "zod";
import type { AppDeps } from "../../deps.ts";
import { formatDuration } from "../admin/blocks.ts";
import { getSettings } from "../admin/settings.ts";
import { nominationModal } from "../nominations/blocks.ts";
import { openCaseModal } from "../recoveries/blocks.ts";
import { HOME_LOG_OOPS_ACTION, HOME_NOMINATE_ACTION } from "./blocks.ts";
import { publishHome } from "./publish.ts";

const HOME_PUBLISH_JOB = "home.publish";

export function registerHomeFeature(app: App, deps: AppDeps): void {
  deps.jobs.register(HOME_PUBLISH_JOB, z.object({ teamId: z.string(), userId: z.string() }), (job, context) =>
    publishHome(deps, context.outbox, `${context.key}:publish`, job.teamId, job.userId),
  );

  app.event("app_home_opened", async ({ event, body, context }) => {
    if (event.tab !== "home") return;
    const teamId = context.teamId ?? "";
    await deps.jobs.enqueue(HOME_PUBLISH_JOB, { teamId, userId: event.user }, { key: `home:${body.event_id}`, teamId });
  });

  app.action<BlockButtonAction>(HOME_NOMINATE_ACTION, async ({ ack, body, client }) => {
    await ack();
    await client.views.open({ trigger_id: body.trigger_id, view: nominationModal() });
  });

  // The same form as `/oops` alone; its submission is handled by the recoveries feature.
  app.action<BlockButtonAction>(HOME_LOG_OOPS_ACTION, async ({ ack, body, client }) => {
    await ack();
    const teamId = body.team?.id ?? body.user.team_id ?? "";
    const settings = await getSettings(deps.prisma, { teamId, enterpriseId: body.enterprise?.id ?? null });
    await client.views.open({ trigger_id: body.trigger_id, view: openCaseModal(formatDuration(settings.slaMinutes)) });
  });
}
