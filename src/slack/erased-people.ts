// People erased on request (src/features/people/erase.ts) stay out of the directory: the daily
// users.list sweep, conversations.members and the user_change / team_join events would
// otherwise write their Slack id straight back into the database, while they are still in
// Slack. So the erasure records the person in ErasedPerson, and the directory skips whoever
// is recorded there.
//
// What the record holds: not the id, which an erasure must leave in no table, but a keyed
// hash of it (HMAC-SHA256 of "team:user" under a key derived from the app's encryption key,
// DELIGHT_ENCRYPTION_KEY or the key derived from the Slack secret, config.ts). A copy of the
// database alone cannot tell whose hash it is, nor test a guess; someone holding both the
// database and the key can test whether a given id was erased: that much the app itself must
// be able to do to keep the person out. Old keys (DELIGHT_ENCRYPTION_OLD_KEYS) still match, so
// rotating the key keeps erased people out; losing every key that wrote a record forgets it.
//
// The record is lifted when the person themselves uses Delight again (a command, a button, a
// form or their App Home: someone erased by mistake who is still in Slack comes back by using
// the app). Events about them (user_change, a sweep) never lift it.
import { createHmac } from "node:crypto";
import type { Logger } from "@slack/bolt";
import type { Db } from "../db/database.ts";
import type { Prisma } from "../generated/prisma/client.ts";

export interface ErasureKeys {
  current: Buffer;
  old: Buffer[];
}

type Client = Db | Prisma.TransactionClient;

function hashWith(key: Buffer, teamId: string, userId: string): string {
  // A key of its own (not the encryption key itself), for this one use.
  const derived = createHmac("sha256", key).update("delight:erased-person:v1").digest();
  return createHmac("sha256", derived).update(`${teamId}:${userId}`).digest("base64url");
}

/** The person's hash under every key, the current one first. */
export function erasureHashes(keys: ErasureKeys, teamId: string, userId: string): string[] {
  return [keys.current, ...keys.old].map((key) => hashWith(key, teamId, userId));
}

/** Records an erased person (in the erasure's transaction). */
export async function recordErasure(
  tx: Client,
  keys: ErasureKeys,
  teamId: string,
  userId: string,
  at: Date,
): Promise<void> {
  await tx.erasedPerson.createMany({
    data: [{ teamId, idHash: hashWith(keys.current, teamId, userId), erasedAt: at }],
    skipDuplicates: true,
  });
}

/** The workspace's erased people's hashes (erasures are rare: a handful of rows). */
async function hashesOf(db: Client, teamId: string): Promise<Set<string>> {
  const rows = await db.erasedPerson.findMany({ where: { teamId }, select: { idHash: true } });
  return new Set(rows.map((r) => r.idHash));
}

/** Which of these ids were erased: the directory leaves them out. */
export async function erasedAmong(
  db: Client,
  keys: ErasureKeys,
  teamId: string,
  userIds: string[],
): Promise<Set<string>> {
  const erased = new Set<string>();
  if (userIds.length === 0) return erased;
  const hashes = await hashesOf(db, teamId);
  if (hashes.size === 0) return erased;
  for (const userId of userIds) {
    if (erasureHashes(keys, teamId, userId).some((h) => hashes.has(h))) erased.add(userId);
  }
  return erased;
}

/** Lifts a person's erasure record (they used Delight again); true when there was one. */
export async function liftErasure(db: Client, keys: ErasureKeys, teamId: string, userId: string): Promise<boolean> {
  const { count } = await db.erasedPerson.deleteMany({
    where: { teamId, idHash: { in: erasureHashes(keys, teamId, userId) } },
  });
  return count > 0;
}

/** How long an instance trusts what it last read of a workspace's erasures. */
const WATCH_TTL_MS = 60_000;

/**
 * Notices an erased person using Delight again, on every request, without a database read on
 * the ack path: each workspace's hashes are read at most once a minute, in the background,
 * and the usual answer ("nobody was erased here") is a map look-up. A person using the app in
 * the minute after their erasure may go unnoticed by an instance that had not read it yet:
 * they stay out of the directory until they use it again, the safe side.
 */
export class ErasureWatch {
  private readonly known = new Map<string, { hashes: Set<string>; readAt: number }>();
  private readonly reading = new Map<string, Promise<void>>();

  constructor(
    private readonly prisma: Db,
    private readonly keys: ErasureKeys,
    private readonly logger: Pick<Logger, "warn" | "info">,
    private readonly now: () => number = Date.now,
  ) {}

  /** A person used Delight (a command, an action, a form, their Home). Never throws, never waits. */
  noteOwnUse(teamId: string | null | undefined, userId: string | null | undefined): void {
    if (!teamId || !userId) return;
    const entry = this.known.get(teamId);
    if (entry && this.now() - entry.readAt < WATCH_TTL_MS) {
      this.check(teamId, userId, entry.hashes);
      return;
    }
    void this.read(teamId).then(() => {
      const read = this.known.get(teamId);
      if (read) this.check(teamId, userId, read.hashes);
    });
  }

  /** This instance erased someone in the workspace: read its records again on the next request. */
  forget(teamId: string): void {
    this.known.delete(teamId);
  }

  private check(teamId: string, userId: string, hashes: Set<string>): void {
    if (hashes.size === 0) return;
    if (!erasureHashes(this.keys, teamId, userId).some((h) => hashes.has(h))) return;
    void liftErasure(this.prisma, this.keys, teamId, userId)
      .then((lifted) => {
        this.known.delete(teamId);
        if (lifted) this.logger.info("An erased person used Delight again: the directory lists them again from now on");
      })
      .catch((error: unknown) => this.logger.warn("Could not lift an erasure record", error));
  }

  private read(teamId: string): Promise<void> {
    const under = this.reading.get(teamId);
    if (under) return under;
    const read = hashesOf(this.prisma, teamId)
      .then((hashes) => {
        this.known.set(teamId, { hashes, readAt: this.now() });
      })
      .catch((error: unknown) => this.logger.warn("Could not read the erasure records", error))
      .finally(() => this.reading.delete(teamId));
    this.reading.set(teamId, read);
    return read;
  }
}
