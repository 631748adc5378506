// Block Kit for `/delight stories`: one page of stories with Previous / Next buttons.
import type { webApi } from "@slack/bolt";
import { context, section } from "../../slack/replies.ts";
import { storySection } from "../digest/blocks.ts";
import type { DigestStory } from "../digest/model.ts";
import {
  STORIES_PAGE_ACTION_NEXT,
  STORIES_PAGE_ACTION_PREVIOUS,
  STORIES_PAGE_SIZE,
  type StoriesFilter,
} from "./model.ts";
import { describeFilter, STORIES_USAGE } from "./parse.ts";

type KnownBlock = webApi.KnownBlock;

export function renderStoriesPage(input: {
  filter: StoriesFilter;
  stories: DigestStory[];
  total: number;
  page: number;
  at: string;
}): { text: string; blocks: KnownBlock[] } {
  const { filter, stories, total, page } = input;
  const what = describeFilter(filter);
  if (total === 0) {
    const text = `No approved stories match ${what}. Try fewer filters or a longer period. ${STORIES_USAGE}`;
    return { text, blocks: [section(text)] };
  }
  const pages = Math.ceil(total / STORIES_PAGE_SIZE);
  const first = page * STORIES_PAGE_SIZE + 1;
  const last = Math.min(total, first + stories.length - 1);
  const heading = `*Delight stories* — ${what}\n${first}–${last} of ${total}, newest first`;
  const blocks: KnownBlock[] = [section(heading), { type: "divider" }, ...stories.map(storySection)];
  const buttons: webApi.Button[] = [];
  const value = (p: number) => JSON.stringify({ f: filter, p, at: input.at });
  if (page > 0)
    buttons.push({
      type: "button",
      action_id: STORIES_PAGE_ACTION_PREVIOUS,
      text: { type: "plain_text", text: "← Previous" },
      value: value(page - 1),
    });
  if (page + 1 < pages)
    buttons.push({
      type: "button",
      action_id: STORIES_PAGE_ACTION_NEXT,
      text: { type: "plain_text", text: "Next →" },
      value: value(page + 1),
    });
  if (buttons.length > 0) blocks.push({ type: "actions", block_id: "stories_pages", elements: buttons });
  blocks.push(context(`Page ${page + 1} of ${pages}. Only you can see this.`));
  return { text: `Delight stories — ${first}–${last} of ${total}`, blocks };
}
