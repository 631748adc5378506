// The recoveries feature's work after the ack: opening a case (from /oops or the modal),
// the follow-up of a case action (DMs, refreshed cards), replies to clicks, and reminder
// deliveries. Every write goes through the job's outbox with a key named after the job or
// the case, and every step is idempotent (a case is found by the job that opened it), so a
// job that runs again after a crash or a rate limit does nothing twice.
import { z } from "zod";
import type { AppDeps } from "../../deps.ts";
import type { JobQueue } from "../../jobs/queue.ts";
import { SlackWriteRefused, type Outbox } from "../../slack/outbox.ts";
import { quoteInput } from "../../slack/text.ts";
import {
  caseLabel,
  confirmationText,
  couldNotTellOwner,
  fixedNotice,
  ownerToldLead,
  renderOopsHelp,
} from "./blocks.ts";
import { FIELDS } from "./modals.ts";
import { refreshCaseMessages, sendCaseCardByDm, timezoneOf, type CaseDeps } from "./cards.ts";
import { scheduleFixNudge } from "../nudges/service.ts";
import { REMINDER_JOB, runReminderJob } from "./notify.ts";
import { ownerProblem } from "./owner-check.ts";
import type { ViewValues } from "./parse.ts";
import {
  findCaseBySource,
  findCaseByView,
  getCase,
  isUniqueViolation,
  openCase,
  type OpenCaseInput,
} from "./service.ts";
import type { RecoveryCaseWithTimeline } from "./model.ts";

export const RECOVERY_JOBS = {
  openFromCommand: "recoveries.open-from-command",
  openFromView: "recoveries.open-from-view",
  caseChanged: "recoveries.case-changed",
  clickReply: "recoveries.click-reply",
  deliverReminder: REMINDER_JOB,
} as const;

/** Quotes everything the person typed back to them: nothing typed is lost (an ephemeral text holds ~40k). */
const QUOTE_MAX = 38_000;
export const quoteAll = (typed: string): string => quoteInput(typed, QUOTE_MAX);
const COULD_NOT_SAVE =
  ":warning: Sorry, I couldn't save your service recovery because of a problem on our side, so no case was opened.";
/** In a job there is time to wait for Slack. */
const JOB_LOOKUP_MS = 10_000;

const workspaceFields = { teamId: z.string(), enterpriseId: z.string().nullable() };

export const openFromCommandPayload = z.object({
  ...workspaceFields,
  userId: z.string(),
  /** The command's text as Slack sent it (quoted back on a problem). */
  text: z.string(),
  responseUrl: z.string(),
  ownerId: z.string(),
  customer: z.string(),
  description: z.string(),
});
export type OpenFromCommand = z.infer<typeof openFromCommandPayload>;

export const openFromViewPayload = z.object({
  ...workspaceFields,
  userId: z.string(),
  viewId: z.string(),
  ownerId: z.string(),
  customer: z.string(),
  description: z.string(),
  link: z.string().nullable(),
  dueAt: z.iso.datetime().nullable(),
  /** The modal's raw values, quoted back if the case can't be saved. */
  values: z.record(z.string(), z.record(z.string(), z.unknown())),
});
export type OpenFromView = z.infer<typeof openFromViewPayload>;

export const caseChangedPayload = z.object({
  caseId: z.string(),
  action: z.enum(["fixed", "update", "extend", "reassign"]),
  actorId: z.string(),
  newOwnerId: z.string().optional(),
});
export type CaseChanged = z.infer<typeof caseChangedPayload>;

export const clickReplyPayload = z.object({
  responseUrl: z.string(),
  text: z.string(),
  /** Bring this case's cards up to date too (a click on a stale card). */
  refreshCaseId: z.string().optional(),
});

const reminderPayload = z.object({ reminderId: z.string() });

