// The built-in suggester on the evaluation set (eval-set.ts), with WordNet loaded once for the
// file: for a context that names an interest, at least two of three ideas refer to it or to a
// term WordNet relates to it; no two reasons in an answer alike (not even one sentence); one
// idea each to give, to do and to say; every guardrail holds. Prints the share that passes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ruleBroken } from "../../../src/features/surprises/guardrails.ts";
import { mentions, sameWord, understand, type Interest } from "../../../src/features/surprises/interests.ts";
import { loadLexicon, type Lexicon } from "../../../src/features/surprises/lexicon.ts";
import {
  GESTURE_KINDS,
  type GestureSuggestion,
  type SuggestionContext,
} from "../../../src/features/surprises/model.ts";
import { suggestBuiltin } from "../../../src/features/surprises/suggester.ts";
import { suggestionContext } from "../../support/surprise-context.ts";
import { EVAL_SET, type EvalCase } from "./eval-set.ts";

const sentences = (why: string) =>
  why
    .split(/(?<=[.!?])\s+/)
    .map((s) => s.trim())
    .filter(Boolean);

/** What is wrong with one answer, empty when it passes. */
export function problemsOf(
  evalCase: EvalCase,
  context: SuggestionContext,
  answer: GestureSuggestion[],
  interests: Interest[],
): string[] {
  const problems: string[] = [];
  if (answer.length !== 3) problems.push(`${answer.length} ideas`);
  const kinds = new Set(answer.map((s) => s.kind));
  if (!GESTURE_KINDS.every((k) => kinds.has(k))) problems.push(`kinds: ${answer.map((s) => s.kind).join(", ")}`);
  for (const s of answer) {
    const broken = ruleBroken(s, context);
    if (broken) problems.push(`${broken}: ${s.title}`);
  }
  const whys = answer.map((s) => s.why.trim());
  if (new Set(whys).size !== whys.length) problems.push("two identical reasons");
  const all = whys.flatMap(sentences);
  if (new Set(all).size !== all.length) problems.push("a sentence repeated across reasons");
  if (evalCase.interest) {
    const interest = interests.find(
      (i) =>
        sameWord(i.words, evalCase.interest ?? "") ||
        i.words.toLowerCase().includes((evalCase.interest ?? "").toLowerCase()) ||
        (evalCase.interest ?? "").toLowerCase().includes(i.lemma ?? "\u0000"),
    );
    if (!interest)
      problems.push(`interest "${evalCase.interest}" not understood (${interests.map((i) => i.words).join(", ")})`);
    else {
      const referring = answer.filter((s) => mentions(`${s.title} ${s.details}`, interest)).length;
      if (referring < 2) problems.push(`${referring} of 3 ideas refer to ${evalCase.interest}`);
    }
  }
  return problems;
}

describe("the built-in suggester on the evaluation set", () => {
  let lexicon: Lexicon;
  const failures: string[] = [];
  let passed = 0;

  beforeAll(async () => {
    ({ lexicon } = await loadLexicon());
  });

  afterAll(() => {
    console.log(
      `Evaluation set: ${passed} of ${EVAL_SET.length} contexts pass (${((passed / EVAL_SET.length) * 100).toFixed(1)} %)` +
        (failures.length ? `\n${failures.join("\n")}` : ""),
    );
  });

  it("holds at least 60 contexts, most of them naming an interest, every occasion, some with history", () => {
    expect(EVAL_SET.length).toBeGreaterThanOrEqual(60);
    expect(EVAL_SET.filter((c) => c.interest).length).toBeGreaterThanOrEqual(50);
    const occasions = new Set(EVAL_SET.map((c) => c.context.occasion));
    expect(occasions.size).toBe(5);
    expect(EVAL_SET.filter((c) => c.context.given?.length || c.context.pastRecoveries?.length).length).toBeGreaterThan(
      2,
    );
  });

  for (const evalCase of EVAL_SET) {
    it(evalCase.name, () => {
      const context = suggestionContext(evalCase.context);
      const understanding = understand(context, lexicon);
      const answer = suggestBuiltin(context, { understanding });
      const problems = problemsOf(evalCase, context, answer, understanding.interests);
      if (problems.length === 0) passed += 1;
      else failures.push(`  ✗ ${evalCase.name}: ${problems.join("; ")}`);
      expect(problems).toEqual([]);
    });
  }
});
