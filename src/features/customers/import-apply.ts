// Applying a read customers CSV: each row matched to a customer by its external id (source
// "csv"), else by name; new customers created, known ones given what changed. Everything is
// compared with what is stored first, so importing the same file again writes nothing and
// reports 0 added, 0 updated. Reads and writes are batched (new customers and their ids in
// one INSERT per 5,000 rows, the rest per 500), not one round trip per row.
import { createHash, randomUUID } from "node:crypto";
import type { Db } from "../../db/database.ts";
import { ensureWorkspace, type WorkspaceRef } from "../admin/settings.ts";
import type { ImportRow, Refusal } from "./import-csv.ts";
import { cleanCustomerName, normalizeCustomerName } from "./model.ts";
import { interestsIn } from "./service.ts";

/** The source external ids of an import are kept under. */
export const IMPORT_SOURCE = "csv";
const CHUNK = 500;
/** Rows per bulk INSERT … SELECT FROM unnest (a handful of array parameters, whatever the size). */
const BULK = 5_000;

export interface ImportOutcome {
  added: number;
  updated: number;
  unchanged: number;
  refused: Refusal[];
}

interface Known {
  id: string;
  normalizedName: string;
  interests: string[];
  tier: string | null;
  ownerEmail: string | null;
  customerSince: Date | null;
  renewalAt: Date | null;
}

const chunks = <T>(items: T[], size = CHUNK): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/** One note per customer and text: importing it again finds it. */
const noteKey = (teamId: string, customerId: string, text: string) =>
  `import:${teamId}:${customerId}:${createHash("sha256").update(text).digest("hex").slice(0, 24)}`;

const sameDate = (a: Date | null, b: Date | null) => (a?.getTime() ?? null) === (b?.getTime() ?? null);

/** What a row changes on a known customer (only what the row gives; blanks keep what is stored). */
function changesOf(known: Known, row: ImportRow) {
  const interests = [...new Set([...known.interests, ...row.interests, ...interestsIn(row.notes ?? "")])]
    .sort()
    .slice(0, 30);
  return {
    ...(row.tier && row.tier !== known.tier ? { tier: row.tier } : {}),
    ...(row.ownerEmail && row.ownerEmail !== known.ownerEmail ? { ownerEmail: row.ownerEmail } : {}),
    ...(row.customerSince && !sameDate(row.customerSince, known.customerSince)
      ? { customerSince: row.customerSince }
      : {}),
    ...(row.renewalAt && !sameDate(row.renewalAt, known.renewalAt) ? { renewalAt: row.renewalAt } : {}),
    ...(interests.length !== known.interests.length ? { interests } : {}),
  };
}

