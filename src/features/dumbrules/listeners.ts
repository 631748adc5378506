// /dumbrule, its modal and the rule message's buttons. Thin: parse → record → ack; posting,
// refreshing the message and telling people run in jobs (jobs.ts). Who may do what is checked
// here, on the server, for every click and every submission.
import { createHash } from "node:crypto";
import type { BlockAction, ButtonAction } from "@slack/bolt";
import type { AppDeps } from "../../deps.ts";
import type { SlackRouter } from "../../slack/router.ts";
import { quoteInput } from "../../slack/text.ts";
import {
  ACTION_IDS,
  ALREADY_PLUS_ONED,
  ALREADY_RECEIVED,
  alreadyDecided,
  alreadyDecidedPlain,
  CALLBACK_IDS,
  decisionModal,
  LIST_LIMIT,
  onlyManagers,
  onlyManagersPlain,
  RECEIVED,
  renderHelp,
  renderList,
  reportModal,
  RULE_NOT_FOUND,
} from "./blocks.ts";
import { registerDumbRulesJobs } from "./jobs.ts";
import { DUMBRULE_JOBS, type RecordPayload } from "./model.ts";
import { NOTE_FIELD, parseDumbRuleCommand, parseNoteSubmission, parseRuleSubmission } from "./parse.ts";
import { recordAudit } from "../audit/service.ts";
import { addPlusOne, decideRule, getRule, listOpenRules } from "./service.ts";

/** The same person sending the same /dumbrule within this window records one rule. */
export const DUMBRULE_DEDUPE_WINDOW_MS = 60_000;
/** Everything typed is quoted back on a problem (an ephemeral text holds ~40k). */
const QUOTE_MAX = 38_000;

function dedupeHash(teamId: string, userId: string, text: string): string {
  return createHash("sha256")
    .update(JSON.stringify([teamId, userId, "/dumbrule", text.trim()]))
    .digest("hex");
}

