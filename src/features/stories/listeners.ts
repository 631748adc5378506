// `/delight stories …` (the /delight listener calls enqueueStoriesBrowse) and its Next /
// Previous buttons. Both only enqueue; the job reads the page and answers through the outbox.
import type { BlockButtonAction, SlashCommand } from "@slack/bolt";
import type { AppDeps } from "../../deps.ts";
import type { SlackRouter } from "../../slack/router.ts";
import { BUTTON_VALUE_MAX, parseJsonValue } from "../../slack/values.ts";
import { workspaceUrlOf } from "../digest/service.ts";
import { renderStoriesPage } from "./blocks.ts";
import {
  pageButtonValue,
  STORIES_PAGE_ACTION_NEXT,
  STORIES_PAGE_ACTION_PREVIOUS,
  STORIES_PAGE_JOB,
  storiesPagePayload,
  type StoriesPagePayload,
} from "./model.ts";
import { parseStoriesFilter } from "./parse.ts";
import { findStories } from "./service.ts";
import { sharingPrivately } from "../prefs/service.ts";

export function registerStoriesFeature(router: SlackRouter, deps: AppDeps): void {
  deps.jobs.register(STORIES_PAGE_JOB, storiesPagePayload, async (payload, context) => {
    // Private stories: the managers see them all, a person their own.
    const privateIds = (await deps.roles.isManager(payload.teamId, payload.userId))
      ? []
      : (await sharingPrivately(deps.prisma, payload.teamId)).filter((id) => id !== payload.userId);
    const { stories, total } = await findStories(deps.prisma, {
      privateIds,
      teamId: payload.teamId,
      filter: payload.filter,
      page: payload.page,
      now: new Date(payload.at),
      workspaceUrl: await workspaceUrlOf(router.clientFor(payload.teamId), payload.teamId),
    });
    const message = renderStoriesPage({ ...payload, stories, total });
    await context.outbox.respond(`${context.key}:reply`, payload.responseUrl, {
      response_type: "ephemeral",
      replace_original: payload.replace,
      text: message.text,
      blocks: message.blocks,
    });
  });

  for (const actionId of [STORIES_PAGE_ACTION_NEXT, STORIES_PAGE_ACTION_PREVIOUS]) {
    router.action<BlockButtonAction>(actionId, async ({ ack, action, body, context }) => {
      await ack();
      // A value the app did not make (an older version's, a bad page or time) is ignored.
      const value = parseJsonValue(pageButtonValue, action.value, BUTTON_VALUE_MAX);
      if (!value || !body.response_url) return;
      const teamId = context.teamId ?? body.team?.id ?? "";
      const payload: StoriesPagePayload = {
        teamId,
        userId: body.user.id,
        responseUrl: body.response_url,
        filter: value.f,
        page: value.p,
        replace: true,
        at: value.at,
      };
      await deps.jobs.enqueue(STORIES_PAGE_JOB, payload, { teamId });
    });
  }
}

/**
 * `/delight stories …`: enqueues the first page, or returns what is wrong with the filter
 * (the caller quotes it back with what was typed).
 */
export async function enqueueStoriesBrowse(
  deps: AppDeps,
  command: Pick<SlashCommand, "team_id" | "user_id" | "response_url" | "trigger_id">,
  text: string,
): Promise<string | null> {
  const parsed = parseStoriesFilter(text);
  if (!parsed.ok) return parsed.problem;
  const payload: StoriesPagePayload = {
    teamId: command.team_id,
    userId: command.user_id,
    responseUrl: command.response_url,
    filter: parsed.filter,
    page: 0,
    replace: false,
    at: deps.clock.now().toISOString(),
  };
  await deps.jobs.enqueue(STORIES_PAGE_JOB, payload, { key: `stories:${command.trigger_id}`, teamId: command.team_id });
  return null;
}
