// /oops, the "Log an OOPS" modal and the case buttons. Thin: parse → service → blocks.
// Every action is checked on the server (owner, reporter or manager) before anything changes.
import type { AllMiddlewareArgs, App, BlockAction, ButtonAction, SlackViewMiddlewareArgs, webApi } from "@slack/bolt";
import type { AppDeps } from "../../deps.ts";
import { replyEphemeral, sendDirectMessage } from "../../slack/replies.ts";
import { quoteInput } from "../../slack/text.ts";
import { formatDuration } from "../admin/blocks.ts";
import { getSettings } from "../admin/settings.ts";
import {
  ACTION_IDS,
  alreadyFixed,
  alreadyFixedPlain,
  CALLBACK_IDS,
  CASE_NOT_FOUND,
  caseLabel,
  confirmationText,
  couldNotTellOwner,
  extendModal,
  FIELDS,
  fixedModal,
  fixedNotice,
  onlyParticipants,
  onlyParticipantsPlain,
  openCaseModal,
  ownerToldLead,
  reassignModal,
  renderCaseList,
  renderOopsHelp,
  updateModal,
  type CaseAction,
} from "./blocks.ts";
import { ownerProblem } from "./owner-check.ts";
import { refreshCaseMessages, sendCaseCardByDm, timezoneOf, type NotifyDeps } from "./notify.ts";
import {
  parseExtendSubmission,
  parseOopsCommand,
  parseOpenCaseSubmission,
  parseReassignSubmission,
  parseTextSubmission,
  type FieldErrors,
  type ViewValues,
} from "./parse.ts";
import {
  addCustomerUpdate,
  extendCase,
  findCaseByView,
  getCase,
  isUniqueViolation,
  listOpenCases,
  mayAct,
  openCase,
  reassignCase,
  resolveCase,
  type ActionResult,
  type OpenCaseInput,
  type RecoveryCaseWithTimeline,
} from "./service.ts";

const LIST_LIMIT = 25;
const ONLY_MANAGERS_LIST =
  ":lock: Only Delight managers can list every open recovery. `/oops list` shows the ones you own.";

type ViewArgs = SlackViewMiddlewareArgs & AllMiddlewareArgs;

/** Quotes everything the person typed back to them: nothing typed is lost (an ephemeral text holds ~40k). */
const QUOTE_MAX = 38_000;
const quoteAll = (typed: string): string => quoteInput(typed, QUOTE_MAX);
const COULD_NOT_SAVE =
  ":warning: Sorry, I couldn't save your service recovery because of a problem on our side, so no case was opened.";

