// `/delight-admin person @u erase`: removes a person's identity from every table, in one
// transaction.
// 1. Their own free texts become "[removed]" (case descriptions and fixes, updates, customer
//    notes, surprise contexts, dumb rules and decisions, named /holdingback answers and
//    replies, rejection reasons); they stop being a manager or the admin contact; their
//    directory entry becomes "a former colleague"; their insight charts are deleted.
// 2. Then every text, text[] and jsonb column of every table (read from the database's own
//    catalogue, so a table added later is covered without a change here): a mention of them
//    (<@U…>) reads "a former colleague", and their id becomes a tombstone id (so counts and
//    figures stay: a story still has a recipient, a case an owner).
// 3. An audit entry records that an erasure happened, under the tombstone, not what was erased,
//    and ErasedPerson a keyed hash of the id, so the directory never adds them back while
//    they are still in Slack (src/slack/erased-people.ts).
// 4. Every insight chart of the workspace drawn before is deleted (charts name people who
//    were never recognised): managers' Homes draw them again without the person.
// Idempotent: a second run finds nothing left to change and records nothing.
//
// Stories they nominated others for stay (they are the recipients' recognition), with the
// nominator shown as a former colleague.
import { randomUUID } from "node:crypto";
import type { Db } from "../../db/database.ts";
import type { Prisma } from "../../generated/prisma/client.ts";
import { recordAudit } from "../audit/service.ts";
import { recordErasure, type ErasureKeys } from "../../slack/erased-people.ts";
import { TOMBSTONE_PREFIX } from "../../slack/text.ts";

export const REMOVED = "[removed]";
export const FORMER_COLLEAGUE = "a former colleague";

type Tx = Prisma.TransactionClient;

interface TextColumn {
  table: string;
  column: string;
  kind: "text" | "array" | "json";
}

