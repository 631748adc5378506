// Domain types of surprise gestures, shared by the suggesters, the service, blocks and listeners.

export const OCCASIONS = ["recovery", "milestone", "thank_you", "loyalty", "hardship"] as const;
export type Occasion = (typeof OCCASIONS)[number];

export const OCCASION_LABELS: Record<Occasion, string> = {
  recovery: "Making up for a mistake",
  milestone: "A milestone or celebration",
  thank_you: "Saying thank you",
  loyalty: "Rewarding loyalty",
  hardship: "A hard time for them",
};

export type Effort = "low" | "medium" | "high";

/** Something to give, something to do, something to say: an answer holds one of each. */
export const GESTURE_KINDS = ["give", "do", "say"] as const;
export type GestureKind = (typeof GESTURE_KINDS)[number];

/** One suggestion as shown to a person and stored with its request. All text is plain. */
export interface GestureSuggestion {
  /** Catalogue key, or "model:<slug>" for a model's idea: what "never repeat" compares. */
  key: string;
  /** What to do, in one line. */
  title: string;
  /** The specifics: what exactly, from where, how it reaches them. */
  details: string;
  /** Why it fits this customer: what it rests on (their interest, the occasion, their history). */
  why: string;
  /** Absent on suggestions stored before answers held one of each kind. */
  kind?: GestureKind;
  /** Estimated cost in the budget's currency (major units). */
  cost: number;
  effort: Effort;
  /** When to do it. */
  timing: string;
  source: "model" | "builtin";
}

/** A per-gesture cap, in major units of `currency`. */
export interface GestureBudget {
  amount: number;
  currency: string;
}

/** Everything the suggesters know when they choose (plain text throughout). */
export interface SuggestionContext {
  customerName: string;
  occasion: Occasion;
  /** What happened / the occasion, as typed. */
  text: string;
  interests: string[];
  /** The interests named for this request (the form's), which come before the record's. */
  named?: string[];
  tier: string | null;
  notes: string[];
  budget: GestureBudget | null;
  /** Gestures this customer already got: never suggested again. */
  given: Array<{ key: string | null; title: string }>;
  /** Earlier recoveries with this customer ("OOPS-12: invoice sent twice"). */
  pastRecoveries: string[];
  /** Suggestions this customer's team liked or used before, and ones they disliked. */
  worked: string[];
  disliked: string[];
  /** Workspace-wide score of each gesture key for this occasion (👍/👎 and uses). */
  scores: Record<string, number>;
}

/** A gesture given to a customer, for App Home and `/surprise customer`. */
export interface GivenGesture {
  title: string;
  customerName: string;
  givenAt: Date;
  costCents: number | null;
  currency: string | null;
  caseNumber: number | null;
}

export const SUGGESTION_COUNT = 3;

/** A suggestion key's part made from words ("A sailing outing!" → "a-sailing-outing"). */
export function keySlug(text: string, max = 60): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, max);
}