/** The apology when the modal's case could not be saved, with everything they typed (plain text fields). */
function couldNotSaveCase(values: ViewValues): string {
  const typed = (field: string): string => {
    const state = values[field]?.value as { value?: unknown } | undefined;
    return typeof state?.value === "string" ? state.value : "";
  };
  const ownerId = (values[FIELDS.owner]?.value as { selected_user?: unknown } | undefined)?.selected_user;
  const fields = [
    `Customer: ${typed(FIELDS.customer)}`,
    `What went wrong: ${typed(FIELDS.description)}`,
    typed(FIELDS.link) ? `Link: ${typed(FIELDS.link)}` : "",
  ].filter(Boolean);
  const quoted = [
    typeof ownerId === "string" && /^[UW][A-Z0-9]+$/.test(ownerId) ? `> Owner: <@${ownerId}>` : "",
    ...fields.map(quoteAll),
  ]
    .filter(Boolean)
    .join("\n");
  return `${COULD_NOT_SAVE} Please try again in a minute with \`/oops\`; here is what you typed:\n${quoted}`;
}

/** Logs a write Slack refused for good; anything else (RetryLater) goes on up, so the job runs again. */
function refusedOnly(deps: CaseDeps, what: string): (error: unknown) => void {
  return (error: unknown) => {
    if (!(error instanceof SlackWriteRefused)) throw error;
    deps.logger.warn(what, error.slackError);
  };
}

/**
 * Tells the owner (and the reporter, with a card that stays current). The case exists
 * already, so Slack refusing here is logged and reported, never "nothing was changed".
 * Returns false when the owner could not be told.
 */
async function announceNewCase(
  deps: CaseDeps,
  outbox: Outbox,
  recoveryCase: RecoveryCaseWithTimeline,
): Promise<boolean> {
  const key = `case:${recoveryCase.id}`;
  try {
    await sendCaseCardByDm(
      deps,
      outbox,
      `${key}:owner-dm`,
      recoveryCase,
      recoveryCase.ownerId,
      ownerToldLead(recoveryCase, "new"),
    );
  } catch (error) {
    refusedOnly(deps, `Could not DM the owner of ${caseLabel(recoveryCase)}`)(error);
    return false;
  }
  if (recoveryCase.reporterId !== recoveryCase.ownerId) {
    const timezone = await timezoneOf(deps.users, recoveryCase.reporterId);
    await sendCaseCardByDm(
      deps,
      outbox,
      `${key}:reporter-dm`,
      recoveryCase,
      recoveryCase.reporterId,
      confirmationText(recoveryCase, deps.clock.now(), timezone),
    ).catch(refusedOnly(deps, `Could not DM the reporter of ${caseLabel(recoveryCase)}`));
  }
  return true;
}

/**
 * Opens the case of a job once: a run after a crash finds it by the job key; a unique
 * violation means a concurrent run (or a resent view) opened it first. Returns null when it
 * could not be saved (the caller apologises with what was typed).
 */
async function openOnce(deps: CaseDeps, key: string, input: OpenCaseInput): Promise<RecoveryCaseWithTimeline | null> {
  const existing =
    (await findCaseBySource(deps.prisma, key)) ??
    (input.sourceViewId ? await findCaseByView(deps.prisma, input.sourceViewId) : null);
  if (existing) return existing;
  try {
    return await openCase(deps.prisma, deps.clock.now(), { ...input, sourceKey: key });
  } catch (error) {
    if (isUniqueViolation(error)) {
      const winner =
        (await findCaseBySource(deps.prisma, key)) ??
        (input.sourceViewId ? await findCaseByView(deps.prisma, input.sourceViewId) : null);
      if (winner) return winner;
    }
    deps.logger.error("Could not save a recovery case", String(error));
    return null;
  }
}

