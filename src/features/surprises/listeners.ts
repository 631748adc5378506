// /surprise, its form, the case card's "Suggest a surprise", the suggestion buttons and App
// Home's "Surprise idea". Thin: validate, enqueue a job (jobs.ts does the work and answers
// through the outbox), ack. Only opening a form is a direct call: it needs the trigger id now.
import { createHash } from "node:crypto";
import type { BlockAction, ButtonAction } from "@slack/bolt";
import type { AppDeps } from "../../deps.ts";
import type { SlackRouter } from "../../slack/router.ts";
import { responseUrlUsable } from "../../slack/replies.ts";
import { quoteInput } from "../../slack/text.ts";
import { HOME_SURPRISE_ACTION } from "../home/blocks.ts";
import { onlyParticipants, SUGGEST_SURPRISE_ACTION } from "../recoveries/blocks.ts";
import { getCase, mayAct } from "../recoveries/service.ts";
import {
  CALLBACK_IDS,
  renderSurpriseHelp,
  requestModal,
  SUGGESTION_ACTION_PATTERN,
  SUGGESTION_GONE,
  onTheWayText,
  thinkingModal,
  useModal,
} from "./blocks.ts";
import { JOB_KINDS, registerSurpriseJobs, type SuggestJob } from "./jobs.ts";
import { surpriseModel } from "./model-client.ts";
import {
  parseSuggestionRef,
  parseSurpriseCommand,
  readRequestForm,
  readUseForm,
  requestFormMetadata,
  useFormMetadata,
} from "./parse.ts";
import { getRequest, storedBudget, storedSuggestions } from "./service.ts";

/** Quotes what the person typed back to them (an ephemeral text holds ~40k). */
const QUOTE_MAX = 38_000;

const shortHash = (text: string): string => createHash("sha256").update(text).digest("hex").slice(0, 12);

