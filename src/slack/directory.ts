// The workspace's directory in the database: its people (names, who is a person, timezones)
// and the stories channel's members. users.list is Tier 2 (about 20 calls a minute), and
// conversations.members a paged read too: sweeping them for every `/delight stats`, insights
// or export meant hundreds of calls and minutes of 429s in a big workspace when ten managers
// asked at once. Now:
// - the user_change and team_join events keep people up to date as they change;
// - a full sweep runs at most once a day per workspace, paced under Tier 2, by one instance
//   at a time (a lease in DirectorySweep); it resumes from its cursor after an interruption;
// - readers ask `ensureDirectory` first: with nothing swept yet the first reader sweeps (the
//   others wait for it); with yesterday's data they read it and a background sweep refreshes it;
// - a deactivation or a reactivation, whether an event or a sweep notices it, records the
//   people feature's follow-up job (src/features/people/jobs.ts) once (recordPeople).
import type { Logger, webApi } from "@slack/bolt";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/database.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { RetryLater, type JobQueue } from "../jobs/queue.ts";
import { erasedAmong, type ErasureKeys } from "./erased-people.ts";

export interface DirectoryEntry {
  id: string;
  name: string;
  /** A person with an active account (not a bot, app or deactivated account). */
  active: boolean;
}

/** A member as users.list, users.info and the user_change / team_join events describe one. */
export interface SlackMember {
  id?: string;
  name?: string;
  real_name?: string;
  deleted?: boolean;
  is_bot?: boolean;
  is_app_user?: boolean;
  tz?: string;
  profile?: { display_name?: string; real_name?: string };
}

export interface DirectoryDeps {
  prisma: Db;
  clock: Clock;
  logger: Logger;
  jobs: JobQueue;
  /** The keys erased people's records are hashed with (src/slack/erased-people.ts). */
  config: { secrets: ErasureKeys };
}

/** The job that sweeps a workspace's directory in the background (src/features/directory). */
export const DIRECTORY_SWEEP_JOB = "directory.sweep";

/** A full sweep at most this often. */
export const SWEEP_EVERY_MS = 24 * 60 * 60_000;
const SWEEP_LEASE_MS = 2 * 60_000;
/** While another instance sweeps, look again this soon. */
const SWEEP_WAIT_MS = 2_000;
/** Members per page: Slack caps pages at 1,000 (and may send fewer). */
const PAGE_LIMIT = 1000;
/** Tier 2 is about 20 calls a minute: a few pages at once, then one every 3 s. */
const TIER_2_BURST = 5;
const TIER_2_INTERVAL_MS = 3_100;
/** A cap, so that a huge Enterprise Grid cannot keep a sweep going for ever. */
const MAX_PAGES = 200;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function entryOf(member: SlackMember) {
  const id = member.id ?? "";
  return {
    userId: id,
    name: member.profile?.display_name || member.real_name || member.profile?.real_name || member.name || id,
    deleted: Boolean(member.deleted),
    isBot: Boolean(member.is_bot || member.is_app_user) || id === "USLACKBOT",
    tz: member.tz ?? null,
  };
}

/** The jobs that follow a departure or a return (handled by src/features/people/jobs.ts). */
export const PERSON_LEFT_JOB = "people.left";
export const PERSON_RETURNED_JOB = "people.returned";

export type Transition = "left" | "returned";

/** What recorded a page of people: an event (its id) or a sweep; a sweep can say a newcomer left. */
export interface RecordCause {
  /** Part of the follow-up job's key: the event's id, or the sweep's time. */
  id: string;
  /** Someone not yet in the directory who is deactivated counts as leaving. */
  unknownLeaving: boolean;
}

/**
 * Records people (a few statements for a whole page), except people erased on request
 * (erased-people.ts), whom Slack still lists: their id must not come back. A deactivation or
 * a reactivation is decided by the database, not by what this process read before: a
 * conditional update (`deleted` differs from Slack's) flips the row, and only the statement
 * that flipped it gets the row back and records the follow-up job. So a user_change event
 * and a sweep (or two sweeps) that see the same departure record one job between them, even
 * at the same moment: under READ COMMITTED the second update waits for the first, then finds
 * the row already flipped. Run it in a transaction (`tx`): the job is saved with the change.
 * Returns how many were recorded and what changed.
 */
