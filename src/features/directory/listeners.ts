// The workspace directory (src/slack/directory.ts) kept up to date: people who join or change
// (user_change, team_join: one upsert each, no Slack call) and the daily background sweep,
// which also catches a departure or a return whose event was missed.
// A deactivation or a reactivation also records its follow-up (src/features/people) with the
// upsert, before the event is acknowledged.
import { z } from "zod";
import type { AppDeps } from "../../deps.ts";
import { DIRECTORY_SWEEP_JOB, sweepDirectory, type SlackMember } from "../../slack/directory.ts";
import type { SlackRouter } from "../../slack/router.ts";
import { notePersonChange } from "../people/departures.ts";

export function registerDirectoryFeature(router: SlackRouter, deps: AppDeps): void {
  deps.jobs.register(DIRECTORY_SWEEP_JOB, z.object({ teamId: z.string() }), async ({ teamId }) => {
    const workspace = await deps.prisma.workspace.findUnique({ where: { teamId }, select: { storiesChannelId: true } });
    // At most once a day: a sweep less than a day old, or one under way elsewhere, is enough.
    await sweepDirectory(deps, router.clientFor(teamId), teamId, {
      channelId: workspace?.storiesChannelId ?? null,
      mode: "daily",
    });
  });

  const record = async (user: SlackMember & { team_id?: string }, teamId: string | undefined, body: unknown) => {
    const team = teamId ?? user.team_id;
    if (!team) return;
    const eventId = (body as { event_id?: string }).event_id ?? `${user.id ?? ""}:${String(user.deleted)}`;
    await notePersonChange(deps, { teamId: team, member: user, eventId, now: deps.clock.now() });
  };
  router.event("user_change", ({ event, context, body }) => record(event.user as SlackMember, context.teamId, body));
  router.event("team_join", ({ event, context, body }) => record(event.user as SlackMember, context.teamId, body));
}
