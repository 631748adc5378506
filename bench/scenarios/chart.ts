// Drawing one insight chart (Vega-Lite → SVG → PNG with resvg): the first chart in a fresh
// process (loading vega and the fonts) and then the median of 10, for the recognition chart
// with 40 people shown out of 300, the biggest of the three.
import { performance } from "node:perf_hooks";
import { recognitionSpec, renderPng } from "../../src/features/insights/charts.ts";
import type { InsightsData } from "../../src/features/insights/model.ts";
import { recordAtMost } from "../report.ts";

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

export async function runChart(): Promise<void> {
  console.log("\nOne insight chart (recognition per person, 300 people)");
  const data: InsightsData = {
    day: "2026-11-26",
    people: Array.from({ length: 300 }, (_, i) => ({
      userId: `U${i}`,
      name: `Person ${i}`,
      count: Math.max(0, 30 - i),
    })),
    storiesChannelId: "C0STORIES",
    membersRead: true,
    weeks: [],
    values: { listen: 1, empathize: 2, attention: 3, delight: 4, recovery: 5 },
    spread: { recipients: 30, received: 465, topRecipients: 3, topShare: 0.18, population: 300, nonGivers: [] },
  };
  const spec = recognitionSpec(data);
  let t0 = performance.now();
  const first = await renderPng(spec);
  const cold = performance.now() - t0;
  const times: number[] = [];
  for (let i = 0; i < 10; i++) {
    t0 = performance.now();
    await renderPng(spec);
    times.push(performance.now() - t0);
  }
  const warm = median(times);
  console.log(
    `  first chart ${cold.toFixed(0)} ms (loads vega, vega-lite, resvg and fonts); then median ${warm.toFixed(0)} ms of 10; PNG ${(first.length / 1024).toFixed(0)} KB, ${first.readUInt32BE(16)}×${first.readUInt32BE(20)} px`,
  );
  recordAtMost("chart", "one chart, first in the process", cold, 5000, " ms", 0);
  recordAtMost("chart", "one chart, median of 10", warm, 1000, " ms", 0);
}