export async function recordPeople(
  tx: Prisma.TransactionClient,
  deps: { config: { secrets: ErasureKeys }; jobs: Pick<JobQueue, "enqueueInTransaction"> },
  teamId: string,
  members: SlackMember[],
  now: Date,
  cause: RecordCause,
): Promise<{ recorded: number; changes: Array<{ userId: string; transition: Transition }> }> {
  const listed = members.filter((m) => m.id);
  const erased = await erasedAmong(
    tx,
    deps.config.secrets,
    teamId,
    listed.map((m) => m.id ?? ""),
  );
  const rows = listed.filter((m) => !erased.has(m.id ?? "")).map(entryOf);
  if (rows.length === 0) return { recorded: 0, changes: [] };
  const params = [
    teamId,
    rows.map((r) => r.userId),
    rows.map((r) => r.name),
    rows.map((r) => r.deleted),
    rows.map((r) => r.isBot),
    rows.map((r) => r.tz),
    now.toISOString(),
  ];
  const page = `unnest($2::text[], $3::text[], $4::boolean[], $5::boolean[], $6::text[]) AS p(id, name, deleted, bot, tz)`;
  type Changed = { userId: string; deleted: boolean; isBot: boolean };
  // Newcomers: only the statement that inserted a row gets it back.
  const inserted = await tx.$queryRawUnsafe<Changed[]>(
    `INSERT INTO "DirectoryPerson" ("teamId", "userId", "name", "deleted", "isBot", "tz", "updatedAt")
     SELECT $1, p.id, p.name, p.deleted, p.bot, p.tz, $7::timestamp(3) FROM ${page}
     ON CONFLICT ("teamId", "userId") DO NOTHING
     RETURNING "userId", "deleted", "isBot"`,
    ...params,
  );
  // Departures and returns: only the statement that flipped a row gets it back.
  const flipped = await tx.$queryRawUnsafe<Changed[]>(
    `UPDATE "DirectoryPerson" AS d SET "deleted" = p.deleted, "updatedAt" = $7::timestamp(3)
       FROM ${page}
      WHERE d."teamId" = $1 AND d."userId" = p.id AND d."deleted" <> p.deleted
     RETURNING d."userId", d."deleted", d."isBot"`,
    ...params,
  );
  // Names, bots and timezones, for everyone listed.
  await tx.$executeRawUnsafe(
    `UPDATE "DirectoryPerson" AS d SET "name" = p.name, "isBot" = p.bot, "tz" = p.tz, "updatedAt" = $7::timestamp(3)
       FROM ${page}
      WHERE d."teamId" = $1 AND d."userId" = p.id`,
    ...params,
  );
  const changes: Array<{ userId: string; transition: Transition }> = [
    ...(cause.unknownLeaving ? inserted.filter((r) => r.deleted) : []).map((r) => ({
      ...r,
      transition: "left" as const,
    })),
    ...flipped.map((r) => ({ ...r, transition: r.deleted ? ("left" as const) : ("returned" as const) })),
  ]
    // A bot or app leaving has nothing to hand over.
    .filter((r) => !r.isBot)
    .map((r) => ({ userId: r.userId, transition: r.transition }));
  for (const { userId, transition } of changes) {
    await deps.jobs.enqueueInTransaction(
      tx,
      transition === "left" ? PERSON_LEFT_JOB : PERSON_RETURNED_JOB,
      { teamId, userId },
      { key: `person-${transition}:${teamId}:${userId}:${cause.id}`, teamId },
    );
  }
  return { recorded: rows.length, changes };
}

