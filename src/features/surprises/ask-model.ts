// One structured-output call to the model, bounded in time. Throws on any problem (timeout,
// HTTP error, malformed JSON, refusal, an answer that does not match the schema): the caller
// falls back to the built-in suggester.
import { zodResponseFormat } from "openai/helpers/zod";
import type { ModelClient } from "../../ai/openai-client.ts";
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
  return message.parsed.suggestions.map((s) => ({
    key: `model:${keySlug(s.title)}`,
    title: s.title.trim().slice(0, 150),
    details: s.details.trim().slice(0, 600),
    why: s.why.trim().slice(0, 400),
    kind: s.kind,
    cost: s.estimated_cost,
    effort: s.effort,
    timing: s.timing.trim().slice(0, 120),
    source: "model" as const,
  }));
}
