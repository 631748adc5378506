// People who leave and come back. The user_change and team_join events update the directory
// (the one stats, insights and exports read) and, when someone's account is deactivated or
// reactivated, record the job that follows it up, in the same transaction: the event is
// acknowledged only once both are saved (src/slack/ack-guard.ts), so a crash in between makes
// Slack deliver it again rather than lose the departure. When the event never comes (the app
// was down past Slack's retries, events were off), the directory's daily sweep finds the
// change and records the same job through the same recordPeople (src/slack/directory.ts);
// the database's conditional update decides which of the two records it, once.
import type { Db } from "../../db/database.ts";
import type { JobQueue } from "../../jobs/queue.ts";
import { recordPeople, type SlackMember, type Transition } from "../../slack/directory.ts";
import type { ErasureKeys } from "../../slack/erased-people.ts";

export { PERSON_LEFT_JOB, PERSON_RETURNED_JOB } from "../../slack/directory.ts";

/**
 * Records a person as an event describes them and, on a departure or a return, its follow-up
 * job, in one transaction; nothing for someone erased on request. A redelivered event (or
 * one arriving after the sweep found the change) finds the directory already saying so, and
 * records nothing.
 */
export async function notePersonChange(
  deps: { prisma: Db; jobs: Pick<JobQueue, "enqueueInTransaction">; config: { secrets: ErasureKeys } },
  input: { teamId: string; member: SlackMember; eventId: string; now: Date },
): Promise<Transition | null> {
  if (!input.member.id) return null;
  const { changes } = await deps.prisma.$transaction((tx) =>
    // An event about someone never seen before who is deactivated: they left.
    recordPeople(tx, deps, input.teamId, [input.member], input.now, { id: input.eventId, unknownLeaving: true }),
  );
  return changes[0]?.transition ?? null;
}
