// Insights for managers: who is recognised (and who never is), the recovery on-time rate per
// week, and the mix of values, as charts (PNG) with their words (alt text) and a text table
// for when images can't be shown.
import { z } from "zod";
import type { DelightValue } from "../nominations/parse.ts";

export const RECOGNITION_DAYS = 90;
export const RECOVERY_WEEKS = 12;

export interface PersonRecognition {
  userId: string;
  name: string;
  count: number;
}

export interface WeekRecovery {
  /** Monday of the week (UTC), YYYY-MM-DD. */
  weekStart: string;
  fixed: number;
  onTime: number;
}

export interface InsightsData {
  /** The UTC day the figures were taken (YYYY-MM-DD). */
  day: string;
  /** Everyone recognised in the last 90 days and every member of the stories channel, most first. */
  people: PersonRecognition[];
  /** The stories channel, when one is set and its members could be read. */
  storiesChannelId: string | null;
  membersRead: boolean;
  weeks: WeekRecovery[];
  values: Record<DelightValue, number>;
  spread: RecognitionSpread;
}

/** How concentrated recognition is (spread.ts), over the same people as `people`. */
export interface RecognitionSpread {
  /** People who received at least one story. */
  recipients: number;
  /** Recognitions received (a story naming two people counts for each). */
  received: number;
  /** The top 10 % of recipients (at least one). */
  topRecipients: number;
  /** Their share of `received`; null when nothing was received. */
  topShare: number | null;
  population: number;
  /** Names of the people who nominated nobody in the period, sorted. */
  nonGivers: string[];
}

export type ChartKind = "recognition" | "spread" | "recovery" | "values";

/** One chart's words: its title, the alt text that states its data, and a text table. */
export interface ChartText {
  kind: ChartKind;
  title: string;
  altText: string;
  table: string;
}

export interface RenderedChart extends ChartText {
  png: Buffer;
}

/** What a surface shows: images (file ids, in the order of charts) or the text tables. */
export interface InsightsView {
  mode: "images" | "text";
  fileIds: string[];
  charts: ChartText[];
  /** Customer signals and nudges of the last 90 days, counted when shown (nudges/figures.ts). */
  customerSignals?: string | null;
}

export const chartTextSchema = z.object({
  kind: z.enum(["recognition", "spread", "recovery", "values"]),
  title: z.string(),
  altText: z.string(),
  table: z.string(),
});

export const INSIGHTS_COMMAND_JOB = "insights.command";
export const INSIGHTS_DIGEST_JOB = "insights.digest";

export const insightsCommandPayload = z.object({
  teamId: z.string(),
  userId: z.string(),
  responseUrl: z.string(),
});
export type InsightsCommandPayload = z.infer<typeof insightsCommandPayload>;

/** After a digest is posted: its team charts, in the digest's thread. */
export const insightsDigestPayload = z.object({
  teamId: z.string(),
  channelId: z.string(),
  threadTs: z.string(),
  runId: z.string(),
});
export type InsightsDigestPayload = z.infer<typeof insightsDigestPayload>;