export function registerDumbRulesFeature(router: SlackRouter, deps: AppDeps): void {
  registerDumbRulesJobs(deps.jobs, deps);

  router.command("/dumbrule", async ({ ack, command, client }) => {
    const teamId = command.team_id;
    const parsed = parseDumbRuleCommand(command.text);
    if (!parsed.ok) {
      await ack({
        response_type: "ephemeral",
        text: renderHelp(parsed.problem, quoteInput(`/dumbrule ${command.text}`, QUOTE_MAX)),
      });
      return;
    }
    const cmd = parsed.command;
    switch (cmd.kind) {
      case "help":
        await ack({ response_type: "ephemeral", text: renderHelp() });
        return;
      case "modal":
        await ack();
        await client.views.open({ trigger_id: command.trigger_id, view: reportModal() });
        return;
      case "list": {
        const { rules, total } = await listOpenRules(deps.prisma, teamId, LIST_LIMIT);
        await ack({ response_type: "ephemeral", ...renderList(rules, total) });
        return;
      }
      case "report": {
        const payload: RecordPayload = {
          teamId,
          enterpriseId: command.enterprise_id ?? null,
          userId: command.user_id,
          rule: cmd.rule,
          why: cmd.why,
          responseUrl: command.response_url,
        };
        const { created } = await deps.jobs.enqueue(DUMBRULE_JOBS.record, payload, {
          teamId,
          dedupeHash: dedupeHash(teamId, command.user_id, command.text),
          dedupeWindowMs: DUMBRULE_DEDUPE_WINDOW_MS,
          recordedAt: deps.clock.now(),
        });
        await ack({ response_type: "ephemeral", text: created ? RECEIVED : ALREADY_RECEIVED });
        return;
      }
    }
  });

  router.view(CALLBACK_IDS.report, async ({ ack, view, body }) => {
    const parsed = parseRuleSubmission(view.state.values);
    if (!parsed.ok) {
      // Slack keeps what was typed and shows each error under its field.
      await ack({ response_action: "errors", errors: parsed.errors });
      return;
    }
    const teamId = body.team?.id ?? body.user.team_id ?? "";
    const payload: RecordPayload = {
      teamId,
      enterpriseId: body.enterprise?.id ?? null,
      userId: body.user.id,
      ...parsed.value,
      responseUrl: null,
    };
    // A view Slack resends is one job, one rule.
    await deps.jobs.enqueue(DUMBRULE_JOBS.record, payload, { key: `dumbrule-view:${view.id}`, teamId });
    await ack();
  });

  /** A click's answer goes through its response_url, from a job. */
  const replyToClick = async (body: BlockAction<ButtonAction>, text: string) => {
    if (!body.response_url) return;
    await deps.jobs.enqueue(
      DUMBRULE_JOBS.clickReply,
      { responseUrl: body.response_url, text },
      {
        key: `dumbrule-click:${body.actions[0]?.action_id}:${body.user.id}:${body.actions[0]?.action_ts ?? body.trigger_id}`,
        teamId: body.team?.id,
      },
    );
  };

  // +1: one per person. Clicking again says so (no toggle: a +1 is a voice, kept once given).
  router.action<BlockAction<ButtonAction>>(ACTION_IDS.plusOne, async ({ ack, body, action }) => {
    const teamId = body.team?.id ?? body.user.team_id;
    const rule = await getRule(deps.prisma, action.value ?? "");
    if (!rule || rule.teamId !== teamId) {
      await replyToClick(body, RULE_NOT_FOUND);
      await ack();
      return;
    }
    if (rule.status !== "open") {
      await replyToClick(body, alreadyDecided(rule));
      await ack();
      return;
    }
    // One refresh per +1 (the vote is unique, so is the key); it renders the count it reads.
    // Recorded with the vote: a vote is never saved without its refresh.
    const counted = await addPlusOne(deps.prisma, rule.id, body.user.id, deps.clock.now(), (tx) =>
      deps.jobs.enqueueInTransaction(
        tx,
        DUMBRULE_JOBS.refreshCard,
        { ruleId: rule.id },
        { key: `dumbrule-plus-one:${rule.id}:${body.user.id}`, teamId },
      ),
    );
    if (!counted) await replyToClick(body, ALREADY_PLUS_ONED);
    await ack();
  });

  for (const decision of ["kill", "keep"] as const) {
    router.action<BlockAction<ButtonAction>>(ACTION_IDS[decision], async ({ ack, body, action, client }) => {
      const teamId = body.team?.id ?? body.user.team_id ?? "";
      const rule = await getRule(deps.prisma, action.value ?? "");
      if (!rule || rule.teamId !== teamId) {
        await replyToClick(body, RULE_NOT_FOUND);
        await ack();
        return;
      }
      if (!(await deps.roles.isManager(teamId, body.user.id))) {
        await replyToClick(body, onlyManagers(decision));
        await ack();
        return;
      }
      if (rule.status !== "open") {
        await replyToClick(body, alreadyDecided(rule));
        await deps.jobs.enqueue(DUMBRULE_JOBS.refreshCard, { ruleId: rule.id }, { teamId });
        await ack();
        return;
      }
      await ack();
      await client.views.open({ trigger_id: body.trigger_id, view: decisionModal(rule, decision) });
    });

    router.view(CALLBACK_IDS[decision], async ({ ack, view, body }) => {
      const teamId = body.team?.id ?? body.user.team_id ?? "";
      const managerId = body.user.id;
      // A modal can outlive a permission: check again.
      if (!(await deps.roles.isManager(teamId, managerId))) {
        await ack({ response_action: "errors", errors: { [NOTE_FIELD]: onlyManagersPlain(decision) } });
        return;
      }
      const parsed = parseNoteSubmission(
        view.state.values,
        decision === "kill" ? "Say what changed, so the team knows the rule is gone." : "Say why the rule stays.",
      );
      if (!parsed.ok) {
        await ack({ response_action: "errors", errors: parsed.errors });
        return;
      }
      const ruleId = view.private_metadata;
      const result = await decideRule(
        deps.prisma,
        {
          ruleId,
          teamId,
          managerId,
          status: decision === "kill" ? "killed" : "kept",
          note: parsed.value,
          now: deps.clock.now(),
        },
        // First decision wins, so one rule has one outcome job, recorded with the decision.
        // The audit entry too: a decision is never recorded without it.
        async (tx) => {
          await deps.jobs.enqueueInTransaction(
            tx,
            DUMBRULE_JOBS.decided,
            { ruleId },
            { key: `dumbrule-decided:${ruleId}`, teamId },
          );
          await recordAudit(tx, {
            teamId,
            actorId: managerId,
            action: decision === "kill" ? "dumbrule.kill" : "dumbrule.keep",
            target: ruleId,
            before: { status: "open" },
            after: { status: decision === "kill" ? "killed" : "kept" },
            at: deps.clock.now(),
          });
        },
      );
      if (!result.ok) {
        const message = result.rule ? alreadyDecidedPlain(result.rule) : RULE_NOT_FOUND;
        await ack({ response_action: "errors", errors: { [NOTE_FIELD]: message } });
        return;
      }
      await ack();
    });
  }
}
