// Customer signals: the sources Delight takes webhooks from, and the one shape every body is
// turned into before it is stored (what the features need, never the raw body).
import { z } from "zod";
import { DEFAULT_THRESHOLDS, type SignalThresholds } from "./thresholds.ts";

export const SIGNAL_SOURCES = ["generic", "zendesk", "intercom"] as const;
export type SignalSource = (typeof SIGNAL_SOURCES)[number];

export const SOURCE_LABELS: Record<SignalSource, string> = {
  generic: "Standard Webhooks",
  zendesk: "Zendesk",
  intercom: "Intercom",
};

export function isSignalSource(value: string): value is SignalSource {
  return (SIGNAL_SOURCES as readonly string[]).includes(value);
}

/** Bodies larger than this are refused (413) before they are read to the end. */
export const MAX_BODY_BYTES = 256 * 1024;

const text = (max: number) => z.string().trim().max(max);
const email = z.string().trim().toLowerCase().pipe(z.email()).nullable();

/** A customer as a signal describes it: each field is optional except the name. */
export const signalCustomer = z.object({
  name: text(150).min(1),
  externalId: text(200).nullable(),
  tier: text(60).nullable(),
  interests: z.array(text(60).min(1)).max(30),
  notes: text(1000).nullable(),
  ownerEmail: email,
  customerSince: z.iso.datetime({ offset: true }).nullable(),
  renewalAt: z.iso.datetime({ offset: true }).nullable(),
});
export type SignalCustomer = z.infer<typeof signalCustomer>;

/** What is stored of a signal (InboundSignal.signal) and what its job acts on. */
export const storedSignal = z.object({
  type: z.enum(["feedback", "customer"]),
  source: z.enum(SIGNAL_SOURCES),
  occurredAt: z.iso.datetime({ offset: true }),
  customer: signalCustomer,
  /** Normalised to a verdict by the source's rules (see verdictOf). */
  score: z
    .object({
      kind: z.enum(["csat", "nps"]),
      /** CSAT on its scale, NPS 0–10; null for a "good"/"bad" rating. */
      value: z.number().nullable(),
      scaleMax: z.number().nullable(),
      /** Zendesk's words: "good", "bad". */
      label: z.enum(["good", "bad"]).nullable(),
    })
    .nullable(),
  /** Plain text, as the customer wrote it. */
  comment: text(3000).nullable(),
  agentEmail: email,
  url: z.url().nullable(),
  /** The sender's reference for people ("ticket #123"), without the source's name. */
  reference: text(100).nullable(),
  /** A key for "the same thing again" across different deliveries (Zendesk: the ticket). */
  subjectKey: text(200).nullable(),
});
export type StoredSignal = z.infer<typeof storedSignal>;

export type Verdict = "detractor" | "praise" | "neutral" | "none";

/**
 * By the workspace's thresholds (defaults: detractor CSAT ≤ 2 of 5, "bad", NPS ≤ 6; praise
 * CSAT ≥ 4 of 5, "good", NPS ≥ 9); CSAT on another scale is brought to 5 first. Anything else
 * is neutral; no score at all is none.
 */
export function verdictOf(signal: Pick<StoredSignal, "score">, rules: SignalThresholds = DEFAULT_THRESHOLDS): Verdict {
  const score = signal.score;
  if (!score) return "none";
  if (score.label) return score.label === "bad" ? "detractor" : "praise";
  if (score.value === null) return "none";
  if (score.kind === "nps") {
    return score.value <= rules.detractorNps ? "detractor" : score.value >= rules.praiseNps ? "praise" : "neutral";
  }
  const max = score.scaleMax ?? 5;
  const onFive = (score.value / max) * 5;
  return onFive <= rules.detractorCsat ? "detractor" : onFive >= rules.praiseCsat ? "praise" : "neutral";
}