export function registerRecoveriesJobs(jobs: JobQueue, deps: AppDeps): void {
  jobs.register(RECOVERY_JOBS.openFromCommand, openFromCommandPayload, async (job, { key, outbox }) => {
    const reply = (suffix: string, text: string) => outbox.respond(`${key}:${suffix}`, job.responseUrl, { text });
    const typed = quoteAll(`/oops ${job.text}`);
    if (!(await findCaseBySource(deps.prisma, key))) {
      const problem = await ownerProblem(deps.users, job.ownerId, JOB_LOOKUP_MS);
      if (problem) return reply("owner-problem", renderOopsHelp(problem, typed));
    }
    const recoveryCase = await openOnce(deps, key, {
      workspace: { teamId: job.teamId, enterpriseId: job.enterpriseId },
      reporterId: job.userId,
      ownerId: job.ownerId,
      customer: job.customer,
      description: job.description,
    });
    if (!recoveryCase) {
      // The general "something went wrong" would drop what they typed: quote it back.
      return reply(
        "could-not-save",
        `${COULD_NOT_SAVE} Please try again in a minute; here is what you typed:\n${typed}`,
      );
    }
    const timezone = await timezoneOf(deps.users, job.userId);
    await reply("confirmation", confirmationText(recoveryCase, deps.clock.now(), timezone));
    if (!(await announceNewCase(deps, outbox, recoveryCase))) {
      await reply("owner-unreachable", couldNotTellOwner(recoveryCase));
    }
  });

  jobs.register(RECOVERY_JOBS.openFromView, openFromViewPayload, async (job, { key, outbox }) => {
    const dm = (suffix: string, text: string) =>
      outbox
        .directMessage(`${key}:${suffix}`, job.userId, { text })
        .then(() => undefined, refusedOnly(deps, "Could not DM the reporter"));
    const recoveryCase = await openOnce(deps, key, {
      workspace: { teamId: job.teamId, enterpriseId: job.enterpriseId },
      reporterId: job.userId,
      sourceViewId: job.viewId,
      ownerId: job.ownerId,
      customer: job.customer,
      description: job.description,
      link: job.link,
      dueAt: job.dueAt ? new Date(job.dueAt) : null,
    });
    // Acked already, so the modal is gone: without this DM what they typed would be lost.
    if (!recoveryCase) return dm("could-not-save", couldNotSaveCase(job.values));
    if (!(await announceNewCase(deps, outbox, recoveryCase))) {
      // No response_url from a modal: the reporter hears by DM.
      await dm("owner-unreachable", couldNotTellOwner(recoveryCase));
    }
  });

  jobs.register(RECOVERY_JOBS.caseChanged, caseChangedPayload, async (job, { key, outbox }) => {
    const recoveryCase = await getCase(deps.prisma, job.caseId);
    if (!recoveryCase) return;
    if (job.action === "fixed" && recoveryCase.reporterId !== job.actorId && recoveryCase.status === "resolved") {
      // Close the loop with the person who reported it (their card updates silently).
      await outbox
        .directMessage(`${key}:fixed-notice`, recoveryCase.reporterId, { text: fixedNotice(recoveryCase) })
        .catch(refusedOnly(deps, `Could not tell the reporter ${caseLabel(recoveryCase)} is fixed`));
    }
    if (job.action === "fixed" && recoveryCase.status === "resolved") {
      // Fixed without a surprise: the owner is nudged to turn the OOPS into a WOW (src/features/nudges).
      await scheduleFixNudge(deps.prisma, {
        teamId: recoveryCase.teamId,
        caseId: recoveryCase.id,
        ownerId: recoveryCase.ownerId,
        surpriseGiven: recoveryCase.surpriseGiven,
        now: deps.clock.now(),
      });
    }
    if (job.action === "reassign" && job.newOwnerId) {
      // The new owner is told at once, with the card and its buttons. If Slack won't let
      // us, the person who reassigned it hears (the modal is closed already).
      try {
        await sendCaseCardByDm(
          deps,
          outbox,
          `${key}:new-owner`,
          recoveryCase,
          job.newOwnerId,
          ownerToldLead(recoveryCase, "reassigned"),
        );
      } catch (error) {
        refusedOnly(deps, `Could not DM the new owner of ${caseLabel(recoveryCase)}`)(error);
        await outbox
          .directMessage(`${key}:owner-unreachable`, job.actorId, { text: couldNotTellOwner(recoveryCase) })
          .catch(refusedOnly(deps, "Could not DM the person who reassigned it either"));
      }
    }
    // The change is saved: every card shows it.
    await refreshCaseMessages(deps, outbox, recoveryCase.id);
  });

  jobs.register(RECOVERY_JOBS.clickReply, clickReplyPayload, async (job, { key, outbox }) => {
    await outbox.respond(`${key}:reply`, job.responseUrl, { text: job.text, replace_original: false });
    if (job.refreshCaseId) await refreshCaseMessages(deps, outbox, job.refreshCaseId);
  });

  registerReminderJob(jobs, deps);
}

/** The job the scheduler's tick enqueues for each due reminder row. */
export function registerReminderJob(jobs: Pick<JobQueue, "register">, deps: CaseDeps): void {
  jobs.register(RECOVERY_JOBS.deliverReminder, reminderPayload, async (job, { outbox }) => {
    await runReminderJob(deps, outbox, job.reminderId);
  });
}
