// The audit trail: one append per change, in the change's own transaction (a change that
// rolls back leaves no entry, an entry never describes a change that did not happen). There is
// deliberately no update or delete here: only a person's erasure (src/features/people) and
// retention touch existing rows.
import type { Db } from "../../db/database.ts";
import type { Prisma } from "../../generated/prisma/client.ts";
import type { AuditEntryView, AuditInput, AuditQuery, AuditValue } from "./model.ts";

type Client = Db | Prisma.TransactionClient;

export async function recordAudit(db: Client, entry: AuditInput): Promise<void> {
  await db.auditEntry.create({
    data: {
      teamId: entry.teamId,
      actorId: entry.actorId,
      action: entry.action,
      subjectIds: [...new Set(entry.subjectIds ?? [])],
      target: entry.target ?? null,
      before: entry.before ?? undefined,
      after: entry.after ?? undefined,
      createdAt: entry.at,
    },
  });
}

/**
 * The keys whose values differ between two snapshots, as { before, after } holding only those
 * keys: "sla 1 day → 2 hours" rather than every setting twice. Null when nothing changed.
 */
export function diffSnapshots(
  before: Record<string, AuditValue>,
  after: Record<string, AuditValue>,
): { before: Record<string, AuditValue>; after: Record<string, AuditValue> } | null {
  const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (key) => JSON.stringify(before[key] ?? null) !== JSON.stringify(after[key] ?? null),
  );
  if (changed.length === 0) return null;
  return {
    before: Object.fromEntries(changed.map((key) => [key, before[key] ?? null])),
    after: Object.fromEntries(changed.map((key) => [key, after[key] ?? null])),
  };
}

/** The query's days as an instant range: from the first day's start to the last day's end (UTC). */
export function auditRange(query: AuditQuery): { gte?: Date; lt?: Date } {
  const range: { gte?: Date; lt?: Date } = {};
  if (query.from) range.gte = new Date(Date.UTC(query.from.year, query.from.month - 1, query.from.day));
  if (query.to) range.lt = new Date(Date.UTC(query.to.year, query.to.month - 1, query.to.day + 1));
  return range;
}

function whereOf(teamId: string, query: AuditQuery): Prisma.AuditEntryWhereInput {
  const range = auditRange(query);
  return {
    teamId,
    ...(range.gte || range.lt ? { createdAt: range } : {}),
    ...(query.userId ? { OR: [{ actorId: query.userId }, { subjectIds: { has: query.userId } }] } : {}),
  };
}

const toView = (row: {
  id: string;
  actorId: string;
  action: string;
  subjectIds: string[];
  target: string | null;
  before: unknown;
  after: unknown;
  createdAt: Date;
}): AuditEntryView => ({
  ...row,
  before: (row.before ?? null) as Record<string, AuditValue> | null,
  after: (row.after ?? null) as Record<string, AuditValue> | null,
});

/** The newest `limit` entries of the query, newest first, and how many the query holds. */
export async function listAudit(
  prisma: Db,
  teamId: string,
  query: AuditQuery,
  limit: number,
): Promise<{ entries: AuditEntryView[]; total: number }> {
  const where = whereOf(teamId, query);
  const [rows, total] = await Promise.all([
    prisma.auditEntry.findMany({ where, orderBy: [{ createdAt: "desc" }, { seq: "desc" }], take: limit }),
    prisma.auditEntry.count({ where }),
  ]);
  return { entries: rows.map(toView), total };
}

/** Every entry of the query, oldest first, read a page at a time (for the CSV). */
export async function* readAudit(
  prisma: Db,
  teamId: string,
  query: AuditQuery,
  options: { before: Date; pageSize?: number },
): AsyncGenerator<AuditEntryView> {
  const pageSize = options.pageSize ?? 1000;
  const where: Prisma.AuditEntryWhereInput = { AND: [whereOf(teamId, query), { createdAt: { lte: options.before } }] };
  let cursor: { id: string } | undefined;
  for (;;) {
    const rows = await prisma.auditEntry.findMany({
      where,
      orderBy: [{ createdAt: "asc" }, { seq: "asc" }],
      take: pageSize,
      ...(cursor ? { cursor, skip: 1 } : {}),
    });
    for (const row of rows) yield toView(row);
    const last = rows.at(-1);
    if (rows.length < pageSize || !last) return;
    cursor = { id: last.id };
  }
}
