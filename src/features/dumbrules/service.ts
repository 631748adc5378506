// Dumb rules in the database: recording (once per job), +1s (once per person, by the
// primary key), the first manager decision (a conditional update), lists and the digest's
// figures. Exactly-once comes from these keys and conditions, never from memory.
import type { Db } from "../../db/database.ts";
import type { DumbRule, Prisma } from "../../generated/prisma/client.ts";
import { ensureWorkspace, type WorkspaceRef } from "../admin/settings.ts";
import type { DumbRulesDigest, DumbRuleStatus, DumbRuleView } from "./model.ts";

const withVotes = { _count: { select: { votes: true } } } as const;

function toView(row: DumbRule & { _count: { votes: number } }): DumbRuleView {
  const { _count, sourceKey: _sourceKey, ...rest } = row;
  return { ...rest, plusOnes: _count.votes };
}

export async function getRule(prisma: Db, ruleId: string): Promise<DumbRuleView | null> {
  const row = await prisma.dumbRule.findUnique({ where: { id: ruleId }, include: withVotes });
  return row ? toView(row) : null;
}

/** Records the rule of one job once: a job that runs again finds the rule it recorded. */
export async function recordRule(
  prisma: Db,
  input: { workspace: WorkspaceRef; sourceKey: string; reporterId: string; rule: string; why: string; now: Date },
): Promise<DumbRuleView> {
  await ensureWorkspace(prisma, input.workspace);
  await prisma.dumbRule.createMany({
    data: [
      {
        teamId: input.workspace.teamId,
        reporterId: input.reporterId,
        rule: input.rule,
        why: input.why,
        sourceKey: input.sourceKey,
        createdAt: input.now,
      },
    ],
    skipDuplicates: true,
  });
  const row = await prisma.dumbRule.findUniqueOrThrow({ where: { sourceKey: input.sourceKey }, include: withVotes });
  return toView(row);
}

/** Remembers where the rule's message is (first post wins; a rerun finds it set). */
export async function setRuleMessage(prisma: Db, ruleId: string, channelId: string, ts: string): Promise<void> {
  await prisma.dumbRule.updateMany({ where: { id: ruleId, messageTs: null }, data: { channelId, messageTs: ts } });
}

/** Records what follows a change (its job) in the change's own transaction. */
export type FollowUp = (tx: Prisma.TransactionClient) => Promise<unknown>;

/**
 * A +1 from one person: true when it counted, false when they had already +1'd it. The
 * primary key (ruleId, userId) and ON CONFLICT DO NOTHING make concurrent clicks, from one
 * person or two app instances, count once. `followUp` (the card refresh) is recorded in the
 * same transaction as the vote: a vote is never saved without it.
 */
export async function addPlusOne(
  prisma: Db,
  ruleId: string,
  userId: string,
  now: Date,
  followUp?: FollowUp,
): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.dumbRuleVote.createMany({
      data: [{ ruleId, userId, createdAt: now }],
      skipDuplicates: true,
    });
    if (count === 1) await followUp?.(tx);
    return count === 1;
  });
}

export type DecisionResult = { ok: true; rule: DumbRuleView } | { ok: false; rule: DumbRuleView | null };

/**
 * Kills or keeps an open rule. The first decision wins: the update only matches an open rule.
 * `followUp` (the outcome job) is recorded in the decision's transaction.
 */
export async function decideRule(
  prisma: Db,
  input: {
    ruleId: string;
    teamId: string;
    managerId: string;
    status: Exclude<DumbRuleStatus, "open">;
    note: string;
    now: Date;
  },
  followUp?: FollowUp,
): Promise<DecisionResult> {
  const count = await prisma.$transaction(async (tx) => {
    const decided = await tx.dumbRule.updateMany({
      where: { id: input.ruleId, teamId: input.teamId, status: "open" },
      data: { status: input.status, decidedBy: input.managerId, decidedAt: input.now, decisionNote: input.note },
    });
    if (decided.count === 1) await followUp?.(tx);
    return decided.count;
  });
  const rule = await getRule(prisma, input.ruleId);
  return count === 1 && rule ? { ok: true, rule } : { ok: false, rule };
}

/** Open rules, most +1s first (then oldest first); `total` counts them all. */
export async function listOpenRules(
  prisma: Db,
  teamId: string,
  limit: number,
): Promise<{ rules: DumbRuleView[]; total: number }> {
  const where = { teamId, status: "open" as const };
  const [rows, total] = await Promise.all([
    prisma.dumbRule.findMany({
      where,
      include: withVotes,
      orderBy: [{ votes: { _count: "desc" } }, { createdAt: "asc" }, { id: "asc" }],
      take: limit,
    }),
    prisma.dumbRule.count({ where }),
  ]);
  return { rules: rows.map(toView), total };
}

/** The digest's dumb-rule figures for a period (after start, up to and including end). */
export async function gatherDumbRulesDigest(
  prisma: Db,
  teamId: string,
  period: { start: Date; end: Date },
  limit: number,
): Promise<DumbRulesDigest> {
  const inPeriod = { gt: period.start, lte: period.end };
  const newWhere = { teamId, createdAt: inPeriod };
  const killedWhere = { teamId, status: "killed" as const, decidedAt: inPeriod };
  const [newRows, newCount, open, killedRows, killedCount] = await Promise.all([
    prisma.dumbRule.findMany({ where: newWhere, include: withVotes, orderBy: { createdAt: "desc" }, take: limit }),
    prisma.dumbRule.count({ where: newWhere }),
    listOpenRules(prisma, teamId, limit),
    prisma.dumbRule.findMany({ where: killedWhere, include: withVotes, orderBy: { decidedAt: "desc" }, take: limit }),
    prisma.dumbRule.count({ where: killedWhere }),
  ]);
  return {
    newRules: newRows.map(toView),
    newCount,
    topOpen: open.rules,
    openCount: open.total,
    killed: killedRows.map(toView),
    killedCount,
  };
}
