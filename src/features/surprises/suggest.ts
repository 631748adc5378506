// Suggestions for one request: the model's within a deadline, checked by the rules every idea
// obeys (the guardrails, one idea of each kind, no reason repeated, at least two of three on
// the customer's interest), or the built-in suggester's on any model problem. WordNet is
// loaded here, in the job, on first use: never on the ack path.
import type { Logger } from "@slack/bolt";
import type { ModelClient } from "../../ai/openai-client.ts";
import { ruleBroken, SAME_GESTURE_OVERLAP, titleOverlap } from "./guardrails.ts";
import { resolveAnchors } from "./interest-families.ts";
import { mentions, understand, type Understanding } from "./interests.ts";
import type { Lexicon, LexiconSource } from "./lexicon.ts";
import { GESTURE_KINDS, SUGGESTION_COUNT, type GestureSuggestion, type SuggestionContext } from "./model.ts";
import { composeReasons } from "./reasons.ts";
import { suggestBuiltin } from "./suggester.ts";

/** The model's whole budget for one answer by default: the answer reaches people within 15 s. */
export const DEFAULT_MODEL_DEADLINE_MS = 10_000;

export interface SuggestDeps {
  /** The model client, or a promise of it (the SDK is loaded only when a key is configured). */
  model: ModelClient | null | Promise<ModelClient | null>;
  logger: Logger;
  /** Abandon the model after this long (its retries included) and answer from the catalogue. */
  modelDeadlineMs: number;
  /** Wall-clock time (epoch ms) by which the model must have answered, whatever is left of modelDeadlineMs. */
  answerByMs?: number;
  /** WordNet, loaded on first use (in a job, never before an ack); without it interests match by their words. */
  lexicon?: LexiconSource;
}

/** Below this, asking the model is not worth it: the catalogue answers at once. */
const MIN_MODEL_TIME_MS = 500;

export interface SurpriseResult {
  source: "model" | "builtin";
  suggestions: GestureSuggestion[];
}

function withDeadline<T>(work: (signal: AbortSignal) => Promise<T>, ms: number): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  // The race guarantees the deadline even if a call ignored its abort signal.
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`No answer within ${ms} ms`));
    }, ms);
  });
  return Promise.race([work(controller.signal), deadline]).finally(() => clearTimeout(timer));
}

/**
 * Three suggestions for `context`, one of each kind (give, do, say): the model's, each checked
 * against the same rules as the built-in suggester's (a broken one is replaced from it), or
 * the built-in suggester's when there is no model or it fails in any way. Never throws for a
 * model problem; it is logged.
 */
export async function suggestGestures(
  deps: SuggestDeps,
  context: SuggestionContext,
  lexicon?: Lexicon | null,
): Promise<SurpriseResult> {
  const understanding = understand(context, lexicon !== undefined ? lexicon : await loadLexicon(deps));
  const builtin = (): SurpriseResult => ({
    source: "builtin",
    suggestions: suggestBuiltin(context, { understanding }),
  });
  const deadline = Math.min(deps.modelDeadlineMs, (deps.answerByMs ?? Number.POSITIVE_INFINITY) - Date.now());
  const model = deadline < MIN_MODEL_TIME_MS ? null : await deps.model;
  if (!model) return builtin();
  let answered: GestureSuggestion[];
  try {
    answered = await withDeadline(async (signal) => {
      // Loaded on first use: the SDK's helpers cost start-up time that apps without a model never pay.
      const { askModel } = await import("./ask-model.ts");
      return askModel(model, context, understanding, signal);
    }, deadline);
  } catch (error) {
    deps.logger.warn("Surprise model failed; using the built-in suggester", String(error));
    return builtin();
  }
  const kept = checkModelIdeas(answered, context, understanding, deps.logger);
  if (kept.length === 0) return builtin();
  const missing = GESTURE_KINDS.filter((kind) => !kept.some((k) => k.kind === kind));
  const filler = suggestBuiltin(context, { understanding, kinds: missing, keep: kept });
  return { source: "model", suggestions: [...kept, ...filler] };
}

/** The model's ideas that pass the rules every idea obeys, at most one of each kind. */
export function checkModelIdeas(
  answered: GestureSuggestion[],
  context: SuggestionContext,
  understanding: Understanding,
  logger: Pick<Logger, "info">,
): GestureSuggestion[] {
  const kept: GestureSuggestion[] = [];
  for (const suggestion of answered) {
    const problem =
      ruleBroken(suggestion, context) ??
      (kept.some((k) => titleOverlap(k.title, suggestion.title) >= SAME_GESTURE_OVERLAP) ? "a repeat" : null) ??
      (kept.some((k) => k.kind === suggestion.kind) ? `a second idea to ${suggestion.kind ?? "give"}` : null);
    if (problem) logger.info(`Dropped a model suggestion (${problem}): ${suggestion.title.slice(0, 80)}`);
    else if (kept.length < SUGGESTION_COUNT) kept.push(suggestion);
  }
  // At least two of three ideas build on the customer's interest: model ideas that do not make
  // way (the last first) for ideas that do, when there are too few left to fill.
  const primary = understanding.interests[0];
  if (primary) {
    const onInterest = (s: GestureSuggestion) => mentions(`${s.title} ${s.details}`, primary);
    while (
      kept.length > 0 &&
      kept.filter(onInterest).length + (SUGGESTION_COUNT - kept.length) < Math.min(2, SUGGESTION_COUNT)
    ) {
      const index = kept.findLastIndex((s) => !onInterest(s));
      if (index < 0) break;
      const [dropped] = kept.splice(index, 1);
      logger.info(`Dropped a model suggestion (not about ${primary.words}): ${dropped?.title.slice(0, 80) ?? ""}`);
    }
  }
  // A reason is about one idea: when the model repeats one word for word, each idea's reason
  // also cites what it rests on (its interest, the occasion, the history), as the built-in ones do.
  const reasons = kept.map((s) => s.why.trim().toLowerCase());
  if (new Set(reasons).size === reasons.length) return kept;
  const cited = composeReasons(
    kept.map((s) => ({
      rationale: s.why,
      interest: primary && mentions(`${s.title} ${s.details}`, primary) ? primary : null,
      via: null,
    })),
    context,
  );
  return kept.map((s, i) => ({ ...s, why: cited[i] ?? s.why }));
}

/** The lexicon with the suggester's anchors resolved (once per lexicon), or null without one. */
export async function loadLexicon(deps: Pick<SuggestDeps, "lexicon">): Promise<Lexicon | null> {
  const lexicon = deps.lexicon ? await deps.lexicon() : null;
  if (lexicon) resolveAnchors(lexicon);
  return lexicon;
}
