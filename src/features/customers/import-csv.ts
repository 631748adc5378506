// Reading a customers CSV (`/delight-admin import customers`): streamed through csv-parse, each
// row checked on its own so one broken row is refused with its line number and the rest go in.
// The file as a whole is refused past 5 MB or 20,000 rows (nothing is imported then).
import { Readable } from "node:stream";
import { parse, type CsvError, type Info } from "csv-parse";
import { z } from "zod";
import { CUSTOMER_NAME_MAX, NOTE_MAX } from "./model.ts";

export const IMPORT_MAX_BYTES = 5 * 1024 * 1024;
export const IMPORT_MAX_ROWS = 20_000;
/** Refusals listed in the answer (all are counted). */
export const REFUSALS_SHOWN = 20;

export const IMPORT_COLUMNS = [
  "name",
  "external_id",
  "tier",
  "interests",
  "notes",
  "owner_email",
  "customer_since",
  "renewal_at",
] as const;

export interface ImportRow {
  /** The line the row ends on in the file (the header is line 1). */
  line: number;
  name: string | null;
  externalId: string | null;
  tier: string | null;
  interests: string[];
  notes: string | null;
  ownerEmail: string | null;
  customerSince: Date | null;
  renewalAt: Date | null;
}

export interface Refusal {
  line: number;
  reason: string;
}

export type ReadResult = { ok: true; rows: ImportRow[]; refused: Refusal[] } | { ok: false; problem: string };

/** Thrown into the stream to stop reading a file that is refused as a whole. */
class FileRefused extends Error {}

const blankToNull = (value: string | undefined): string | null => {
  const trimmed = (value ?? "").trim();
  return trimmed === "" ? null : trimmed;
};

/** 2026-12-05, or a full ISO 8601 date and time. */
function dateOf(value: string | null): Date | null | "bad" {
  if (!value) return null;
  if (!/^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) return "bad";
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(ms)) return "bad";
  // 2026-02-31 parses as March: refuse a day that does not exist.
  const day = new Date(ms).toISOString().slice(0, 10);
  return day === value.slice(0, 10) ? new Date(ms) : "bad";
}

const email = z.email();

/** One record (by column name) checked: a row to import, or why it is refused. */
export function checkRow(record: Record<string, string | undefined>, line: number): ImportRow | Refusal {
  const name = blankToNull(record.name);
  const externalId = blankToNull(record.external_id);
  if (!name && !externalId) return { line, reason: "no name and no external_id" };
  if (name && name.length > CUSTOMER_NAME_MAX) return { line, reason: `name is over ${CUSTOMER_NAME_MAX} characters` };
  if (externalId && externalId.length > 200) return { line, reason: "external_id is over 200 characters" };
  const tier = blankToNull(record.tier);
  if (tier && tier.length > 60) return { line, reason: "tier is over 60 characters" };
  const interests = [
    ...new Set(
      (record.interests ?? "")
        .split(";")
        .map((i) => i.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
  if (interests.length > 30) return { line, reason: "more than 30 interests" };
  if (interests.some((i) => i.length > 60)) return { line, reason: "an interest is over 60 characters" };
  const notes = blankToNull(record.notes);
  if (notes && notes.length > NOTE_MAX) return { line, reason: `notes are over ${NOTE_MAX} characters` };
  const ownerRaw = blankToNull(record.owner_email);
  const ownerEmail = ownerRaw ? ownerRaw.toLowerCase() : null;
  if (ownerEmail && !email.safeParse(ownerEmail).success)
    return { line, reason: "owner_email is not an email address" };
  const customerSince = dateOf(blankToNull(record.customer_since));
  if (customerSince === "bad") return { line, reason: "customer_since is not a date (use 2026-12-05)" };
  const renewalAt = dateOf(blankToNull(record.renewal_at));
  if (renewalAt === "bad") return { line, reason: "renewal_at is not a date (use 2026-12-05)" };
  return { line, name, externalId, tier, interests, notes, ownerEmail, customerSince, renewalAt };
}

/**
 * Reads a CSV stream: the header names the columns (any order; `name` or `external_id` must be
 * among them; unknown columns are ignored). Stops, refusing the file, past the size or row limit.
 */
export async function readCustomersCsv(input: Readable): Promise<ReadResult> {
  const rows: ImportRow[] = [];
  const refused: Refusal[] = [];
  let bytes = 0;
  let headerProblem: string | null = null;
  const parser = parse({
    bom: true,
    trim: false,
    skip_empty_lines: true,
    relax_column_count: true,
    skip_records_with_error: true,
    info: true,
    columns: (header: string[]) => {
      const names = header.map((h) => h.trim().toLowerCase());
      if (!names.includes("name") && !names.includes("external_id")) {
        headerProblem = `The first line must name the columns (${IMPORT_COLUMNS.join(", ")}); it has no \`name\` or \`external_id\` column.`;
      }
      return names;
    },
  });
  parser.on("skip", (error: CsvError) => {
    refused.push({
      line: typeof error.lines === "number" ? error.lines : 0,
      reason: `not valid CSV (${error.code.toLowerCase().replace(/_/g, " ")})`,
    });
  });
  const counted = async function* (source: Readable) {
    for await (const chunk of source) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      bytes += buffer.length;
      if (bytes > IMPORT_MAX_BYTES) throw new FileRefused("The file is over 5 MB: split it into smaller files.");
      yield buffer;
    }
  };
  try {
    const source = Readable.from(counted(input));
    // A refusal thrown while reading ends the parser with it (pipe does not pass errors on).
    source.on("error", (error) => parser.destroy(error));
    const records = source.pipe(parser) as AsyncIterable<{ record: Record<string, string>; info: Info }>;
    for await (const { record, info } of records) {
      if (headerProblem) throw new FileRefused(headerProblem);
      if (rows.length + refused.length >= IMPORT_MAX_ROWS) {
        throw new FileRefused(
          `The file has more than ${IMPORT_MAX_ROWS.toLocaleString("en")} rows: split it into smaller files.`,
        );
      }
      const checked = checkRow(record, info.lines);
      if ("reason" in checked) refused.push(checked);
      else rows.push(checked);
    }
  } catch (error) {
    if (error instanceof FileRefused) return { ok: false, problem: error.message };
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, problem: `The file could not be read as CSV (${message.slice(0, 200)}).` };
  }
  if (headerProblem) return { ok: false, problem: headerProblem };
  if (rows.length === 0 && refused.length === 0)
    return { ok: false, problem: "The file has no rows under its header." };
  refused.sort((a, b) => a.line - b.line);
  return { ok: true, rows, refused };
}
