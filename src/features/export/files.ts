// The export's two files, written as the stories stream in from the database:
// - a CSV (RFC 4180 quoting by csv-stringify, UTF-8 with a byte-order mark so spreadsheet
//   apps read emoji and accents right), one row per story, every cell that a spreadsheet
//   would take for a formula neutralised;
// - a Markdown "story book" grouped by value (L.E.A.D., then Recovery), to read as training
//   material.
// Both collect encoded chunks rather than one growing string; the upload needs the whole
// file in memory once, as a Buffer.
import { once } from "node:events";
import { stringify } from "csv-stringify";
import { DELIGHT_VALUES, VALUE_LABELS, type DelightValue } from "../nominations/parse.ts";
import type { ExportStory } from "./model.ts";

export const CSV_COLUMNS = [
  "date",
  "nominees",
  "nominator",
  "customer",
  "values",
  "story",
  "approver",
  "link",
] as const;

/**
 * A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, or a leading tab or
 * carriage return) gets a leading apostrophe, as OWASP recommends against CSV injection.
 */
export function neutraliseFormula(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

export function isoDate(date: Date, timezone: string): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat("en-CA", {
    timeZone: timezone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(date);
}

export function csvRow(story: ExportStory, timezone: string): string[] {
  return [
    isoDate(story.approvedAt, timezone),
    story.nominees.join(", "),
    story.nominator,
    story.customer,
    story.values.join(", "),
    story.story,
    story.approver,
    story.link,
  ].map(neutraliseFormula);
}

/** Streams stories into an RFC 4180 CSV; resolves with the file and the number of rows. */
export async function buildCsv(
  stories: AsyncIterable<ExportStory>,
  timezone: string,
): Promise<{ content: Buffer; rows: number }> {
  const stringifier = stringify({ header: true, columns: [...CSV_COLUMNS], bom: true, record_delimiter: "windows" });
  const chunks: Buffer[] = [];
  stringifier.on("data", (chunk: Buffer | string) =>
    chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk),
  );
  const ended = once(stringifier, "end");
  let rows = 0;
  for await (const story of stories) {
    rows += 1;
    if (!stringifier.write(csvRow(story, timezone))) await once(stringifier, "drain");
  }
  stringifier.end();
  await ended;
  return { content: Buffer.concat(chunks), rows };
}

const VALUE_HEADINGS: Record<DelightValue, string> = {
  listen: "👂 Listen — they heard what the customer really needed",
  empathize: "🤝 Empathize — they felt what the customer felt",
  attention: "🔍 Attention — they noticed the detail others miss",
  delight: "✨ Delight — they went beyond what was expected",
  recovery: "🔄 Recovery — an OOPS turned into a WOW",
};

/** Markdown-significant characters at the start of a line or inline are escaped so a story reads as written. */
function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>#|~])/g, "\\$1");
}

function storyEntry(story: ExportStory, timezone: string): string {
  const who = story.nominees.length > 0 ? story.nominees.map(escapeMarkdown).join(", ") : "Someone";
  const customer = story.customer ? ` for ${escapeMarkdown(story.customer)}` : "";
  const quoted = story.story
    .split(/\r?\n/)
    .map((line) => `> ${escapeMarkdown(line)}`.trimEnd())
    .join("\n");
  const facts = [
    `${isoDate(story.approvedAt, timezone)}`,
    `nominated by ${escapeMarkdown(story.nominator)}`,
    story.approver ? `approved by ${escapeMarkdown(story.approver)}` : null,
    story.values.length > 0
      ? `values: ${story.values.map((v) => VALUE_LABELS[v as DelightValue] ?? v).join(", ")}`
      : null,
    /^https?:\/\/\S+$/.test(story.link) ? `[link](<${story.link}>)` : null,
  ].filter(Boolean);
  return `### ${who}${customer}\n\n${quoted}\n\n_${facts.join(" · ")}_\n\n`;
}

export interface StoryBookInput {
  title: string;
  /** "1 Jan 2026 – 31 Mar 2026" or "all approved stories until …". */
  rangeLabel: string;
  timezone: string;
  counts: Map<DelightValue | null, number>;
  /** The stories of one group, oldest first (streamed from the database). */
  storiesOf(value: DelightValue | null): AsyncIterable<ExportStory>;
}

/** The story book: an introduction, then one chapter per value with stories, then untagged ones. */
export async function buildStoryBook(input: StoryBookInput): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const write = (text: string) => chunks.push(Buffer.from(text, "utf8"));
  write(
    `# ${input.title}\n\n_${input.rangeLabel}_\n\nReal stories of colleagues delighting real customers, grouped by the **L.E.A.D.** values — Listen, Empathize, Attention, Delight — and **Recovery** (an OOPS turned into a WOW). A story with several values appears in each of its chapters. Read one before a team meeting and ask: what would we do for our next customer?\n\n`,
  );
  const groups: Array<DelightValue | null> = [...DELIGHT_VALUES, null];
  const contents = groups
    .filter((g) => (input.counts.get(g) ?? 0) > 0)
    .map((g) => {
      const n = input.counts.get(g) ?? 0;
      return `- ${g ? VALUE_LABELS[g] : "Other stories"} (${n} ${n === 1 ? "story" : "stories"})`;
    });
  write(`## Contents\n\n${contents.join("\n")}\n\n`);
  for (const group of groups) {
    const count = input.counts.get(group) ?? 0;
    if (count === 0) continue;
    write(`## ${group ? VALUE_HEADINGS[group] : "Other stories — no value tagged"}\n\n`);
    for await (const story of input.storiesOf(group)) write(storyEntry(story, input.timezone));
  }
  return Buffer.concat(chunks);
}