/** Everyone in the directory, by id. */
export async function directoryOf(prisma: Db, teamId: string): Promise<Map<string, DirectoryEntry>> {
  const rows = await prisma.directoryPerson.findMany({
    where: { teamId },
    select: { userId: true, name: true, deleted: true, isBot: true },
  });
  return new Map(rows.map((r) => [r.userId, { id: r.userId, name: r.name, active: !r.deleted && !r.isBot }]));
}

/** Active people (no bots, apps or deactivated accounts). */
export async function activePeople(prisma: Db, teamId: string): Promise<string[]> {
  const rows = await prisma.directoryPerson.findMany({
    where: { teamId, deleted: false, isBot: false },
    select: { userId: true },
    orderBy: { userId: "asc" },
  });
  return rows.map((r) => r.userId);
}

/** A channel's members from the last sweep; null when Slack would not say (the app is not in it). */
export async function channelMembersOf(prisma: Db, teamId: string, channelId: string): Promise<string[] | null> {
  const row = await prisma.directoryChannel.findUnique({ where: { teamId_channelId: { teamId, channelId } } });
  return row?.readable ? row.members : null;
}

/** A person's name from the directory, else their id (the export stays readable either way). */
export function nameIn(directory: Map<string, DirectoryEntry>, userId: string | null): string {
  if (!userId) return "";
  return directory.get(userId)?.name ?? userId;
}

/**
 * Makes sure the directory (and `channelId`'s members, when given) has been read. Returns at
 * once when it has (a stale one is refreshed by a background sweep); sweeps now when nothing
 * was ever read; throws RetryLater while another instance does that sweep.
 */
export async function ensureDirectory(
  deps: DirectoryDeps,
  client: webApi.WebClient,
  teamId: string,
  options: { channelId?: string | null } = {},
): Promise<void> {
  const channelId = options.channelId ?? null;
  const [state, channel] = await Promise.all([
    deps.prisma.directorySweep.findUnique({ where: { teamId } }),
    channelId
      ? deps.prisma.directoryChannel.findUnique({ where: { teamId_channelId: { teamId, channelId } } })
      : Promise.resolve(null),
  ]);
  const now = deps.clock.now();
  if (state?.sweptAt && (!channelId || channel)) {
    if (now.getTime() - state.sweptAt.getTime() >= SWEEP_EVERY_MS) {
      await deps.jobs.enqueue(
        DIRECTORY_SWEEP_JOB,
        { teamId },
        { key: `directory-sweep:${teamId}:${now.toISOString().slice(0, 10)}`, teamId },
      );
    }
    return;
  }
  const swept = await sweepDirectory(deps, client, teamId, { channelId, mode: "missing" });
  if (!swept) throw new RetryLater(new Date(Date.now() + SWEEP_WAIT_MS), "the directory is being read");
}

/**
 * Reads users.list in full and `channelId`'s members, paced, under the workspace's sweep
 * lease. "daily": only when the last full sweep is a day old. "missing": only what has never
 * been read (checked again under the lease: another instance may have read it meanwhile).
 * False when another instance holds the lease, or the daily sweep is not due.
 */
