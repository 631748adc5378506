// People who leave and come back. The user_change and team_join events update the directory
// (the one stats, insights and exports read) and, when someone's account is deactivated or
// reactivated, record the job that follows it up, in the same transaction: the event is
// acknowledged only once both are saved (src/slack/ack-guard.ts), so a crash in between makes
// Slack deliver it again rather than lose the departure.
import type { Db } from "../../db/database.ts";
import type { JobQueue } from "../../jobs/queue.ts";
import { recordPeople, type SlackMember } from "../../slack/directory.ts";
import type { ErasureKeys } from "../../slack/erased-people.ts";

export const PERSON_LEFT_JOB = "people.left";
export const PERSON_RETURNED_JOB = "people.returned";

export type Transition = "left" | "returned" | null;

/** What a change of account means: a deactivation, a reactivation, or neither. */
export function transitionOf(previous: { deleted: boolean } | null, member: SlackMember): Transition {
  const deleted = Boolean(member.deleted);
  if (deleted && (previous === null || !previous.deleted)) return "left";
  if (!deleted && previous?.deleted) return "returned";
  return null;
}

/**
 * Records a person as Slack now describes them and, on a departure or a return, its
 * follow-up job, in one transaction; nothing for someone erased on request. Keyed by the event's id: a redelivered event records
 * nothing twice (and finds no transition, the directory already saying so).
 */
export async function notePersonChange(
  deps: { prisma: Db; jobs: Pick<JobQueue, "enqueueInTransaction">; config: { secrets: ErasureKeys } },
  input: { teamId: string; member: SlackMember; eventId: string; now: Date },
): Promise<Transition> {
  const userId = input.member.id;
  if (!userId) return null;
  return deps.prisma.$transaction(async (tx) => {
    const previous = await tx.directoryPerson.findUnique({
      where: { teamId_userId: { teamId: input.teamId, userId } },
      select: { deleted: true },
    });
    // Someone erased on request stays out (and their departure has nothing left to hand over).
    if ((await recordPeople(tx, deps.config.secrets, input.teamId, [input.member], input.now)) === 0) return null;
    const transition = transitionOf(previous, input.member);
    // A bot or app leaving has nothing to hand over.
    if (transition && !input.member.is_bot && !input.member.is_app_user) {
      await deps.jobs.enqueueInTransaction(
        tx,
        transition === "left" ? PERSON_LEFT_JOB : PERSON_RETURNED_JOB,
        { teamId: input.teamId, userId },
        { key: `person-${transition}:${input.teamId}:${userId}:${input.eventId}`, teamId: input.teamId },
      );
    }
    return transition;
  });
}
