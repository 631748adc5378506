// A workspace's signal rules (`/delight-admin signals …`): who owns a recovery opened from a
// signal when no agent maps to a Slack person.
import type { Db } from "../../db/database.ts";

export async function signalsOwner(prisma: Db, teamId: string): Promise<string | null> {
  const row = await prisma.signalSettings.findUnique({ where: { teamId }, select: { ownerId: true } });
  return row?.ownerId ?? null;
}

export async function setSignalsOwner(prisma: Db, teamId: string, ownerId: string | null): Promise<void> {
  await prisma.signalSettings.upsert({ where: { teamId }, create: { teamId, ownerId }, update: { ownerId } });
}
