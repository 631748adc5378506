// Run by the `surprises` scenario in a fresh process (node --expose-gc --import tsx), so its
// memory figures are the lexicon's alone: loads WordNet as the app does on the first request,
// then times the built-in suggester (understanding the context with WordNet, then choosing)
// on the evaluation set's contexts, first cold (each context's first run, caches empty), then
// RUNS times warm. Prints one line of JSON.
import { performance } from "node:perf_hooks";
import { resolveAnchors } from "../src/features/surprises/interest-families.ts";
import { understand } from "../src/features/surprises/interests.ts";
import { loadLexicon } from "../src/features/surprises/lexicon.ts";
import type { SuggestionContext } from "../src/features/surprises/model.ts";
import { suggestBuiltin } from "../src/features/surprises/suggester.ts";
import { EVAL_SET } from "../test/features/surprises/eval-set.ts";
import { suggestionContext } from "../test/support/surprise-context.ts";

const RUNS = Number(process.env.BENCH_SUGGEST_RUNS ?? 20_000);

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const rssMb = () => {
  gc();
  return process.memoryUsage().rss / 1024 / 1024;
};
const percentile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

const contexts: SuggestionContext[] = EVAL_SET.map((c) => suggestionContext(c.context));

// The suggester's own code is loaded (imports above) and warmed without WordNet first, so the
// figures below are WordNet's: its load, its memory and what it adds to each suggestion.
for (const context of contexts) suggestBuiltin(context, { understanding: understand(context, null) });
const rssBefore = rssMb();
const heapBefore = process.memoryUsage().heapUsed / 1024 / 1024;

const loadStarted = performance.now();
const { lexicon } = await loadLexicon();
resolveAnchors(lexicon);
const loadMs = performance.now() - loadStarted;
const rssLoaded = rssMb();

const suggest = (context: SuggestionContext) =>
  suggestBuiltin(context, { understanding: understand(context, lexicon) });

const cold: number[] = [];
for (const context of contexts) {
  const started = performance.now();
  suggest(context);
  cold.push(performance.now() - started);
}
// Wall time is what the target is about; CPU time (the process's, from getrusage) is what a
// machine shared with other work does not inflate.
const warm: number[] = [];
const warmCpu: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const context = contexts[i % contexts.length] as SuggestionContext;
  const cpu = process.cpuUsage();
  const started = performance.now();
  suggest(context);
  warm.push(performance.now() - started);
  const used = process.cpuUsage(cpu);
  warmCpu.push((used.user + used.system) / 1000);
}
const rssAfter = rssMb();
const heapAfter = process.memoryUsage().heapUsed / 1024 / 1024;
cold.sort((a, b) => a - b);
warm.sort((a, b) => a - b);
warmCpu.sort((a, b) => a - b);

console.log(
  JSON.stringify({
    contexts: contexts.length,
    runs: RUNS,
    loadMs,
    rssBefore,
    rssLoaded,
    rssAfter,
    heapGrowth: heapAfter - heapBefore,
    coldP50: percentile(cold, 0.5),
    coldP99: percentile(cold, 0.99),
    coldMax: cold.at(-1) ?? 0,
    warmP50: percentile(warm, 0.5),
    warmP99: percentile(warm, 0.99),
    warmMax: warm.at(-1) ?? 0,
    cpuP50: percentile(warmCpu, 0.5),
    cpuP99: percentile(warmCpu, 0.99),
    ...lexicon.stats(),
  }),
);
