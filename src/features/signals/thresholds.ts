// A workspace's signal rules: which scores are a detractor (a recovery opens by itself) and
// which are praise (a nomination by the customer), and how many nudges a person gets a day.
// One parser and validator for every place an admin changes them (`/delight-admin signals …`
// and App Home → Settings): pure functions, no Slack and no database here.
import { escapeMrkdwn, quoteInput } from "../../slack/text.ts";

export interface SignalThresholds {
  /** CSAT (on a scale of 5) at or below this opens a recovery. */
  detractorCsat: number;
  /** NPS (0–10) at or below this opens a recovery. */
  detractorNps: number;
  /** CSAT (on a scale of 5) at or above this is praise. */
  praiseCsat: number;
  /** NPS (0–10) at or above this is praise. */
  praiseNps: number;
  /** Nudges a person gets at most per day. */
  nudgesPerDay: number;
}

export type ThresholdField = keyof SignalThresholds;

/** The defaults: CSAT ≤ 2 of 5 or NPS ≤ 6 is a detractor; CSAT ≥ 4 or NPS ≥ 9 is praise. */
export const DEFAULT_THRESHOLDS: SignalThresholds = {
  detractorCsat: 2,
  detractorNps: 6,
  praiseCsat: 4,
  praiseNps: 9,
  nudgesPerDay: 3,
};

export const MAX_NUDGES_PER_DAY = 10;

const RANGES: Record<ThresholdField, { min: number; max: number; what: string }> = {
  detractorCsat: { min: 1, max: 5, what: "A CSAT threshold is a whole number of stars from 1 to 5 (of 5)" },
  praiseCsat: { min: 1, max: 5, what: "A CSAT threshold is a whole number of stars from 1 to 5 (of 5)" },
  detractorNps: { min: 0, max: 10, what: "An NPS threshold is a whole number from 0 to 10" },
  praiseNps: { min: 0, max: 10, what: "An NPS threshold is a whole number from 0 to 10" },
  nudgesPerDay: {
    min: 0,
    max: MAX_NUDGES_PER_DAY,
    what: `The nudge limit is a whole number of nudges per person per day from 0 (none) to ${MAX_NUDGES_PER_DAY}`,
  },
};

export type ThresholdChange = { kind: "set"; field: ThresholdField; value: number } | { kind: "reset" };

export type ThresholdParse = { ok: true; change: ThresholdChange } | { ok: false; problem: string };

export const THRESHOLDS_HELP = [
  "• `/delight-admin signals detractor csat <1-5>` · `detractor nps <0-10>` — at or below this, a rating opens a recovery",
  "• `/delight-admin signals praise csat <1-5>` · `praise nps <0-10>` — at or above this, a rating with a comment becomes a nomination by the customer",
  `• \`/delight-admin signals nudges <0-${MAX_NUDGES_PER_DAY}>\` — nudges per person per day · \`signals defaults\` — back to the defaults`,
].join("\n");

const refuse = (problem: string, input: string): ThresholdParse => ({
  ok: false,
  problem: `${problem}\nYou typed:\n${quoteInput(input, 200)}`,
});

/**
 * Parses what follows `signals` (`detractor csat 2`, `praise nps 9`, `nudges 3`, `defaults`)
 * and checks it against the current rules (a detractor threshold stays below praise).
 * `input` is the whole text as typed, quoted back in a refusal.
 */
export function parseThresholdChange(words: string[], current: SignalThresholds, input: string): ThresholdParse {
  const [first = "", second = "", third, ...rest] = words.map((w) => w.toLowerCase());
  if (first === "defaults" || first === "default" || first === "reset") {
    return second
      ? refuse("`signals defaults` takes nothing after it.", input)
      : { ok: true, change: { kind: "reset" } };
  }
  let field: ThresholdField;
  let valueWord: string | undefined;
  let extra: string[];
  if (first === "nudges" || first === "nudge") {
    field = "nudgesPerDay";
    // `nudges 3` and `nudges limit 3` / `nudges 3 per day` all read naturally.
    const afterLimit = second === "limit" ? [third, ...rest] : [second, third, ...rest];
    valueWord = afterLimit[0];
    extra = afterLimit.slice(1).filter((w): w is string => w !== undefined && !["per", "day", "a"].includes(w));
  } else if (first === "detractor" || first === "praise") {
    if (second !== "csat" && second !== "nps") {
      return refuse(`Say which score: \`signals ${first} csat <n>\` or \`signals ${first} nps <n>\`.`, input);
    }
    field = `${first}${second === "csat" ? "Csat" : "Nps"}` as ThresholdField;
    valueWord = third;
    extra = rest;
  } else {
    return refuse(`I don't know the signal rule \`${escapeMrkdwn(first.slice(0, 40))}\`.\n${THRESHOLDS_HELP}`, input);
  }
  if (extra.length > 0) return refuse(`${RANGES[field].what}.`, input);
  const checked = checkThresholdValue(field, valueWord);
  if (!checked.ok) return refuse(checked.problem, input);
  const value = checked.value;
  const problem = conflictOf({ ...current, [field]: value });
  return problem ? refuse(problem, input) : { ok: true, change: { kind: "set", field, value } };
}