/** The apology when the modal's case could not be saved, with everything they typed (plain text fields). */
function couldNotSaveCase(values: ViewValues): string {
  const typed = (field: string): string => {
    const state = values[field]?.value as { value?: unknown; selected_user?: unknown } | undefined;
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

/** After ack() there is time to wait for Slack. */
const AFTER_ACK_LOOKUP_MS = 10_000;

export function registerRecoveriesFeature(app: App, deps: AppDeps): void {
  const notifyDeps = (client: webApi.WebClient): NotifyDeps => ({
    prisma: deps.prisma,
    client,
    clock: deps.clock,
    logger: deps.logger,
    users: deps.users,
  });

  /**
   * Tells the owner (and the reporter, with a card that stays current). The case exists
   * already, so a Slack failure here is logged and reported, never "nothing was changed".
   * Returns false when the owner could not be told.
   */
  async function announceNewCase(client: webApi.WebClient, recoveryCase: RecoveryCaseWithTimeline): Promise<boolean> {
    const notify = notifyDeps(client);
    try {
      await sendCaseCardByDm(notify, recoveryCase, recoveryCase.ownerId, ownerToldLead(recoveryCase, "new"));
    } catch (error) {
      deps.logger.warn(`Could not DM the owner of ${caseLabel(recoveryCase)}`, String(error));
      return false;
    }
    if (recoveryCase.reporterId !== recoveryCase.ownerId) {
      const timezone = await timezoneOf(deps.users, recoveryCase.reporterId);
      await sendCaseCardByDm(
        notify,
        recoveryCase,
        recoveryCase.reporterId,
        confirmationText(recoveryCase, deps.clock.now(), timezone),
      ).catch((error: unknown) =>
        deps.logger.warn(`Could not DM the reporter of ${caseLabel(recoveryCase)}`, String(error)),
      );
    }
    return true;
  }

  app.command("/oops", async ({ ack, command, respond, client }) => {
    await ack();
    const teamId = command.team_id;
    const parsed = parseOopsCommand(command.text);
    if (!parsed.ok) {
      await replyEphemeral(respond, renderOopsHelp(parsed.problem, quoteAll(`/oops ${command.text}`)));
      return;
    }
    const cmd = parsed.command;
    switch (cmd.kind) {
      case "help":
        await replyEphemeral(respond, renderOopsHelp());
        return;
      case "modal": {
        const settings = await getSettings(deps.prisma, { teamId, enterpriseId: command.enterprise_id ?? null });
        await client.views.open({
          trigger_id: command.trigger_id,
          view: openCaseModal(formatDuration(settings.slaMinutes)),
        });
        return;
      }
      case "list": {
        if (cmd.all && !(await deps.roles.isManager(teamId, command.user_id))) {
          await replyEphemeral(respond, ONLY_MANAGERS_LIST);
          return;
        }
        const { cases, total } = await listOpenCases(
          deps.prisma,
          { teamId, ownerId: cmd.all ? undefined : command.user_id },
          LIST_LIMIT,
        );
        const timezone = await timezoneOf(deps.users, command.user_id);
        await replyEphemeral(respond, renderCaseList(cases, total, { now: deps.clock.now(), timezone, all: cmd.all }));
        return;
      }
      case "open": {
        const problem = await ownerProblem(deps.users, cmd.ownerId, AFTER_ACK_LOOKUP_MS);
        if (problem) {
          await replyEphemeral(respond, renderOopsHelp(problem, quoteAll(`/oops ${command.text}`)));
          return;
        }
        let recoveryCase: RecoveryCaseWithTimeline;
        try {
          recoveryCase = await openCase(deps.prisma, deps.clock.now(), {
            workspace: { teamId, enterpriseId: command.enterprise_id ?? null },
            reporterId: command.user_id,
            ownerId: cmd.ownerId,
            customer: cmd.customer,
            description: cmd.description,
          });
        } catch (error) {
          // The general "something went wrong" would drop what they typed: quote it back.
          deps.logger.error("Could not save a recovery case from /oops", String(error));
          await replyEphemeral(
            respond,
            `${COULD_NOT_SAVE} Please try again in a minute; here is what you typed:\n${quoteAll(`/oops ${command.text}`)}`,
          );
          return;
        }
        const timezone = await timezoneOf(deps.users, command.user_id);
        await replyEphemeral(respond, confirmationText(recoveryCase, deps.clock.now(), timezone));
        if (!(await announceNewCase(client, recoveryCase))) {
          await replyEphemeral(respond, couldNotTellOwner(recoveryCase));
        }
        return;
      }
    }
  });

  app.view(CALLBACK_IDS.open, async ({ ack, view, body, client }) => {
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
    await ack();

    const input: OpenCaseInput = {
      workspace: { teamId: body.team?.id ?? body.user.team_id ?? "", enterpriseId: body.enterprise?.id ?? null },
      reporterId: body.user.id,
      sourceViewId: view.id,
      ...parsed.value,
    };
    let recoveryCase: RecoveryCaseWithTimeline;
    try {
      // Slack resends a view it thinks timed out: the same view opens one case, once.
      if (await findCaseByView(deps.prisma, view.id)) return;
      recoveryCase = await openCase(deps.prisma, now, input);
    } catch (error) {
      if (isUniqueViolation(error)) return; // a concurrent resubmission of this view won
      // Acked already, so the modal is gone: without this DM what they typed would be lost.
      deps.logger.error("Could not save a recovery case from the modal", String(error));
      await sendDirectMessage(client, input.reporterId, { text: couldNotSaveCase(view.state.values) }).catch(
        (dmError: unknown) => deps.logger.warn("Could not DM the reporter about it either", String(dmError)),
      );
      return;
    }
    if (!(await announceNewCase(client, recoveryCase))) {
      // No response_url from a modal: the reporter hears by DM, if Slack lets us.
      await sendDirectMessage(client, input.reporterId, { text: couldNotTellOwner(recoveryCase) }).catch(
        (error: unknown) => deps.logger.warn("Could not DM the reporter either", String(error)),
      );
    }
  });

  // ——— buttons: check, then open the action's modal ———
  const modalFor: Record<CaseAction, (c: RecoveryCaseWithTimeline) => webApi.View> = {
    fixed: fixedModal,
    update: updateModal,
    extend: (c) => extendModal(c, deps.clock.now()),
    reassign: reassignModal,
  };

  for (const action of Object.keys(ACTION_IDS) as CaseAction[]) {
    app.action<BlockAction<ButtonAction>>(
      ACTION_IDS[action],
      async ({ ack, body, action: button, respond, client }) => {
        await ack();
        const teamId = body.team?.id ?? body.user.team_id;
        const recoveryCase = await getCase(deps.prisma, button.value ?? "");
        if (!recoveryCase || recoveryCase.teamId !== teamId) {
          await replyEphemeral(respond, CASE_NOT_FOUND);
          return;
        }
        if (!(await mayAct(deps.roles, recoveryCase, body.user.id))) {
          await replyEphemeral(respond, onlyParticipants(recoveryCase));
          return;
        }
        if (recoveryCase.status !== "open") {
          await replyEphemeral(respond, alreadyFixed(recoveryCase));
          await refreshCaseMessages(notifyDeps(client), recoveryCase.id);
          return;
        }
        await client.views.open({ trigger_id: body.trigger_id, view: modalFor[action](recoveryCase) });
      },
    );
  }

  // ——— modal submissions: check again (a modal can outlive a permission), act, refresh ———

  /**
   * Shared shape of the four case modals: loads the case, re-checks who may act, runs the
   * change, answers field errors in the modal (nothing typed is lost), then refreshes cards.
   */
  function caseModal(
    callbackId: string,
    errorField: string,
    handle: (args: {
      view: ViewArgs["view"];
      actorId: string;
      recoveryCase: RecoveryCaseWithTimeline;
      now: Date;
    }) => Promise<
      | { errors: FieldErrors }
      | { result: ActionResult; after?: (c: RecoveryCaseWithTimeline, client: webApi.WebClient) => Promise<void> }
    >,
  ): void {
    app.view(callbackId, async ({ ack, view, body, client: webClient }) => {
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
      const outcome = await handle({ view, actorId, recoveryCase, now: deps.clock.now() });
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
      try {
        if (outcome.after) await outcome.after(result.recoveryCase, webClient);
      } finally {
        // The change is saved whatever `after` managed: every card shows it.
        await refreshCaseMessages(notifyDeps(webClient), recoveryCase.id);
      }
    });
  }

  caseModal(CALLBACK_IDS.fixed, FIELDS.fix, async ({ view, actorId, recoveryCase, now }) => {
    const parsed = parseTextSubmission(
      view.state.values,
      { blockId: FIELDS.fix, problem: "Say what was done to fix it." },
      FIELDS.surprise,
    );
    if (!parsed.ok) return { errors: parsed.errors };
    return {
      result: await resolveCase(deps.prisma, now, {
        caseId: recoveryCase.id,
        actorId,
        fixSummary: parsed.value.text,
        surpriseGiven: parsed.value.optional,
      }),
      after: async (fixed, client) => {
        // Close the loop with the person who reported it (their card updates silently).
        if (fixed.reporterId === actorId) return;
        await sendDirectMessage(client, fixed.reporterId, { text: fixedNotice(fixed) }).catch((error: unknown) =>
          deps.logger.warn(`Could not tell the reporter ${caseLabel(fixed)} is fixed`, String(error)),
        );
      },
    };
  });

  caseModal(CALLBACK_IDS.update, FIELDS.update, async ({ view, actorId, recoveryCase, now }) => {
    const parsed = parseTextSubmission(view.state.values, {
      blockId: FIELDS.update,
      problem: "Say what the customer was told.",
    });
    if (!parsed.ok) return { errors: parsed.errors };
    return {
      result: await addCustomerUpdate(deps.prisma, now, { caseId: recoveryCase.id, actorId, text: parsed.value.text }),
    };
  });

  caseModal(CALLBACK_IDS.extend, FIELDS.newDeadline, async ({ view, actorId, recoveryCase, now }) => {
    const parsed = parseExtendSubmission(
      view.state.values,
      now,
      { deadline: FIELDS.newDeadline, reason: FIELDS.reason },
      recoveryCase.dueAt,
    );
    if (!parsed.ok) return { errors: parsed.errors };
    return { result: await extendCase(deps.prisma, now, { caseId: recoveryCase.id, actorId, ...parsed.value }) };
  });

  caseModal(CALLBACK_IDS.reassign, FIELDS.newOwner, async ({ view, actorId, recoveryCase, now }) => {
    const parsed = parseReassignSubmission(view.state.values, recoveryCase.ownerId, FIELDS);
    if (!parsed.ok) return { errors: parsed.errors };
    const { newOwnerId, note } = parsed.value;
    const problem = await ownerProblem(deps.users, newOwnerId);
    if (problem) return { errors: { [FIELDS.newOwner]: problem } };
    return {
      result: await reassignCase(deps.prisma, now, {
        caseId: recoveryCase.id,
        actorId,
        newOwnerId,
        previousOwnerId: recoveryCase.ownerId,
        note,
      }),
      after: async (updated, client) => {
        // The new owner is told at once, with the card and its buttons. If Slack won't let
        // us, the person who reassigned it hears (the modal is closed already).
        try {
          await sendCaseCardByDm(notifyDeps(client), updated, newOwnerId, ownerToldLead(updated, "reassigned"));
        } catch (error) {
          deps.logger.warn(`Could not DM the new owner of ${caseLabel(updated)}`, String(error));
          await sendDirectMessage(client, actorId, { text: couldNotTellOwner(updated) }).catch((dmError: unknown) =>
            deps.logger.warn("Could not DM the person who reassigned it either", String(dmError)),
          );
        }
      },
    };
  });
}
