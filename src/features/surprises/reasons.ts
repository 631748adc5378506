// "Why it fits", in the customer's own terms: each reason is the idea's own rationale plus a
// sentence citing what it rests on (the interest and where it was learnt, the occasion as it
// was described, what happened before with this customer), and no two reasons in one answer
// share a sentence.
import type { Interest } from "./interests.ts";
import type { SuggestionContext } from "./model.ts";

/** What one idea rests on, for its reason. */
export interface ReasonInput {
  /** The idea's own rationale, already filled in. */
  rationale: string;
  /** The interest it was built on, and the catalogue tag that related it, if any. */
  interest: Interest | null;
  via: string | null;
}

const QUOTE_MAX = 80;

/** The first clause of what happened, short enough to quote, or null. */
export function whatHappened(text: string): string | null {
  const clause = text
    .split(/[;.!?\n]|\s[—–-]\s|,\s*(?:and\s+)?(?:they|she|he|who)\s+(?:love|enjoy|like|adore)/i)
    .map((c) => c.trim())
    .find((c) => c.length >= 3);
  if (!clause) return null;
  if (clause.length <= QUOTE_MAX) return clause;
  const cut = clause.slice(0, QUOTE_MAX);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(" "), 40))}…`;
}

const REPEATED = /\b(twice|again|third|second time|once more|repeated\w*|keeps? (?:happening|going wrong))\b/i;

/** Sentences citing the occasion, the one quoting what happened first. */
function occasionSentences(context: SuggestionContext): string[] {
  const what = whatHappened(context.text);
  const quoted = what ? `“${what}”` : null;
  const name = context.customerName;
  switch (context.occasion) {
    case "recovery":
      return [
        quoted
          ? `It answers what went wrong (${quoted})${REPEATED.test(context.text) ? ", and it went wrong more than once" : ""}.`
          : "It answers the mistake with care rather than a credit note.",
        `After a mistake, it shows ${name} it mattered to people, not just that the ticket was closed.`,
        "It makes up for the trouble in a way a refund never could.",
      ];
    case "milestone":
      return [
        quoted ? `It marks their moment (${quoted}).` : "It marks their milestone while it is fresh.",
        `It marks ${name}'s moment in a way they will remember and tell others about.`,
        "It celebrates with them rather than selling to them.",
      ];
    case "thank_you":
      return [
        quoted ? `It says thank you for something specific (${quoted}).` : "It says thank you for something specific.",
        `It thanks ${name} the way a person would, not the way a company does.`,
        "It turns a thank-you into something they will remember.",
      ];
    case "loyalty":
      return [
        quoted ? `It rewards their loyalty (${quoted}).` : "It rewards their loyalty personally.",
        `It rewards ${name}'s loyalty the way a friend would.`,
        "It says their years with you are noticed.",
      ];
    case "hardship":
      return [
        quoted
          ? `It is meant for a hard time (${quoted}) and asks nothing back.`
          : "It asks nothing back in a hard time.",
        `It supports ${name} through a hard time without asking anything in return.`,
        "It is about them, not about their account.",
      ];
  }
}

const SOURCE_WORDS: Record<Interest["source"], string> = {
  form: "named for this request",
  context: "mentioned for this request",
  note: "from your notes",
  record: "on their record",
};

function interestSentences(interest: Interest, via: string | null): string[] {
  const where = SOURCE_WORDS[interest.source];
  const sentences = [
    via && via.toLowerCase() !== interest.words.toLowerCase()
      ? `It rests on their love of ${interest.words} (${where}), a kind of ${via}.`
      : `It rests on their love of ${interest.words} (${where}).`,
    `Picked with ${interest.words} in mind (${where}).`,
    `What they care about: ${interest.words} (${where}).`,
  ];
  return sentences;
}

function historySentences(context: SuggestionContext): string[] {
  const sentences: string[] = [];
  const liked = context.worked[0];
  if (liked) sentences.push(`It builds on what worked before (“${short(liked)}”).`);
  const recoveries = context.pastRecoveries.length;
  if (recoveries > 0) {
    const labels = context.pastRecoveries
      .map((r) => /^[A-Z]+-\d+/.exec(r)?.[0])
      .filter(Boolean)
      .slice(0, 3)
      .join(", ");
    sentences.push(
      recoveries === 1
        ? `They have been through a recovery with you before${labels ? ` (${labels})` : ""}: make this one count.`
        : `They have had ${recoveries} earlier recoveries with you${labels ? ` (${labels})` : ""}: make this one count.`,
    );
  }
  if (context.given.length > 0) {
    sentences.push(
      `It is new to them: nothing like it among the ${context.given.length} gesture${context.given.length === 1 ? "" : "s"} they have had.`,
    );
  }
  const disliked = context.disliked[0];
  if (disliked) sentences.push(`It steers clear of what they did not take to (“${short(disliked)}”).`);
  return sentences;
}

function short(title: string): string {
  return title.length <= 60 ? title : `${title.slice(0, 57).replace(/\s+\S*$/, "")}…`;
}

/**
 * The reasons for one answer's ideas, in order. Ideas built on an interest cite it; the first
 * idea without one cites the occasion; history is cited once where it exists; every reason
 * cites at least one of them and none repeats another's sentence.
 */
export function composeReasons(ideas: ReasonInput[], context: SuggestionContext): string[] {
  const used = new Set<string>();
  const take = (candidates: string[]): string | null => {
    const free = candidates.find((c) => !used.has(c));
    if (free) used.add(free);
    return free ?? null;
  };
  const occasion = occasionSentences(context);
  const history = historySentences(context);
  let occasionCited = false;
  let historyCited = false;
  return ideas.map((idea, index) => {
    const parts = [idea.rationale.trim()];
    used.add(parts[0] as string);
    if (idea.interest) {
      const sentence = take(interestSentences(idea.interest, idea.via));
      if (sentence) parts.push(sentence);
    }
    const isLast = index === ideas.length - 1;
    if (!occasionCited && (!idea.interest || isLast)) {
      const sentence = take(occasion);
      if (sentence) parts.push(sentence);
      occasionCited = true;
    } else if (!historyCited && history.length > 0) {
      const sentence = take(history);
      if (sentence) {
        parts.push(sentence);
        historyCited = true;
      }
    }
    if (parts.length === 1) {
      const sentence = take([...history, ...occasion]);
      if (sentence) parts.push(sentence);
    }
    return parts.join(" ");
  });
}
