// /oops, the "Log an OOPS" modal and the case buttons. Thin: parse → record → ack; the
// follow-up (owner look-up, opening the case, DMs, card updates) runs in jobs (jobs.ts).
// Every action is checked on the server (owner, reporter or manager) before anything changes.
import { createHash } from "node:crypto";
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackViewMiddlewareArgs, webApi } from "@slack/bolt";
import type { AppDeps } from "../../deps.ts";
import type { SlackRouter } from "../../slack/router.ts";
import { withinTime } from "../../slack/within-time.ts";
import { formatDuration } from "../admin/blocks.ts";
import { getSettings } from "../admin/settings.ts";
import {
  ACTION_IDS,
  alreadyFixed,
  alreadyFixedPlain,
  CASE_NOT_FOUND,
  onlyParticipants,
  onlyParticipantsPlain,
  renderCaseList,
  renderOopsHelp,
  type CaseAction,
} from "./blocks.ts";
import { CALLBACK_IDS, extendModal, FIELDS, fixedModal, openCaseModal, reassignModal, updateModal } from "./modals.ts";
import { recordAudit } from "../audit/service.ts";
import { caseAuditEntry } from "./audit.ts";
import { timezoneOf } from "./cards.ts";
import { quoteAll, RECOVERY_JOBS, registerRecoveriesJobs, type CaseChanged, type OpenFromView } from "./jobs.ts";
import { ownerProblem } from "./owner-check.ts";
import {
  parseExtendSubmission,
  parseOopsCommand,
  parseOpenCaseSubmission,
  parseReassignSubmission,
  parseTextSubmission,
  type FieldErrors,
} from "./parse.ts";
import {
  addCustomerUpdate,
  extendCase,
  getCase,
  listOpenCases,
  mayAct,
  reassignCase,
  resolveCase,
  type ActionResult,
  type FollowUp,
} from "./service.ts";
import type { RecoveryCaseWithTimeline } from "./model.ts";

const LIST_LIMIT = 25;
const ONLY_MANAGERS_LIST =
  ":lock: Only Delight managers can list every open recovery. `/oops list` shows the ones you own.";
/** A Slack look-up before an ack gets this long; then the answer falls back (UTC). */
const PRE_ACK_TIMEZONE_MS = 1_000;
/** The same person sending the same /oops within this window gets one case. */
export const OOPS_DEDUPE_WINDOW_MS = 60_000;
export const OOPS_RECEIVED =
  ":hourglass_flowing_sand: Got it: I'm opening the service recovery and telling the owner. I'll confirm here in a moment.";
export const OOPS_ALREADY_RECEIVED =
  ":information_source: I already received this exact `/oops` a moment ago, so I'm not opening a second case: its confirmation is (or will be) just above.";

type ViewArgs = SlackViewMiddlewareArgs & AllMiddlewareArgs;

function oopsDedupeHash(teamId: string, userId: string, text: string): string {
  return createHash("sha256")
    .update(JSON.stringify([teamId, userId, "/oops", text.trim()]))
    .digest("hex");
}

