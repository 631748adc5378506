// One structured-output call to the model, bounded in time. Throws on any problem (timeout,
// HTTP error, malformed JSON, refusal, an answer that does not match the schema): the caller
// falls back to the built-in suggester.
import { zodResponseFormat } from "openai/helpers/zod";
import type { ModelClient } from "../../ai/openai-client.ts";
import { withoutLinks } from "../../ai/redact.ts";
import { cutText } from "../../slack/text.ts";
import type { Understanding } from "./interests.ts";
import { keySlug, type GestureSuggestion, type SuggestionContext } from "./model.ts";
import { modelAnswerSchema, systemPrompt, userPrompt } from "./prompt.ts";

export class ModelRefused extends Error {
  constructor(refusal: string) {
    super(`The model refused: ${refusal.slice(0, 200)}`);
    this.name = "ModelRefused";
  }
}

/** Asks the model; `signal` ends the call (and its retries) at the caller's deadline. */
export async function askModel(
  model: ModelClient,
  context: SuggestionContext,
  understanding: Understanding,
  signal: AbortSignal,
): Promise<GestureSuggestion[]> {
  const completion = await model.client.chat.completions.parse(
    {
      model: model.model,
      messages: [
        { role: "system", content: systemPrompt(context) },
        { role: "user", content: userPrompt(context, understanding) },
      ],
      response_format: zodResponseFormat(modelAnswerSchema, "surprise_gestures"),
      temperature: 0.7,
    },
    { signal },
  );
  const message = completion.choices[0]?.message;
  if (!message) throw new Error("The model sent no choice");
  if (message.refusal) throw new ModelRefused(message.refusal);
  if (!message.parsed) throw new Error("The model sent no parsable answer");
  // People read what the model wrote: never a link in it (a link could lead anywhere).
  const shown = (text: string, limit: number) => cutText(withoutLinks(text), limit);
  return message.parsed.suggestions.map((s) => ({
    key: `model:${keySlug(s.title)}`,
    title: shown(s.title, 150),
    details: shown(s.details, 600),
    why: shown(s.why, 400),
    kind: s.kind,
    cost: s.estimated_cost,
    effort: s.effort,
    timing: shown(s.timing, 120),
    source: "model" as const,
  }));
}
