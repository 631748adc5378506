// The gesture model's client (and WordNet, 34 MB once loaded), shared by every feature that asks for surprise ideas (/surprise,
// nudges): one client per configuration, loaded only when a key is configured, so apps
// without a model never load the SDK.
import type { ModelClient } from "../../ai/openai-client.ts";
import type { AppDeps } from "../../deps.ts";
import { lazyLexicon, type LexiconSource } from "./lexicon.ts";
import { DEFAULT_MODEL_DEADLINE_MS } from "./suggest.ts";

export interface SurpriseModel {
  model: Promise<ModelClient | null> | null;
  /** The model's whole budget for one answer (its retries included). */
  deadlineMs: number;
}

const clients = new WeakMap<AppDeps["config"], SurpriseModel>();

export function surpriseModel(deps: Pick<AppDeps, "config" | "logger">): SurpriseModel {
  const known = clients.get(deps.config);
  if (known) return known;
  // The model gets the whole deadline for one answer: two attempts of half of it each (an
  // attempt that hangs leaves room for one retry), and an overall abort at the deadline, so
  // the answer reaches the person within 15 s whatever the model does.
  const deadlineMs = deps.config.openai.timeoutMs ?? DEFAULT_MODEL_DEADLINE_MS;
  const model: Promise<ModelClient | null> | null = deps.config.openai.apiKey
    ? import("../../ai/openai-client.ts")
        .then(({ createModelClient }) =>
          createModelClient(deps.config.openai, { timeoutMs: Math.ceil(deadlineMs / 2), maxRetries: 1 }),
        )
        .catch((error: unknown) => {
          deps.logger.error("Could not load the OpenAI SDK; surprise ideas come from the catalogue", String(error));
          return null;
        })
    : null;
  const made = { model, deadlineMs };
  clients.set(deps.config, made);
  return made;
}

const lexicons = new WeakMap<AppDeps["config"], LexiconSource>();

/** WordNet for the suggester, loaded once per app on first use, whichever feature asks first. */
export function sharedLexicon(deps: Pick<AppDeps, "config" | "logger">): LexiconSource {
  let lexicon = lexicons.get(deps.config);
  if (!lexicon) {
    lexicon = lazyLexicon(deps.logger);
    lexicons.set(deps.config, lexicon);
  }
  return lexicon;
}
