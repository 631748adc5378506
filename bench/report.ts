// The final summary of `npm run bench`: one line per target, with the figure measured in this
// run and whether it meets the target.
export interface SummaryLine {
  scenario: string;
  measure: string;
  value: string;
  target: string;
  /** undefined: reported for information, no target. */
  pass?: boolean;
}

const lines: SummaryLine[] = [];

export function record(line: SummaryLine): void {
  lines.push(line);
  if (line.pass === false) process.exitCode = 1;
}

/** Records a line whose pass/fail is `value <= limit`. */
export function recordAtMost(scenario: string, measure: string, value: number, limit: number, unit = "", digits = 2) {
  record({
    scenario,
    measure,
    value: `${Number.isFinite(value) ? value.toFixed(digits) : String(value)}${unit}`,
    target: `≤ ${limit}${unit}`,
    pass: value <= limit,
  });
}

export function recordAtLeast(scenario: string, measure: string, value: number, limit: number, unit = "", digits = 2) {
  record({
    scenario,
    measure,
    value: `${Number.isFinite(value) ? value.toFixed(digits) : String(value)}${unit}`,
    target: `≥ ${limit}${unit}`,
    pass: value >= limit,
  });
}

export function printSummary(): void {
  if (lines.length === 0) return;
  const widths = {
    scenario: Math.max(8, ...lines.map((l) => l.scenario.length)),
    measure: Math.max(7, ...lines.map((l) => l.measure.length)),
    value: Math.max(5, ...lines.map((l) => l.value.length)),
    target: Math.max(6, ...lines.map((l) => l.target.length)),
  };
  const row = (cells: [string, string, string, string, string]) =>
    `| ${cells[0].padEnd(widths.scenario)} | ${cells[1].padEnd(widths.measure)} | ${cells[2].padStart(widths.value)} | ${cells[3].padEnd(widths.target)} | ${cells[4].padEnd(4)} |`;
  console.log("\nSummary");
  console.log(row(["scenario", "measure", "value", "target", "pass"]));
  console.log(
    `|${"-".repeat(widths.scenario + 2)}|${"-".repeat(widths.measure + 2)}|${"-".repeat(widths.value + 2)}|${"-".repeat(widths.target + 2)}|------|`,
  );
  for (const l of lines) {
    console.log(row([l.scenario, l.measure, l.value, l.target, l.pass === undefined ? "–" : l.pass ? "yes" : "NO"]));
  }
}
