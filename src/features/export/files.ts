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

// Building an Intl formatter is slow (tenths of a millisecond): one per timezone, reused for every row.
const dateFormatters = new Map<string, Intl.DateTimeFormat>();
export function isoDate(date: Date, timezone: string): string {
  let formatter = dateFormatters.get(timezone);
  if (!formatter) {
    // en-CA formats as YYYY-MM-DD.
    formatter = new Intl.DateTimeFormat("en-CA", {
      timeZone: timezone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    });
    dateFormatters.set(timezone, formatter);
  }
  return formatter.format(date);
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

/** Writes stories as they come into an RFC 4180 CSV (encoded chunks, not one growing string). */
export class CsvWriter {
  private readonly stringifier = stringify({
    header: true,
    columns: [...CSV_COLUMNS],
    bom: true,
    record_delimiter: "windows",
  });
  private readonly chunks: Buffer[] = [];
  private readonly ended = once(this.stringifier, "end");
  rows = 0;

  constructor(private readonly timezone: string) {
    this.stringifier.on("data", (chunk: Buffer | string) =>
      this.chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk),
    );
  }

  async add(story: ExportStory): Promise<void> {
    this.rows += 1;
    if (!this.stringifier.write(csvRow(story, this.timezone))) await once(this.stringifier, "drain");
  }

  async finish(): Promise<Buffer> {
    this.stringifier.end();
    await this.ended;
    return Buffer.concat(this.chunks);
  }
}

/** Streams stories into an RFC 4180 CSV; resolves with the file and the number of rows. */
export async function buildCsv(
  stories: AsyncIterable<ExportStory>,
  timezone: string,
): Promise<{ content: Buffer; rows: number }> {
  const writer = new CsvWriter(timezone);
  for await (const story of stories) await writer.add(story);
  return { content: await writer.finish(), rows: writer.rows };
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

/**
 * The story book: an introduction, then one chapter per value with stories (L.E.A.D. order,
 * then Recovery), then untagged ones. Stories arrive once, oldest first, and each entry is
 * encoded into its chapters as it comes, so the stories are read from the database once.
 */
export class StoryBookWriter {
  private readonly chapters = new Map<DelightValue | null, Buffer[]>();
  private readonly counts = new Map<DelightValue | null, number>();

  constructor(private readonly input: { title: string; rangeLabel: string; timezone: string }) {}

  add(story: ExportStory): void {
    const entry = Buffer.from(storyEntry(story, this.input.timezone), "utf8");
    const groups = DELIGHT_VALUES.filter((v) => story.values.includes(v));
    for (const group of groups.length > 0 ? groups : [null]) {
      const chapter = this.chapters.get(group) ?? [];
      chapter.push(entry);
      this.chapters.set(group, chapter);
      this.counts.set(group, (this.counts.get(group) ?? 0) + 1);
    }
  }

  finish(): Buffer {
    const text = (t: string) => Buffer.from(t, "utf8");
    const groups: Array<DelightValue | null> = [...DELIGHT_VALUES, null].filter((g) => this.chapters.has(g));
    const contents = groups.map((g) => {
      const n = this.counts.get(g) ?? 0;
      return `- ${g ? VALUE_LABELS[g] : "Other stories"} (${n} ${n === 1 ? "story" : "stories"})`;
    });
    const parts: Buffer[] = [
      text(
        `# ${this.input.title}\n\n_${this.input.rangeLabel}_\n\nReal stories of colleagues delighting real customers, grouped by the **L.E.A.D.** values — Listen, Empathize, Attention, Delight — and **Recovery** (an OOPS turned into a WOW). A story with several values appears in each of its chapters. Read one before a team meeting and ask: what would we do for our next customer?\n\n`,
      ),
      text(`## Contents\n\n${contents.join("\n")}\n\n`),
    ];
    for (const group of groups) {
      parts.push(text(`## ${group ? VALUE_HEADINGS[group] : "Other stories — no value tagged"}\n\n`));
      parts.push(...(this.chapters.get(group) ?? []));
    }
    return Buffer.concat(parts);
  }
}