export function registerSurprisesFeature(router: SlackRouter, deps: AppDeps): void {
  const { model, deadlineMs } = surpriseModel(deps);
  registerSurpriseJobs(deps, model, deadlineMs);

  const enqueueSuggest = (payload: SuggestJob, key: string) =>
    deps.jobs.enqueue(JOB_KINDS.suggest, payload, { key, teamId: payload.teamId });

  router.command("/surprise", async ({ ack, command, client }) => {
    const parsed = parseSurpriseCommand(command.text);
    if (!parsed.ok) {
      await ack({
        response_type: "ephemeral",
        text: renderSurpriseHelp(parsed.problem, quoteInput(`/surprise ${command.text}`, QUOTE_MAX)),
      });
      return;
    }
    const cmd = parsed.command;
    const base = { teamId: command.team_id, enterpriseId: command.enterprise_id ?? null, userId: command.user_id };
    // Slack never resends a command; the key still makes one job per invocation.
    const key = `surprise:${cmd.kind}:${command.trigger_id}:${command.user_id}:${shortHash(command.text)}`;
    switch (cmd.kind) {
      case "help":
        await ack({ response_type: "ephemeral", text: renderSurpriseHelp() });
        return;
      case "modal":
        await ack();
        await client.views.open({
          trigger_id: command.trigger_id,
          view: requestModal({}, { responseUrl: command.response_url, issuedAtMs: deps.clock.now().getTime() }),
        });
        return;
      case "customer":
        await deps.jobs.enqueue(
          JOB_KINDS.customer,
          { ...base, name: cmd.name, responseUrl: command.response_url },
          { key, teamId: base.teamId },
        );
        await ack();
        return;
      case "note":
        await deps.jobs.enqueue(
          JOB_KINDS.note,
          { ...base, name: cmd.name, text: cmd.text, responseUrl: command.response_url },
          { key, teamId: base.teamId },
        );
        await ack();
        return;
      case "tier":
        await deps.jobs.enqueue(
          JOB_KINDS.tier,
          { ...base, name: cmd.name, tier: cmd.tier, responseUrl: command.response_url },
          { key, teamId: base.teamId },
        );
        await ack();
        return;
      case "suggest":
        await enqueueSuggest(
          {
            ...base,
            customer: cmd.customer,
            caseId: null,
            context: cmd.context,
            occasion: null,
            interests: [],
            budgetCents: null,
            reply: { kind: "response_url", url: command.response_url, issuedAtMs: deps.clock.now().getTime() },
            askedAtMs: Date.now(),
          },
          key,
        );
        // The ideas come as a message of their own: a slash command's response_url cannot
        // replace the command's answer (Slack posts a new message; bolt-js #2287).
        await ack({ response_type: "ephemeral", text: onTheWayText(cmd.customer) });
        return;
    }
  });

  router.view(CALLBACK_IDS.request, async ({ ack, view, body }) => {
    const read = readRequestForm(view.state.values);
    if (!read.ok) {
      await ack({ response_action: "errors", errors: read.errors });
      return;
    }
    const { responseUrl, issuedAtMs } = requestFormMetadata.parse(safeJson(view.private_metadata));
    // A form can stay open for longer than its command's response_url lives: then by DM.
    const usable = responseUrl !== undefined && responseUrlUsable(issuedAtMs, deps.clock.now());
    const { draft } = read;
    await enqueueSuggest(
      {
        teamId: body.team?.id ?? body.user.team_id ?? "",
        enterpriseId: body.enterprise?.id ?? null,
        userId: body.user.id,
        customer: draft.customer,
        caseId: null,
        context: draft.context,
        occasion: draft.occasion,
        interests: draft.interests,
        budgetCents: draft.budgetCents,
        reply: usable ? { kind: "response_url", url: responseUrl, issuedAtMs } : { kind: "dm" },
        askedAtMs: Date.now(),
      },
      `surprise:form:${view.id}`,
    );
    await ack({ response_action: "update", view: thinkingModal(draft.customer, usable ? "here" : "dm") });
  });

  // The case card's button: who may use it and which customer it is are checked in the job.
  router.action<BlockAction<ButtonAction>>(SUGGEST_SURPRISE_ACTION, async ({ ack, body, action }) => {
    const teamId = body.team?.id ?? body.user.team_id ?? "";
    const responseUrl = (body as { response_url?: string }).response_url;
    await enqueueSuggest(
      {
        teamId,
        enterpriseId: body.enterprise?.id ?? null,
        userId: body.user.id,
        customer: null,
        caseId: action.value ?? "",
        context: "",
        occasion: "recovery",
        interests: [],
        budgetCents: null,
        reply: responseUrl
          ? { kind: "response_url", url: responseUrl, issuedAtMs: deps.clock.now().getTime() }
          : { kind: "dm" },
        askedAtMs: Date.now(),
      },
      `surprise:case:${action.value ?? ""}:${body.user.id}:${action.action_ts}`,
    );
    await ack();
  });

  router.action<BlockAction<ButtonAction>>(SUGGESTION_ACTION_PATTERN, async ({ ack, body, action, client }) => {
    const teamId = body.team?.id ?? body.user.team_id ?? "";
    const responseUrl = (body as { response_url?: string }).response_url;
    const ref = parseSuggestionRef(action.value);
    const kind = /^surprise_(use|up|down)_/.exec(action.action_id)?.[1];
    if (!ref || !kind) {
      await ack();
      return;
    }
    if (kind === "use") {
      await ack();
      const request = await getRequest(deps.prisma, teamId, ref.requestId);
      const suggestion = request ? storedSuggestions(request)[ref.index] : undefined;
      // A gesture for a recovery case is recorded on it: the case's rule decides who may.
      const recoveryCase = request?.caseId ? await getCase(deps.prisma, request.caseId) : null;
      const refusal =
        recoveryCase && !(await mayAct(deps.roles, recoveryCase, body.user.id)) ? onlyParticipants(recoveryCase) : null;
      if (!request || !suggestion || refusal) {
        if (responseUrl) {
          await deps.jobs.enqueue(JOB_KINDS.reply, { responseUrl, text: refusal ?? SUGGESTION_GONE }, { teamId });
        }
        return;
      }
      await client.views.open({
        trigger_id: body.trigger_id,
        view: useModal(suggestion, storedBudget(request), {
          ...ref,
          responseUrl,
          issuedAtMs: deps.clock.now().getTime(),
        }),
      });
      return;
    }
    await deps.jobs.enqueue(
      JOB_KINDS.feedback,
      {
        teamId,
        enterpriseId: body.enterprise?.id ?? null,
        userId: body.user.id,
        ...ref,
        vote: kind === "up" ? 1 : -1,
        responseUrl,
      },
      { key: `surprise:vote:${ref.requestId}:${ref.index}:${body.user.id}:${action.action_ts}`, teamId },
    );
    await ack();
  });

  router.view(CALLBACK_IDS.use, async ({ ack, view, body }) => {
    const metadata = useFormMetadata.safeParse(safeJson(view.private_metadata));
    const read = readUseForm(view.state.values);
    if (!read.ok) {
      await ack({ response_action: "errors", errors: read.errors });
      return;
    }
    if (!metadata.success) {
      await ack();
      return;
    }
    const teamId = body.team?.id ?? body.user.team_id ?? "";
    await deps.jobs.enqueue(
      JOB_KINDS.use,
      {
        teamId,
        enterpriseId: body.enterprise?.id ?? null,
        userId: body.user.id,
        requestId: metadata.data.requestId,
        index: metadata.data.index,
        costCents: read.costCents,
        what: read.what,
        viewId: view.id,
        responseUrl: metadata.data.responseUrl,
        responseIssuedAtMs: metadata.data.issuedAtMs,
      },
      { key: `surprise:use:${view.id}`, teamId },
    );
    await ack();
  });

  // App Home's quick action: the same form; the ideas arrive by DM (a form from App Home has no response_url).
  router.action(HOME_SURPRISE_ACTION, async ({ ack, body, client }) => {
    await ack();
    const triggerId = (body as { trigger_id?: string }).trigger_id;
    if (triggerId) await client.views.open({ trigger_id: triggerId, view: requestModal() });
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return {};
  }
}