export function registerRecoveriesFeature(router: SlackRouter, deps: AppDeps): void {
  registerRecoveriesJobs(deps.jobs, deps);

  router.command("/oops", async ({ ack, command, client }) => {
    const teamId = command.team_id;
    const parsed = parseOopsCommand(command.text);
    if (!parsed.ok) {
      await ack({
        response_type: "ephemeral",
        text: renderOopsHelp(parsed.problem, quoteAll(`/oops ${command.text}`)),
      });
      return;
    }
    const cmd = parsed.command;
    switch (cmd.kind) {
      case "help":
        await ack({ response_type: "ephemeral", text: renderOopsHelp() });
        return;
      case "modal": {
        await ack();
        const settings = await getSettings(deps.prisma, { teamId, enterpriseId: command.enterprise_id ?? null });
        await client.views.open({
          trigger_id: command.trigger_id,
          view: openCaseModal(formatDuration(settings.slaMinutes)),
        });
        return;
      }
      case "list": {
        // Read from the database and answered in the ack.
        if (cmd.all && !(await deps.roles.isManager(teamId, command.user_id))) {
          await ack({ response_type: "ephemeral", text: ONLY_MANAGERS_LIST });
          return;
        }
        const [{ cases, total }, timezone] = await Promise.all([
          listOpenCases(deps.prisma, { teamId, ownerId: cmd.all ? undefined : command.user_id }, LIST_LIMIT),
          withinTime(timezoneOf(deps.users, command.user_id), PRE_ACK_TIMEZONE_MS),
        ]);
        const list = renderCaseList(cases, total, {
          now: deps.clock.now(),
          timezone: typeof timezone === "string" ? timezone : "UTC",
          all: cmd.all,
        });
        await ack({ response_type: "ephemeral", ...list });
        return;
      }
      case "open": {
        // Recorded, then acked: the job checks the owner, opens the case and replies.
        const { created } = await deps.jobs.enqueue(
          RECOVERY_JOBS.openFromCommand,
          {
            teamId,
            enterpriseId: command.enterprise_id ?? null,
            userId: command.user_id,
            text: command.text,
            responseUrl: command.response_url,
            ownerId: cmd.ownerId,
            customer: cmd.customer,
            description: cmd.description,
          },
          {
            teamId,
            dedupeHash: oopsDedupeHash(teamId, command.user_id, command.text),
            dedupeWindowMs: OOPS_DEDUPE_WINDOW_MS,
          },
        );
        await ack({ response_type: "ephemeral", text: created ? OOPS_RECEIVED : OOPS_ALREADY_RECEIVED });
        return;
      }
    }
  });

  router.view(CALLBACK_IDS.open, async ({ ack, view, body }) => {
    const now = deps.clock.now();
    const parsed = parseOpenCaseSubmission(view.state.values, now, FIELDS);
    const errors: FieldErrors = parsed.ok ? {} : parsed.errors;
    const ownerId = parsed.ok ? parsed.value.ownerId : "";
    const problem = ownerId ? await ownerProblem(deps.users, ownerId) : null;
    if (problem) errors[FIELDS.owner] = problem;
    if (!parsed.ok || problem) {
      await ack({ response_action: "errors", errors });
      return;
    }
    const teamId = body.team?.id ?? body.user.team_id ?? "";
    const payload: OpenFromView = {
      teamId,
      enterpriseId: body.enterprise?.id ?? null,
      userId: body.user.id,
      viewId: view.id,
      ...parsed.value,
      dueAt: parsed.value.dueAt ? parsed.value.dueAt.toISOString() : null,
      values: view.state.values,
    };
    // Slack resends a view it thinks timed out: the key makes the same view one job, one case.
    await deps.jobs.enqueue(RECOVERY_JOBS.openFromView, payload, { key: `oops-view:${view.id}`, teamId });
    await ack();
  });

  // ——— buttons: check, then open the action's modal ———
  const modalFor: Record<CaseAction, (c: RecoveryCaseWithTimeline) => webApi.View> = {
    fixed: fixedModal,
    update: updateModal,
    extend: (c) => extendModal(c, deps.clock.now()),
    reassign: reassignModal,
  };

  for (const action of Object.keys(ACTION_IDS) as CaseAction[]) {
    router.action<BlockAction<ButtonAction>>(ACTION_IDS[action], async ({ ack, body, action: button, client }) => {
      const teamId = body.team?.id ?? body.user.team_id;
      const recoveryCase = await getCase(deps.prisma, button.value ?? "");
      // A refusal is told through the click's response_url, from a job.
      const refuse = async (text: string, refreshCaseId?: string) => {
        await deps.jobs.enqueue(
          RECOVERY_JOBS.clickReply,
          { responseUrl: body.response_url ?? "", text, refreshCaseId },
          { key: `click:${body.user.id}:${body.trigger_id}:${button.action_ts}`, teamId },
        );
        await ack();
      };
      if (!recoveryCase || recoveryCase.teamId !== teamId) return refuse(CASE_NOT_FOUND);
      if (!(await mayAct(deps.roles, recoveryCase, body.user.id))) return refuse(onlyParticipants(recoveryCase));
      if (recoveryCase.status !== "open") return refuse(alreadyFixed(recoveryCase), recoveryCase.id);
      await ack();
      await client.views.open({ trigger_id: body.trigger_id, view: modalFor[action](recoveryCase) });
    });
  }

  // ——— modal submissions: check again (a modal can outlive a permission), act, record the follow-up ———

  /**
   * Shared shape of the four case modals: loads the case, re-checks who may act, runs the
   * change (one short transaction, which also records the job that tells people and
   * refreshes the cards: the change is never saved without it), and answers field errors in
   * the modal (nothing typed is lost).
   */
  function caseModal(
    callbackId: string,
    action: CaseChanged["action"],
    errorField: string,
    handle: (args: {
      view: ViewArgs["view"];
      actorId: string;
      recoveryCase: RecoveryCaseWithTimeline;
      now: Date;
      /** The follow-up job, recorded in the change's transaction (for Reassign, with the new owner). */
      followUp: (newOwnerId?: string) => FollowUp;
    }) => Promise<{ errors: FieldErrors } | { result: ActionResult }>,
  ): void {
    router.view(callbackId, async ({ ack, view, body }) => {
      const actorId = body.user.id;
      const teamId = body.team?.id ?? body.user.team_id;
      const recoveryCase = await getCase(deps.prisma, view.private_metadata);
      if (!recoveryCase || recoveryCase.teamId !== teamId) {
        await ack({ response_action: "errors", errors: { [errorField]: CASE_NOT_FOUND } });
        return;
      }
      if (!(await mayAct(deps.roles, recoveryCase, actorId))) {
        await ack({ response_action: "errors", errors: { [errorField]: onlyParticipantsPlain(recoveryCase) } });
        return;
      }
      const followUp =
        (newOwnerId?: string): FollowUp =>
        async (tx, updated) => {
          const payload: CaseChanged = { caseId: recoveryCase.id, action, actorId, newOwnerId };
          await deps.jobs.enqueueInTransaction(tx, RECOVERY_JOBS.caseChanged, payload, {
            key: `case-view:${view.id}`,
            teamId,
          });
          // Extending and reassigning are decisions about the case: audited with the change.
          if (action === "extend" || action === "reassign") {
            await recordAudit(tx, caseAuditEntry(action, actorId, recoveryCase, updated, deps.clock.now()));
          }
        };
      const outcome = await handle({ view, actorId, recoveryCase, now: deps.clock.now(), followUp });
      if ("errors" in outcome) {
        await ack({ response_action: "errors", errors: outcome.errors });
        return;
      }
      const { result } = outcome;
      if (!result.ok) {
        const message = result.reason === "resolved" ? alreadyFixedPlain(result.recoveryCase) : CASE_NOT_FOUND;
        await ack({ response_action: "errors", errors: { [errorField]: message } });
        return;
      }
      await ack();
    });
  }

  caseModal(CALLBACK_IDS.fixed, "fixed", FIELDS.fix, async ({ view, actorId, recoveryCase, now, followUp }) => {
    const parsed = parseTextSubmission(
      view.state.values,
      { blockId: FIELDS.fix, problem: "Say what was done to fix it." },
      FIELDS.surprise,
    );
    if (!parsed.ok) return { errors: parsed.errors };
    return {
      result: await resolveCase(
        deps.prisma,
        now,
        {
          caseId: recoveryCase.id,
          actorId,
          fixSummary: parsed.value.text,
          surpriseGiven: parsed.value.optional,
        },
        followUp(),
      ),
    };
  });

  caseModal(CALLBACK_IDS.update, "update", FIELDS.update, async ({ view, actorId, recoveryCase, now, followUp }) => {
    const parsed = parseTextSubmission(view.state.values, {
      blockId: FIELDS.update,
      problem: "Say what the customer was told.",
    });
    if (!parsed.ok) return { errors: parsed.errors };
    return {
      result: await addCustomerUpdate(
        deps.prisma,
        now,
        { caseId: recoveryCase.id, actorId, text: parsed.value.text },
        followUp(),
      ),
    };
  });

  caseModal(
    CALLBACK_IDS.extend,
    "extend",
    FIELDS.newDeadline,
    async ({ view, actorId, recoveryCase, now, followUp }) => {
      const parsed = parseExtendSubmission(
        view.state.values,
        now,
        { deadline: FIELDS.newDeadline, reason: FIELDS.reason },
        recoveryCase.dueAt,
      );
      if (!parsed.ok) return { errors: parsed.errors };
      return {
        result: await extendCase(deps.prisma, now, { caseId: recoveryCase.id, actorId, ...parsed.value }, followUp()),
      };
    },
  );

  caseModal(
    CALLBACK_IDS.reassign,
    "reassign",
    FIELDS.newOwner,
    async ({ view, actorId, recoveryCase, now, followUp }) => {
      const parsed = parseReassignSubmission(view.state.values, recoveryCase.ownerId, FIELDS);
      if (!parsed.ok) return { errors: parsed.errors };
      const { newOwnerId, note } = parsed.value;
      const problem = await ownerProblem(deps.users, newOwnerId);
      if (problem) return { errors: { [FIELDS.newOwner]: problem } };
      return {
        result: await reassignCase(
          deps.prisma,
          now,
          { caseId: recoveryCase.id, actorId, newOwnerId, previousOwnerId: recoveryCase.ownerId, note },
          followUp(newOwnerId),
        ),
      };
    },
  );
}
