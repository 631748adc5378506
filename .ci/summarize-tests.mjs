// Prints vitest's JSON report as one plain closing line: "tests: N passed, N failed, N skipped".
import { readFileSync } from "node:fs";

/** @type {{ numPassedTests: number; numFailedTests: number; numPendingTests?: number; numTodoTests?: number }} */
const report = JSON.parse(readFileSync(process.argv[2] ?? "test-results.json", "utf8"));
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`);
process.exit(report.numFailedTests > 0 || report.numPassedTests === 0 ? 1 : 0);
