// "What's holding you back?": types and job payloads. Anonymous answers never reach a job:
// every payload here belongs to a named answer or a manager's reply.
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

/** An answer as managers see it; `authorId` is null for an anonymous one. */
export interface AnswerView {
  id: string;
  category: Category;
  /** Plain text. */
  text: string;
  authorId: string | null;
  createdAt: Date;
}

/** Themes for managers (App Home): counts by category since `since`, and the latest answers. */
export interface Themes {
  since: Date;
  total: number;
  counts: CategoryCounts;
  recent: AnswerView[];
}

export const HOLDINGBACK_JOBS = {
  postNamed: "holdingback.post-named",
  reply: "holdingback.reply",
  clickReply: "holdingback.click-reply",
} as const;

export const postNamedPayload = z.object({ answerId: z.string() });
export const replyPayload = z.object({ replyId: z.string() });
export const clickReplyPayload = z.object({ responseUrl: z.string(), text: z.string() });
