// The optional model (OPENAI_API_KEY, OPENAI_BASE_URL for any OpenAI-compatible server,
// OPENAI_MODEL). Features ask for a client with their own time budget; without a key there
// is none and they use their built-in path. Every call must fall back on any failure: a
// model problem is logged, never shown to a person, and never makes anything late.
import OpenAI from "openai";
import type { Config } from "../config.ts";

export interface ModelClient {
  client: OpenAI;
  model: string;
}

/** A client whose calls give up after `timeoutMs` with at most `maxRetries` retries, or null without a key. */
export function createModelClient(
  config: Config["openai"],
  budget: { timeoutMs: number; maxRetries: number },
): ModelClient | null {
  if (!config.apiKey) return null;
  const client = new OpenAI({
    apiKey: config.apiKey,
    baseURL: config.baseUrl,
    timeout: budget.timeoutMs,
    maxRetries: budget.maxRetries,
  });
  return { client, model: config.model };
}
