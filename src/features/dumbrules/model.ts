// The dumb-rules feature's types and job payloads. Blocks, service and jobs depend on this
// file, never on each other's insides.
import { z } from "zod";

export type DumbRuleStatus = "open" | "killed" | "kept";

/** A rule as its message, the list and the digest show it. Text fields are plain text. */
export interface DumbRuleView {
  id: string;
  teamId: string;
  reporterId: string;
  rule: string;
  why: string;
  status: DumbRuleStatus;
  plusOnes: number;
  channelId: string | null;
  messageTs: string | null;
  decidedBy: string | null;
  decidedAt: Date | null;
  decisionNote: string | null;
  createdAt: Date;
}

/** What the weekly digest says about dumb rules. */
export interface DumbRulesDigest {
  /** Reported in the period, newest first (capped); `newCount` is the total. */
  newRules: DumbRuleView[];
  newCount: number;
  /** Still open, most +1s first (capped); `openCount` is the total. */
  topOpen: DumbRuleView[];
  openCount: number;
  /** Killed in the period (capped); `killedCount` is the total. */
  killed: DumbRuleView[];
  killedCount: number;
}

/** How many rules of each list the digest names (the rest: "and N more"). */
export const DIGEST_RULES_SHOWN = 3;

export const DUMBRULE_JOBS = {
  record: "dumbrules.record",
  refreshCard: "dumbrules.refresh-card",
  decided: "dumbrules.decided",
  clickReply: "dumbrules.click-reply",
} as const;

/** A rule to record: from the command (reply by response_url) or the modal (reply by DM). */
export const recordPayload = z.object({
  teamId: z.string(),
  enterpriseId: z.string().nullable(),
  userId: z.string(),
  rule: z.string(),
  why: z.string(),
  responseUrl: z.string().nullable(),
});
export type RecordPayload = z.infer<typeof recordPayload>;

export const refreshCardPayload = z.object({ ruleId: z.string() });

export const decidedPayload = z.object({ ruleId: z.string() });

export const clickReplyPayload = z.object({ responseUrl: z.string(), text: z.string() });
