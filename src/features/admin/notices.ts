// One notice to an admin when Slack refuses Delight's work for good (the app removed from a
// channel, an archived channel, a person who left, a missing scope, a revoked token): the
// work fails at once, and the admins hear what to fix, once per workspace, refusal and
// channel or person, however many writes fail the same way. Every such failure is also
// listed in `/delight-admin outbox`.
import { z } from "zod";
import type { AppDeps } from "../../deps.ts";
import type { JobQueue } from "../../jobs/queue.ts";
import { SlackWriteRefused } from "../../slack/outbox.ts";
import { refusalAdvice } from "../../slack/refusals.ts";

export const REFUSAL_NOTICE_JOB = "admin.slack-refused";
const NOTICE_KEY_PREFIX = "admin-notice:";

export const refusalNoticePayload = z.object({
  teamId: z.string(),
  /** Slack's error code. */
  code: z.string(),
  /** The channel or person the refused work was for. */
  target: z.string().nullable(),
  /** The Web API method or job kind that was refused. */
  what: z.string(),
});
export type RefusalNotice = z.infer<typeof refusalNoticePayload>;

export function refusalNoticeText(notice: RefusalNotice): string {
  return [
    `:warning: Slack refused Delight's \`${notice.what.replace(/`/g, "")}\` for good (\`${notice.code}\`), so it was not sent and won't be retried.`,
    refusalAdvice(notice.code, notice.target),
    "Everything that failed is listed in `/delight-admin outbox`; once it is fixed, `/delight-admin outbox retry` sends it.",
  ].join("\n");
}

/** Who hears about it: DELIGHT_ADMINS, and the admin who last used /delight-admin in the workspace. */
export async function adminRecipients(deps: Pick<AppDeps, "prisma" | "config">, teamId: string): Promise<string[]> {
  const workspace = await deps.prisma.workspace.findUnique({ where: { teamId }, select: { adminContactId: true } });
  return [...new Set([...deps.config.admins, ...(workspace?.adminContactId ? [workspace.adminContactId] : [])])];
}

export function registerRefusalNotices(deps: AppDeps): void {
  deps.jobs.register(REFUSAL_NOTICE_JOB, refusalNoticePayload, async (notice, { key, outbox }) => {
    const admins = await adminRecipients(deps, notice.teamId);
    if (admins.length === 0) {
      deps.logger.warn(
        `Slack refused ${notice.what} for good (${notice.code}) in ${notice.teamId}, and no admin is known to tell (set DELIGHT_ADMINS): ${refusalAdvice(notice.code, notice.target)}`,
      );
      return;
    }
    for (const admin of admins) {
      await outbox.directMessage(`${key}:to:${admin}`, admin, { text: refusalNoticeText(notice) }).catch((error) => {
        // Most likely the same cause (a revoked token): the log is all that is left.
        if (!(error instanceof SlackWriteRefused)) throw error;
        deps.logger.error(`Could not tell admin ${admin} that Slack refused ${notice.what} (${notice.code})`);
      });
    }
  });
}

/**
 * Records the notice of one refusal (from the outbox or a job), once per workspace, code and
 * target: the job's key makes a second refusal of the same kind create nothing. A notice's
 * own DM is never the subject of another notice.
 */
export function tellAdminsOfRefusal(
  jobs: Pick<JobQueue, "enqueue">,
  logger: AppDeps["logger"],
): (refusal: {
  teamId: string | null;
  key: string;
  code: string;
  target: string | null;
  what: string;
}) => Promise<void> {
  return async (refusal) => {
    if (!refusal.teamId || refusal.key.startsWith(NOTICE_KEY_PREFIX)) return;
    const notice: RefusalNotice = {
      teamId: refusal.teamId,
      code: refusal.code,
      target: refusal.target,
      what: refusal.what,
    };
    await jobs
      .enqueue(REFUSAL_NOTICE_JOB, notice, {
        key: `${NOTICE_KEY_PREFIX}${refusal.teamId}:${refusal.code}:${refusal.target ?? "-"}`,
        teamId: refusal.teamId,
      })
      .catch((error: unknown) => logger.warn("Could not record the admin notice of a Slack refusal", String(error)));
  };
}
