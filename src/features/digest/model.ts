// The digest's types: what the builder needs (gathered by the service from the database) and
// the jobs' payloads. Blocks and service both depend on this file, never on each other's insides.
import { z } from "zod";
import type { DumbRulesDigest } from "../dumbrules/model.ts";
import type { ShownCounts } from "../holdingback/model.ts";
import type { DelightValue } from "../nominations/parse.ts";
import type { CustomerSignalFigures } from "../nudges/figures.ts";

export interface WeeklySlot {
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
  hour: number;
  minute: number;
  /** IANA name. */
  timezone: string;
}

export interface DigestStory {
  id: string;
  nomineeIds: string[];
  nominatorId: string;
  decidedBy: string | null;
  /** Slack-escaped (see nominations/parse.ts). */
  story: string;
  values: string[];
  customer: string | null;
  /** Permalink of the story message in the stories channel, when it was shared. */
  permalink: string | null;
}

export interface RecoveryFigures {
  opened: number;
  fixed: number;
  /** Of `fixed`, how many were fixed by their deadline. */
  fixedOnTime: number;
  surprisesDelivered: number;
}

/** Everything one digest shows; `renderDigest` turns it into a message. */
export interface DigestData {
  period: { start: Date; end: Date };
  /** For the dates in the header. */
  timezone: string;
  /** Newest first; at most what fits in a message (see MAX_STORIES_FETCHED), `storyCount` is the total. */
  stories: DigestStory[];
  storyCount: number;
  valueCounts: Record<DelightValue, number>;
  /** Managers who approved this period's stories, most approvals first. */
  approvers: Array<{ userId: string; count: number }>;
  recoveries: RecoveryFigures;
  /** Two sentences from the model, or null for the template intro. */
  intro: string | null;
  /** Dumb rules: new this week, most +1'd open, killed this week (src/features/dumbrules). */
  dumbRules?: DumbRulesDigest;
  /** "What's holding you back?" answers this week per category: counts only, never names. */
  holdingBack?: ShownCounts;
  /** Customer signals and nudges this week (a line only when something happened). */
  customerSignals?: CustomerSignalFigures;
}

export const DIGEST_POST_JOB = "digest.post";
export const DIGEST_SEND_JOB = "digest.send";
export const DIGEST_PREVIEW_JOB = "digest.preview";
export const DIGEST_LIST_JOB = "digest.list";

/** A scheduled digest found due by the scheduler tick. */
export const digestPostPayload = z.object({
  teamId: z.string(),
  scheduleId: z.string(),
  channelId: z.string(),
  /** ISO instant of the slot (the period's end). */
  slot: z.string(),
});
export type DigestPostPayload = z.infer<typeof digestPostPayload>;

/** `/delight-admin digest send #c`: one digest now, the admin told how it went. */
export const digestSendPayload = z.object({
  teamId: z.string(),
  channelId: z.string(),
  userId: z.string(),
  responseUrl: z.string(),
  /** ISO instant of the request: the period ends here. */
  at: z.string(),
});
export type DigestSendPayload = z.infer<typeof digestSendPayload>;

/** `/delight digest preview [#c]`: the digest as it would be posted now, to the caller only. */
export const digestPreviewPayload = z.object({
  teamId: z.string(),
  userId: z.string(),
  channelId: z.string().nullable(),
  responseUrl: z.string(),
  at: z.string(),
});
export type DigestPreviewPayload = z.infer<typeof digestPreviewPayload>;

/** `/delight-admin digest list`. */
export const digestListPayload = z.object({
  teamId: z.string(),
  responseUrl: z.string(),
  at: z.string(),
});
export type DigestListPayload = z.infer<typeof digestListPayload>;
