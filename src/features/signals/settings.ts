// A workspace's signal rules (`/delight-admin signals …`): who owns a recovery opened from a
// signal when no agent maps to a Slack person, and the thresholds (thresholds.ts), stored as
// null while they are the default.
import type { Db } from "../../db/database.ts";
import type { Prisma } from "../../generated/prisma/client.ts";
import { DEFAULT_THRESHOLDS, type SignalThresholds } from "./thresholds.ts";

type Client = Db | Prisma.TransactionClient;

export async function signalsOwner(prisma: Client, teamId: string): Promise<string | null> {
  const row = await prisma.signalSettings.findUnique({ where: { teamId }, select: { ownerId: true } });
  return row?.ownerId ?? null;
}

export async function setSignalsOwner(prisma: Client, teamId: string, ownerId: string | null): Promise<void> {
  await prisma.signalSettings.upsert({ where: { teamId }, create: { teamId, ownerId }, update: { ownerId } });
}

export async function signalThresholds(prisma: Client, teamId: string): Promise<SignalThresholds> {
  const row = await prisma.signalSettings.findUnique({ where: { teamId } });
  return {
    detractorCsat: row?.detractorCsat ?? DEFAULT_THRESHOLDS.detractorCsat,
    detractorNps: row?.detractorNps ?? DEFAULT_THRESHOLDS.detractorNps,
    praiseCsat: row?.praiseCsat ?? DEFAULT_THRESHOLDS.praiseCsat,
    praiseNps: row?.praiseNps ?? DEFAULT_THRESHOLDS.praiseNps,
    nudgesPerDay: row?.nudgesPerDay ?? DEFAULT_THRESHOLDS.nudgesPerDay,
  };
}

/** Stores the rules; a value equal to the default is stored as null (it follows the default). */
export async function setSignalThresholds(prisma: Client, teamId: string, rules: SignalThresholds): Promise<void> {
  const data = Object.fromEntries(
    (Object.keys(DEFAULT_THRESHOLDS) as Array<keyof SignalThresholds>).map((field) => [
      field,
      rules[field] === DEFAULT_THRESHOLDS[field] ? null : rules[field],
    ]),
  );
  await prisma.signalSettings.upsert({ where: { teamId }, create: { teamId, ...data }, update: data });
}

/** The workspace's daily nudge limit per person (src/features/nudges). */
export async function nudgesPerDay(prisma: Client, teamId: string): Promise<number> {
  return (await signalThresholds(prisma, teamId)).nudgesPerDay;
}