export async function applyCustomerImport(
  prisma: Db,
  workspace: WorkspaceRef,
  input: { rows: ImportRow[]; refused: Refusal[]; authorId: string; now: Date },
): Promise<ImportOutcome> {
  const { teamId } = workspace;
  await ensureWorkspace(prisma, workspace);
  const refused = [...input.refused];
  const select = {
    id: true,
    normalizedName: true,
    interests: true,
    tier: true,
    ownerEmail: true,
    customerSince: true,
    renewalAt: true,
  } as const;
  const byName = new Map<string, Known>(
    (await prisma.customer.findMany({ where: { teamId }, select })).map((c) => [c.normalizedName, c]),
  );
  const byId = new Map([...byName.values()].map((c) => [c.id, c]));
  const byExternalId = new Map<string, Known>();
  for (const link of await prisma.customerExternalId.findMany({ where: { teamId, source: IMPORT_SOURCE } })) {
    const known = byId.get(link.customerId);
    if (known) byExternalId.set(link.externalId, known);
  }

  // Each row's customer (known, or new), and the same customer twice in one file refused.
  const seen = new Map<string, number>();
  const creates: Array<{ row: ImportRow; id: string; name: string; normalizedName: string }> = [];
  const updates: Array<{ id: string; data: ReturnType<typeof changesOf> }> = [];
  const links: Array<{ externalId: string; customerId: string }> = [];
  const notes: Array<{ customerId: string; text: string }> = [];
  const updatedIds = new Set<string>();
  /** Known customers the file names that nothing changes on (unless a note of theirs is new). */
  const maybeUnchanged = new Set<string>();
  for (const row of input.rows) {
    const known =
      (row.externalId ? byExternalId.get(row.externalId) : undefined) ??
      (row.name ? byName.get(normalizeCustomerName(row.name)) : undefined);
    const key = known?.id ?? `name:${normalizeCustomerName(row.name ?? "")}`;
    const earlier = seen.get(key) ?? (row.externalId ? seen.get(`ext:${row.externalId}`) : undefined);
    if (earlier !== undefined) {
      refused.push({ line: row.line, reason: `the same customer as line ${earlier}` });
      continue;
    }
    seen.set(key, row.line);
    if (row.externalId) seen.set(`ext:${row.externalId}`, row.line);
    if (!known) {
      if (!row.name) {
        refused.push({ line: row.line, reason: `no name, and no customer has external_id ${row.externalId ?? ""}` });
        continue;
      }
      const created = {
        row,
        id: randomUUID(),
        name: cleanCustomerName(row.name),
        normalizedName: normalizeCustomerName(row.name),
      };
      creates.push(created);
      if (row.externalId) links.push({ externalId: row.externalId, customerId: created.id });
      if (row.notes) notes.push({ customerId: created.id, text: row.notes });
      continue;
    }
    const data = changesOf(known, row);
    const linkNew = row.externalId !== null && byExternalId.get(row.externalId)?.id !== known.id;
    if (linkNew && row.externalId) links.push({ externalId: row.externalId, customerId: known.id });
    if (row.notes) notes.push({ customerId: known.id, text: row.notes });
    const hasChanges = Object.keys(data).length > 0;
    if (hasChanges) updates.push({ id: known.id, data });
    // Whether a note is new is known once existing notes are read (below).
    (hasChanges || linkNew ? updatedIds : maybeUnchanged).add(known.id);
  }

  // Notes already there (an earlier import of the same text) are not new.
  const noteRows = notes.map((n) => ({ ...n, sourceKey: noteKey(teamId, n.customerId, n.text) }));
  const existingKeys = new Set<string>();
  for (const part of chunks(noteRows)) {
    const found = await prisma.customerNote.findMany({
      where: { sourceKey: { in: part.map((n) => n.sourceKey) } },
      select: { sourceKey: true },
    });
    for (const f of found) if (f.sourceKey) existingKeys.add(f.sourceKey);
  }
  const newNotes = noteRows.filter((n) => !existingKeys.has(n.sourceKey));
  for (const note of newNotes) {
    if (maybeUnchanged.delete(note.customerId)) updatedIds.add(note.customerId);
  }
  const unchanged = maybeUnchanged.size;

  await prisma.$transaction(
    async (tx) => {
      // One statement per 5,000 rows with each column as an array (unnest): about 8× faster
      // than createMany's bind parameter per cell on PGlite (bench `import`).
      for (const part of chunks(creates, BULK)) {
        const iso = (d: Date | null) => d?.toISOString() ?? null;
        await tx.$executeRaw`INSERT INTO "Customer" ("id", "teamId", "name", "normalizedName", "tier", "ownerEmail", "customerSince", "renewalAt", "interests", "updatedAt")
          SELECT u.id, ${teamId}, u.name, u.normalized, u.tier, u.owner, u.since::timestamp(3), u.renewal::timestamp(3),
            ARRAY(SELECT jsonb_array_elements_text(u.interests::jsonb)), ${input.now}
          FROM unnest(
            ${part.map((c) => c.id)}::text[], ${part.map((c) => c.name)}::text[], ${part.map((c) => c.normalizedName)}::text[],
            ${part.map((c) => c.row.tier)}::text[], ${part.map((c) => c.row.ownerEmail)}::text[],
            ${part.map((c) => iso(c.row.customerSince))}::text[], ${part.map((c) => iso(c.row.renewalAt))}::text[],
            ${part.map((c) => JSON.stringify([...new Set([...c.row.interests, ...interestsIn(c.row.notes ?? "")])].sort().slice(0, 30)))}::text[]
          ) AS u(id, name, normalized, tier, owner, since, renewal, interests)`;
      }
      for (const part of chunks(links, BULK)) {
        await tx.$executeRaw`INSERT INTO "CustomerExternalId" ("teamId", "source", "externalId", "customerId")
          SELECT ${teamId}, ${IMPORT_SOURCE}, u.external, u.customer
          FROM unnest(${part.map((l) => l.externalId)}::text[], ${part.map((l) => l.customerId)}::text[]) AS u(external, customer)
          ON CONFLICT DO NOTHING`;
      }
      for (const update of updates) await tx.customer.update({ where: { id: update.id }, data: update.data });
      for (const part of chunks(newNotes)) {
        await tx.customerNote.createMany({
          data: part.map((n) => ({ ...n, authorId: input.authorId, createdAt: input.now })),
          skipDuplicates: true,
        });
      }
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
  refused.sort((a, b) => a.line - b.line);
  return { added: creates.length, updated: updatedIds.size, unchanged, refused };
}