async function textColumns(tx: Tx): Promise<TextColumn[]> {
  const rows = await tx.$queryRawUnsafe<
    Array<{ table_name: string; column_name: string; data_type: string; udt_name: string }>
  >(
    `SELECT table_name, column_name, data_type, udt_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name <> '_prisma_migrations'
        AND (data_type IN ('text', 'jsonb', 'json') OR udt_name = '_text')
      ORDER BY table_name, ordinal_position`,
  );
  return rows.map((r) => ({
    table: r.table_name,
    column: r.column_name,
    kind: r.udt_name === "_text" ? "array" : r.data_type === "text" ? "text" : "json",
  }));
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Slack ids are capital letters and digits; anything else is refused before any SQL. */
export function isSlackUserId(id: string): boolean {
  return /^[UW][A-Z0-9]{2,20}$/.test(id);
}

async function removeOwnTexts(tx: Tx, teamId: string, userId: string): Promise<number> {
  let changed = 0;
  const add = (result: { count: number }) => {
    changed += result.count;
  };
  add(
    await tx.nomination.updateMany({
      where: { teamId, decidedBy: userId, rejectionReason: { not: null } },
      data: { rejectionReason: REMOVED },
    }),
  );
  add(await tx.recoveryCase.updateMany({ where: { teamId, reporterId: userId }, data: { description: REMOVED } }));
  add(
    await tx.recoveryCase.updateMany({
      where: { teamId, resolvedBy: userId, fixSummary: { not: null } },
      data: { fixSummary: REMOVED },
    }),
  );
  add(
    await tx.recoveryCase.updateMany({
      where: { teamId, resolvedBy: userId, surpriseGiven: { not: null } },
      data: { surpriseGiven: REMOVED },
    }),
  );
  add(
    await tx.recoveryEvent.updateMany({
      where: { actorId: userId, text: { not: null }, recoveryCase: { teamId } },
      data: { text: REMOVED },
    }),
  );
  add(await tx.customerNote.updateMany({ where: { authorId: userId, customer: { teamId } }, data: { text: REMOVED } }));
  add(await tx.surpriseRequest.updateMany({ where: { teamId, userId }, data: { context: REMOVED } }));
  add(await tx.dumbRule.updateMany({ where: { teamId, reporterId: userId }, data: { rule: REMOVED, why: REMOVED } }));
  add(
    await tx.dumbRule.updateMany({
      where: { teamId, decidedBy: userId, decisionNote: { not: null } },
      data: { decisionNote: REMOVED },
    }),
  );
  add(await tx.holdingBack.updateMany({ where: { teamId, authorId: userId }, data: { text: REMOVED } }));
  add(
    await tx.holdingBackReply.updateMany({ where: { managerId: userId, answer: { teamId } }, data: { text: REMOVED } }),
  );
  add(await tx.workspaceManager.deleteMany({ where: { teamId, userId } }));
  add(await tx.workspace.updateMany({ where: { teamId, adminContactId: userId }, data: { adminContactId: null } }));
  add(await tx.insightsCharts.deleteMany({ where: { teamId, audience: `user:${userId}` } }));
  add(
    await tx.directoryPerson.updateMany({ where: { teamId, userId }, data: { name: FORMER_COLLEAGUE, deleted: true } }),
  );
  return changed;
}

/** Tables of work in flight (jobs, Slack writes, pacing): scrubbed, not counted. */
const MACHINERY = new Set(["Job", "SlackWrite", "SlackRateGate", "SlackPaceLane"]);

/** Step 2: mentions and ids in every text, text[] and jsonb column of every table. */
async function replaceEverywhere(tx: Tx, userId: string, tombstone: string): Promise<number> {
  let changed = 0;
  const mention = `<@${userId}(\\|[^>]*)?>`;
  for (const { table, column, kind } of await textColumns(tx)) {
    const c = q(column);
    const sql =
      kind === "array"
        ? // Inside elements too ("D… ts tz" card references), not only whole elements.
          `UPDATE ${q(table)} SET ${c} = string_to_array(replace(regexp_replace(array_to_string(${c}, chr(31)), $3, $4, 'g'), $1, $2), chr(31))
            WHERE strpos(array_to_string(${c}, chr(31)), $1) > 0 AND cardinality(${c}) > 0`
        : kind === "text"
          ? `UPDATE ${q(table)} SET ${c} = replace(regexp_replace(${c}, $3, $4, 'g'), $1, $2) WHERE strpos(${c}, $1) > 0`
          : `UPDATE ${q(table)} SET ${c} = replace(regexp_replace(${c}::text, $3, $4, 'g'), $1, $2)::jsonb WHERE strpos(${c}::text, $1) > 0`;
    const count = await tx.$executeRawUnsafe(sql, userId, tombstone, mention, FORMER_COLLEAGUE);
    // The erase job's own row names the person until this very statement: work in flight
    // is scrubbed, but does not count as something left to erase (a second run records nothing).
    if (!MACHINERY.has(table)) changed += count;
  }
  return changed;
}

export type EraseOutcome = { kind: "erased"; tombstone: string } | { kind: "nothing-left" };

export async function erasePerson(
  prisma: Db,
  keys: ErasureKeys,
  input: { teamId: string; userId: string; adminId: string; now: Date },
): Promise<EraseOutcome> {
  if (!isSlackUserId(input.userId)) throw new Error("Not a Slack user id");
  const tombstone = `${TOMBSTONE_PREFIX}${randomUUID().slice(0, 12)}`;
  return prisma.$transaction(
    async (tx) => {
      const own = await removeOwnTexts(tx, input.teamId, input.userId);
      const everywhere = await replaceEverywhere(tx, input.userId, tombstone);
      if (own + everywhere === 0) return { kind: "nothing-left" } as const;
      await recordErasure(tx, keys, input.teamId, input.userId, input.now);
      await tx.insightsCharts.deleteMany({ where: { teamId: input.teamId } });
      // That it happened, by whom and when; not what (the tombstone stands for the person).
      await recordAudit(tx, {
        teamId: input.teamId,
        actorId: input.adminId,
        action: "person.erase",
        subjectIds: [tombstone],
        target: tombstone,
        at: input.now,
      });
      return { kind: "erased", tombstone } as const;
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
}