/** One threshold's value as typed: the rule and message of the command and of Settings. */
export function checkThresholdValue(
  field: ThresholdField,
  valueWord: string | undefined,
): { ok: true; value: number } | { ok: false; problem: string } {
  const range = RANGES[field];
  if (valueWord === undefined || valueWord === "") return { ok: false, problem: `Give a number: ${range.what}.` };
  if (!/^\d{1,3}$/.test(valueWord)) return { ok: false, problem: `${range.what}.` };
  const value = Number(valueWord);
  if (value < range.min || value > range.max) return { ok: false, problem: `${range.what}; ${value} is out of range.` };
  return { ok: true, value };
}

/**
 * Every threshold at once, as a form gives them (App Home → Settings): an empty field is the
 * default; each value is checked by checkThresholdValue and the whole set by conflictOf (under
 * the field that moved, or the detractor's). Problems are mrkdwn and quote what was typed.
 */
export function readThresholds(
  typed: Partial<Record<ThresholdField, string>>,
  current: SignalThresholds,
): { rules: SignalThresholds; problems: Partial<Record<ThresholdField, string>> } {
  const rules = { ...current };
  const problems: Partial<Record<ThresholdField, string>> = {};
  for (const field of Object.keys(DEFAULT_THRESHOLDS) as ThresholdField[]) {
    const text = typed[field];
    if (text === undefined) continue;
    const trimmed = text.trim();
    if (trimmed === "") {
      rules[field] = DEFAULT_THRESHOLDS[field];
      continue;
    }
    const checked = checkThresholdValue(field, trimmed);
    if (checked.ok) rules[field] = checked.value;
    else problems[field] = `${checked.problem} You typed “${escapeMrkdwn(trimmed.slice(0, 40))}”.`;
  }
  const pairs: Array<[ThresholdField, ThresholdField]> = [
    ["detractorCsat", "praiseCsat"],
    ["detractorNps", "praiseNps"],
  ];
  for (const [detractor, praise] of pairs) {
    if (problems[detractor] || problems[praise] || rules[detractor] < rules[praise]) continue;
    const problem = conflictOf({ ...DEFAULT_THRESHOLDS, [detractor]: rules[detractor], [praise]: rules[praise] });
    const at = rules[praise] !== current[praise] && rules[detractor] === current[detractor] ? praise : detractor;
    if (problem) problems[at] = problem.replace(" Change the other threshold first.", "");
  }
  return { rules, problems };
}

/** Why a set of thresholds can't hold (a score that would be both a detractor and praise), or null. */
export function conflictOf(rules: SignalThresholds): string | null {
  if (rules.detractorCsat >= rules.praiseCsat) {
    return `A detractor's CSAT (≤ ${rules.detractorCsat}) must stay below praise (≥ ${rules.praiseCsat}): one rating can't be both. Change the other threshold first.`;
  }
  if (rules.detractorNps >= rules.praiseNps) {
    return `A detractor's NPS (≤ ${rules.detractorNps}) must stay below praise (≥ ${rules.praiseNps}): one rating can't be both. Change the other threshold first.`;
  }
  return null;
}

export function applyChange(current: SignalThresholds, change: ThresholdChange): SignalThresholds {
  return change.kind === "reset" ? { ...DEFAULT_THRESHOLDS } : { ...current, [change.field]: change.value };
}

const marked = (rules: SignalThresholds, field: ThresholdField) =>
  rules[field] === DEFAULT_THRESHOLDS[field] ? "" : ` _(default ${DEFAULT_THRESHOLDS[field]})_`;

/** The rules as an admin reads them. */
export function renderThresholds(rules: SignalThresholds): string {
  return [
    `• *Detractor* → a recovery opens by itself: CSAT ≤ ${rules.detractorCsat} of 5${marked(rules, "detractorCsat")} (or “bad”), NPS ≤ ${rules.detractorNps}${marked(rules, "detractorNps")}. The deadline counts from when the customer rated.`,
    `• *Praise* → with a comment, a nomination by the customer for the agent: CSAT ≥ ${rules.praiseCsat} of 5${marked(rules, "praiseCsat")} (or “good”), NPS ≥ ${rules.praiseNps}${marked(rules, "praiseNps")}.`,
    `• *Nudges*: at most ${rules.nudgesPerDay} per person per day${marked(rules, "nudgesPerDay")}, 09:00–18:00 in their time zone.`,
  ].join("\n");
}

/** How a change reads in the confirmation. */
export function describeChange(change: ThresholdChange, rules: SignalThresholds): string {
  if (change.kind === "reset") return ":white_check_mark: Signal rules are back to the defaults.";
  const labels: Record<ThresholdField, string> = {
    detractorCsat: `A CSAT of ${rules.detractorCsat} of 5 or less now opens a recovery.`,
    detractorNps: `An NPS of ${rules.detractorNps} or less now opens a recovery.`,
    praiseCsat: `A CSAT of ${rules.praiseCsat} of 5 or more is now praise.`,
    praiseNps: `An NPS of ${rules.praiseNps} or more is now praise.`,
    nudgesPerDay: `People now get at most ${rules.nudgesPerDay} ${rules.nudgesPerDay === 1 ? "nudge" : "nudges"} a day.`,
  };
  return `:white_check_mark: ${labels[change.field]} Signals already received keep what they did.`;
}
