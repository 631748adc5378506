// "What's holding you back?": types and job payloads. Anonymous answers never reach a job:
// every payload here belongs to a named answer or a manager's reply. What is shown of them
// (counts, texts) follows the release and the threshold below.
import { z } from "zod";

export const CATEGORIES = ["policy", "tools", "time", "training", "authority", "other"] as const;
export type Category = (typeof CATEGORIES)[number];

export const CATEGORY_LABELS: Record<Category, string> = {
  policy: "Policy",
  tools: "Tools",
  time: "Time",
  training: "Training",
  authority: "Authority",
  other: "Other",
};

export const CATEGORY_EMOJI: Record<Category, string> = {
  policy: ":scroll:",
  tools: ":hammer_and_wrench:",
  time: ":hourglass:",
  training: ":mortar_board:",
  authority: ":key:",
  other: ":speech_balloon:",
};

export function isCategory(value: string): value is Category {
  return (CATEGORIES as readonly string[]).includes(value);
}

export type CategoryCounts = Record<Category, number>;

/** A category's count (and its anonymous texts) shows only once at least this many answers make it up. */
export const MIN_SHOWN = 3;
/** Anonymous answers become visible in one batch a day, at this hour of the workspace's time. */
export const RELEASE_HOUR = 6;

/**
 * Counts as they may be shown, anywhere: a category's count only when at least MIN_SHOWN
 * answers make it up; the others are only named as having "fewer than 3". There is no
 * total: with one category held back, a total would give its count away.
 */
export interface ShownCounts {
  /** Categories with MIN_SHOWN answers or more, and how many. */
  counts: Partial<Record<Category, number>>;
  /** Categories with one or two answers. */
  few: Category[];
}

/** An answer as managers see it; `authorId` is null for an anonymous one. */
export interface AnswerView {
  id: string;
  category: Category;
  /** Plain text. */
  text: string;
  authorId: string | null;
  createdAt: Date;
}

/**
 * Themes for managers (App Home): counts by category since `since`, and the latest answers:
 * named ones, and anonymous ones of categories with MIN_SHOWN anonymous answers or more.
 */
export interface Themes {
  since: Date;
  counts: ShownCounts;
  recent: AnswerView[];
}

/** Where a named answer goes (managers only): their channel, each of them by DM, or App Home only. */
export type NamedAnswerDestination =
  { kind: "channel"; channelId: string } | { kind: "managers"; managerIds: string[] } | { kind: "home" };

export const HOLDINGBACK_JOBS = {
  postNamed: "holdingback.post-named",
  reply: "holdingback.reply",
  clickReply: "holdingback.click-reply",
} as const;

export const postNamedPayload = z.object({ answerId: z.string() });
export const replyPayload = z.object({ replyId: z.string() });
export const clickReplyPayload = z.object({ responseUrl: z.string(), text: z.string() });