export async function sweepDirectory(
  deps: Pick<DirectoryDeps, "prisma" | "clock" | "logger" | "config" | "jobs">,
  client: webApi.WebClient,
  teamId: string,
  options: { channelId: string | null; mode: "daily" | "missing" },
): Promise<boolean> {
  const { prisma } = deps;
  const now = deps.clock.now();
  await prisma.directorySweep.upsert({ where: { teamId }, create: { teamId }, update: {} });
  const leaseFree = { OR: [{ claimedUntil: null }, { claimedUntil: { lt: new Date() } }] };
  const stale = { OR: [{ sweptAt: null }, { sweptAt: { lte: new Date(now.getTime() - SWEEP_EVERY_MS) } }] };
  const claimed = await prisma.directorySweep.updateMany({
    where: { teamId, AND: [leaseFree, ...(options.mode === "daily" ? [stale] : [])] },
    data: { claimedUntil: new Date(Date.now() + SWEEP_LEASE_MS) },
  });
  if (claimed.count !== 1) return false;
  let people = true;
  let channelId = options.channelId;
  if (options.mode === "missing") {
    const [state, channel] = await Promise.all([
      prisma.directorySweep.findUnique({ where: { teamId } }),
      channelId
        ? prisma.directoryChannel.findUnique({ where: { teamId_channelId: { teamId, channelId } } })
        : Promise.resolve(null),
    ]);
    people = !state?.sweptAt;
    if (channel) channelId = null;
  }
  const pacer = tier2Pacer();
  try {
    if (people) {
      const state = await prisma.directorySweep.findUnique({ where: { teamId } });
      let cursor = state?.cursor ?? undefined;
      // Departures and returns whose user_change event was missed (the app down past Slack's
      // retries, events off a while) are found here and followed up as the event would have
      // been (recordPeople). A deactivated account never seen before counts as a departure
      // only after a first full sweep: the first one finds every old deactivated account.
      const cause = { id: `sweep-${now.toISOString()}`, unknownLeaving: Boolean(state?.sweptAt) };
      for (let page = 0; page < MAX_PAGES; page++) {
        await pacer("users.list");
        const result = await client.users.list({ limit: PAGE_LIMIT, ...(cursor ? { cursor } : {}) });
        cursor = result.response_metadata?.next_cursor || undefined;
        // The page, its follow-ups and where to resume if the next page is refused (a 429
        // past the client's retries), together.
        await prisma.$transaction(async (tx) => {
          await recordPeople(tx, deps, teamId, result.members ?? [], now, cause);
          await tx.directorySweep.update({ where: { teamId }, data: { cursor: cursor ?? null } });
        });
        if (!cursor) break;
      }
    }
    if (channelId) await readChannel(deps, client, teamId, channelId, pacer);
    await prisma.directorySweep.update({
      where: { teamId },
      data: { claimedUntil: null, ...(people ? { sweptAt: now, cursor: null } : {}) },
    });
    return true;
  } catch (error) {
    await prisma.directorySweep.update({ where: { teamId }, data: { claimedUntil: null } });
    throw error;
  }
}

async function readChannel(
  deps: Pick<DirectoryDeps, "prisma" | "clock" | "logger" | "config">,
  client: webApi.WebClient,
  teamId: string,
  channelId: string,
  pacer: (method: string) => Promise<void>,
): Promise<void> {
  const members: string[] = [];
  let readable = true;
  let cursor: string | undefined;
  try {
    for (let page = 0; page < MAX_PAGES; page++) {
      await pacer("conversations.members");
      const result = await client.conversations.members({
        channel: channelId,
        limit: PAGE_LIMIT,
        ...(cursor ? { cursor } : {}),
      });
      members.push(...(result.members ?? []));
      cursor = result.response_metadata?.next_cursor || undefined;
      if (!cursor) break;
    }
  } catch (error) {
    const code = (error as { data?: { error?: unknown } } | null)?.data?.error;
    if (typeof code !== "string" || code === "ratelimited") throw error;
    // Slack said no for good (not in the channel, missing scope): nobody is listed till the next sweep.
    deps.logger.warn(`Directory: could not read the members of ${channelId} (${code})`);
    readable = false;
  }
  // People erased on request are members no more, as far as Delight remembers.
  const erased = await erasedAmong(deps.prisma, deps.config.secrets, teamId, members);
  const row = { members: readable ? members.filter((m) => !erased.has(m)) : [], readable, readAt: deps.clock.now() };
  await deps.prisma.directoryChannel.upsert({
    where: { teamId_channelId: { teamId, channelId } },
    create: { teamId, channelId, ...row },
    update: row,
  });
}

/** Paces one sweep's calls per method: a short burst, then one every few seconds (Tier 2). */
function tier2Pacer(): (method: string) => Promise<void> {
  const calls = new Map<string, number>();
  return async (method) => {
    const made = calls.get(method) ?? 0;
    calls.set(method, made + 1);
    if (made >= TIER_2_BURST) await sleep(TIER_2_INTERVAL_MS);
  };
}
