// /delight, the "Nominate for delight" message shortcut, the nomination modal, and the
// manager's decision from any of its four doors: the thread buttons (or App Home's), the
// reject modal, a ✅ reaction on the card, and an "approve" reply in the card's thread.
// Every door checks on the server that the person is a manager; the database decides who
// was first.
import type { App, BlockButtonAction, RespondFn, webApi } from "@slack/bolt";
import cron from "node-cron";
import type { AppDeps } from "../../deps.ts";
import { enqueueDigestPreview } from "../digest/listeners.ts";
import { publishHome } from "../home/publish.ts";
import { enqueueStoriesBrowse } from "../stories/listeners.ts";
import { replyEphemeral, sendDirectMessage } from "../../slack/replies.ts";
import { mentionedUserIds, plainFromSlack, quoteInput } from "../../slack/text.ts";
import type { WorkspaceRef } from "../admin/settings.ts";
import {
  alreadyDecidedMessage,
  APPROVE_ACTION,
  DELIGHT_HELP,
  NOMINATE_CALLBACK,
  NOMINATION_GONE,
  nominationModal,
  nominationNotSavedMessage,
  nominationSaved,
  noticeModal,
  ONLY_MANAGERS,
  OWN_NOMINATION,
  REJECT_ACTION,
  REJECT_CALLBACK,
  rejectModal,
} from "./blocks.ts";
import {
  isApprovalReply,
  MODAL_BLOCKS,
  parseDelightCommand,
  readNominationModal,
  readRejectReason,
  rejectModalMetadata,
  REJECT_REASON_BLOCK,
  slackEscapedFromPlain,
} from "./parse.ts";
import {
  announceDecision,
  decideNomination,
  findByApprovalMessage,
  nomineeProblem,
  submitNomination,
  sweepUnfinishedFollowUps,
  sweepWaitingCards,
  type Decision,
  type DecisionOutcome,
  type NewNomination,
} from "./service.ts";
import { renderStats } from "./stats.ts";

type WebClient = webApi.WebClient;

export const NOMINATE_SHORTCUT = "nominate_message";
const APPROVING_REACTIONS = new Set(["white_check_mark", "heavy_check_mark"]);
// Names for the shortcut's prefill must not eat the trigger_id's few seconds.
const MENTION_LOOKUP_TIMEOUT_MS = 1_000;

/** Creates the nomination and posts its approval card; returns the line for the nominator. */
async function saveAndPost(deps: AppDeps, client: WebClient, input: NewNomination): Promise<string> {
  const { nomination, card } = await submitNomination(deps, client, input);
  return nominationSaved(nomination, card);
}

/** What the person who tried to decide is told, or null when the thread already shows it. */
function outcomeNotice(outcome: DecisionOutcome, deciderId: string): string | null {
  switch (outcome.kind) {
    case "decided":
      return null;
    case "not-manager":
      return ONLY_MANAGERS;
    case "own-nomination":
      return OWN_NOMINATION;
    case "not-found":
      return NOMINATION_GONE;
    case "already-decided":
      // The same manager again (double click, ✅ after the button, a retried event): the
      // card already shows their decision; saying "already decided by you" is just noise.
      return outcome.nomination.decidedBy === deciderId ? null : alreadyDecidedMessage(outcome.nomination);
  }
}

export function registerNominationsFeature(app: App, deps: AppDeps): void {
  app.command("/delight", async ({ ack, command, respond, client }) => {
    await ack();
    const workspace: WorkspaceRef = { teamId: command.team_id, enterpriseId: command.enterprise_id ?? null };
    const parsed = parseDelightCommand(command.text);
    const refuse = (problem: string) =>
      replyEphemeral(respond, `${problem}\nYou typed:\n${quoteInput(`/delight ${command.text}`)}`);

    switch (parsed.kind) {
      case "modal":
        await client.views.open({
          trigger_id: command.trigger_id,
          view: nominationModal({ channelId: command.channel_id }),
        });
        return;
      case "help":
        await replyEphemeral(respond, DELIGHT_HELP);
        return;
      case "stats":
        await replyEphemeral(respond, await renderStats(deps, client, workspace, command.user_id));
        return;
      case "stories": {
        const problem = await enqueueStoriesBrowse(deps, command, parsed.filterText);
        if (problem) await refuse(problem);
        return;
      }
      case "digest-preview":
        await enqueueDigestPreview(deps, command, parsed.channelId);
        return;
      case "invalid":
        await refuse(`${parsed.problem}\nSee \`/delight help\` for examples.`);
        return;
      case "nominate": {
        const problem = await nomineeProblem(deps.users, command.user_id, parsed.nomineeIds);
        if (problem) {
          await refuse(problem.mrkdwn);
          return;
        }
        const saved = await saveAndPost(deps, client, {
          workspace,
          nominatorId: command.user_id,
          nomineeIds: parsed.nomineeIds,
          story: parsed.story,
          values: parsed.values,
          link: parsed.link ?? null,
        });
        await replyEphemeral(respond, saved);
        return;
      }
    }
  });

  app.shortcut({ callback_id: NOMINATE_SHORTCUT, type: "message_action" }, async ({ ack, shortcut, client }) => {
    await ack();
    // Message text arrives Slack-escaped; the modal's inputs are plain text. Real messages
    // carry bare <@U…> mentions: show names, not ids.
    const text = await labelMentions(shortcut.message.text ?? "");
    const prefill = {
      storyPlain: plainFromSlack(text),
      nomineeIds: mentionedUserIds(text).filter((id) => id !== shortcut.user.id),
      channelId: shortcut.channel.id,
    };
    // The trigger_id expires within seconds: open the form first, then add the link.
    const opened = await client.views.open({ trigger_id: shortcut.trigger_id, view: nominationModal(prefill) });
    const permalink = await client.chat
      .getPermalink({ channel: shortcut.channel.id, message_ts: shortcut.message.ts })
      .then((r) => r.permalink)
      .catch((error: unknown) => {
        deps.logger.warn("Could not get the message permalink", String(error));
        return undefined;
      });
    const viewId = opened.view?.id;
    if (!permalink || !viewId) return;
    await client.views
      .update({ view_id: viewId, hash: opened.view?.hash, view: nominationModal({ ...prefill, link: permalink }) })
      .catch((error: unknown) => {
        // Most likely the person already submitted or closed it: the link is optional.
        deps.logger.warn("Could not add the permalink to the nomination form", String(error));
      });
  });

  /** Gives bare <@U…> mentions their display name (or leaves the id), within a short budget. */
  async function labelMentions(escaped: string): Promise<string> {
    const bare = [...new Set([...escaped.matchAll(/<@([UW][A-Z0-9]+)>/g)].map((m) => m[1] as string))];
    if (bare.length === 0) return escaped;
    const lookups = Promise.all(
      bare.map((id) =>
        deps.users
          .profile(id)
          .then((p) => [id, p.name] as const)
          .catch(() => [id, undefined] as const),
      ),
    );
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<[]>((resolve) => {
      timer = setTimeout(() => resolve([]), MENTION_LOOKUP_TIMEOUT_MS);
    });
    const names = new Map<string, string | undefined>(
      await Promise.race([lookups, timedOut]).finally(() => clearTimeout(timer)),
    );
    return escaped.replace(/<@([UW][A-Z0-9]+)>/g, (whole, id: string) => {
      const name = names.get(id);
      // The label is shown as plain text; keep it from closing the token.
      return name ? `<@${id}|${name.replace(/[<>|]/g, "")}>` : whole;
    });
  }

  app.view(NOMINATE_CALLBACK, async ({ ack, view, body, client, context }) => {
    const nominatorId = body.user.id;
    const read = readNominationModal(view.state.values);
    if (!read.ok) {
      await ack({ response_action: "errors", errors: read.errors });
      return;
    }
    // Bounded (see nomineeProblem): ack() must come within 3 seconds.
    const problem = await nomineeProblem(deps.users, nominatorId, read.draft.nomineeIds);
    if (problem) {
      await ack({ response_action: "errors", errors: { [MODAL_BLOCKS.nominees]: problem.plain } });
      return;
    }
    await ack();
    const teamId = context.teamId ?? body.team?.id ?? body.user.team_id ?? "";
    const { draft } = read;
    let saved: string;
    try {
      saved = await saveAndPost(deps, client, {
        workspace: { teamId, enterpriseId: context.enterpriseId ?? null },
        nominatorId,
        nomineeIds: draft.nomineeIds,
        story: slackEscapedFromPlain(draft.storyPlain),
        values: draft.values,
        customer: draft.customer,
        link: draft.link,
        sourceViewId: view.id,
      });
    } catch (error) {
      // The modal is closed and has no response_url: without a DM the story would be gone.
      deps.logger.error("Could not save a nomination from the form", { teamId, nominatorId }, String(error));
      // It may have been saved before the failure (then the sweeper posts its card): say so
      // rather than invite a duplicate.
      const kept = await deps.prisma.nomination.findUnique({ where: { sourceViewId: view.id } }).catch(() => null);
      saved = kept ? nominationSaved(kept, { kind: "failed", channelId: kept.approvalChannelId }) : "";
      if (!kept) {
        await sendDirectMessage(client, nominatorId, nominationNotSavedMessage(draft)).catch((dmError: unknown) =>
          deps.logger.warn("Could not tell the nominator their nomination failed", String(dmError)),
        );
        return;
      }
    }
    // A modal has no response_url: the confirmation goes by direct message.
    await sendDirectMessage(client, nominatorId, { text: saved });
  });

  /** Tells the person in the place they clicked: ephemeral in the thread, or on App Home. */
  async function tell(
    client: WebClient,
    where: { respond?: RespondFn; home?: { teamId: string; userId: string } },
    text: string,
  ) {
    if (where.home) await publishHome(deps, client, where.home.teamId, where.home.userId, text);
    else if (where.respond) await replyEphemeral(where.respond, text);
  }

  app.action<BlockButtonAction>(APPROVE_ACTION, async ({ ack, action, body, client, respond, context }) => {
    await ack();
    const teamId = context.teamId ?? body.team?.id ?? "";
    const fromHome = body.container?.type === "view";
    const outcome = await decideNomination(deps, {
      teamId,
      nominationId: action.value ?? "",
      deciderId: body.user.id,
      decision: { kind: "approve" },
    });
    const where = fromHome ? { home: { teamId, userId: body.user.id } } : { respond };
    if (outcome.kind === "decided") {
      const { story } = await announceDecision(deps, client, outcome.nomination);
      if (fromHome)
        await tell(
          client,
          where,
          `:white_check_mark: Approved.${story.kind === "posted" ? ` The story is shared in <#${story.channelId}>.` : ""}`,
        );
      return;
    }
    const notice = outcomeNotice(outcome, body.user.id);
    if (notice) await tell(client, where, notice);
    else if (fromHome) await publishHome(deps, client, teamId, body.user.id);
  });

  app.action<BlockButtonAction>(REJECT_ACTION, async ({ ack, action, body, client, respond, context }) => {
    await ack();
    const teamId = context.teamId ?? body.team?.id ?? "";
    const fromHome = body.container?.type === "view";
    const where = fromHome ? { home: { teamId, userId: body.user.id } } : { respond };
    const nomination = await deps.prisma.nomination.findFirst({ where: { id: action.value ?? "", teamId } });
    // The same checks decideNomination makes, before asking for a reason nobody can use.
    let notice: string | null = null;
    if (!nomination) notice = NOMINATION_GONE;
    else if (!(await deps.roles.isManager(teamId, body.user.id))) notice = ONLY_MANAGERS;
    else if (nomination.status !== "pending") notice = alreadyDecidedMessage(nomination);
    else if (nomination.nomineeIds.includes(body.user.id)) notice = OWN_NOMINATION;
    if (notice || !nomination) {
      await tell(client, where, notice ?? NOMINATION_GONE);
      return;
    }
    await client.views.open({ trigger_id: body.trigger_id, view: rejectModal(nomination.id, fromHome, nomination) });
  });

  app.view(REJECT_CALLBACK, async ({ ack, view, body, client, context }) => {
    const metadata = rejectModalMetadata.safeParse(JSON.parse(view.private_metadata || "{}"));
    if (!metadata.success) {
      await ack({ response_action: "update", view: noticeModal("Reject nomination", NOMINATION_GONE) });
      return;
    }
    const read = readRejectReason(view.state.values);
    if (!read.ok) {
      await ack({ response_action: "errors", errors: { [REJECT_REASON_BLOCK]: read.error } });
      return;
    }
    const teamId = context.teamId ?? body.team?.id ?? body.user.team_id ?? "";
    const decision: Decision = { kind: "reject", reason: read.reason };
    const outcome = await decideNomination(deps, {
      teamId,
      nominationId: metadata.data.nominationId,
      deciderId: body.user.id,
      decision,
    });
    if (outcome.kind !== "decided") {
      const notice = outcomeNotice(outcome, body.user.id) ?? "You already decided this nomination; nothing changed.";
      await ack({ response_action: "update", view: noticeModal("Reject nomination", notice) });
      return;
    }
    await ack();
    await announceDecision(deps, client, outcome.nomination);
    if (metadata.data.fromHome)
      await publishHome(deps, client, teamId, body.user.id, "Rejected. The nominator has been told why.");
  });

  /** A decision made in the approvals channel itself (✅ reaction or "approve" reply). */
  async function decideInChannel(
    client: WebClient,
    input: { teamId: string; channel: string; messageTs: string; userId: string; retryNum?: number },
  ) {
    const nomination = await findByApprovalMessage(deps, input.teamId, input.channel, input.messageTs);
    if (!nomination) return;
    const outcome = await decideNomination(deps, {
      teamId: input.teamId,
      nominationId: nomination.id,
      deciderId: input.userId,
      decision: { kind: "approve" },
    });
    if (outcome.kind === "decided") {
      await announceDecision(deps, client, outcome.nomination);
      return;
    }
    const notice = outcomeNotice(outcome, input.userId);
    // A retried event was already answered by its first delivery.
    if (!notice || input.retryNum) return;
    await client.chat.postEphemeral({
      channel: input.channel,
      user: input.userId,
      thread_ts: nomination.approvalMessageTs ?? undefined,
      text: notice,
    });
  }

  app.event("reaction_added", async ({ event, client, context }) => {
    if (!APPROVING_REACTIONS.has(event.reaction) || event.item.type !== "message") return;
    await decideInChannel(client, {
      teamId: context.teamId ?? "",
      channel: event.item.channel,
      messageTs: event.item.ts,
      userId: event.user,
      retryNum: context.retryNum,
    });
  });

  app.event("message", async ({ event, client, context }) => {
    // Only people's replies in a thread (also sent to the channel): no edits, joins or app messages.
    if (event.subtype !== undefined && event.subtype !== "thread_broadcast") return;
    const message = event;
    if (("bot_id" in message && message.bot_id) || !message.thread_ts || message.thread_ts === message.ts) return;
    if (!isApprovalReply(message.text)) return;
    await decideInChannel(client, {
      teamId: context.teamId ?? "",
      channel: message.channel,
      messageTs: message.thread_ts,
      userId: message.user,
      retryNum: context.retryNum,
    });
  });
}

/**
 * Every few minutes, each instance posts the approval cards that are still waiting and
 * finishes decisions whose follow-ups were interrupted (the database claims make each run once).
 */
export const WAITING_CARDS_SWEEP = "*/5 * * * *";

export function startNominationsSweeper(deps: AppDeps, client: WebClient): { stop(): Promise<void> } {
  const task = cron.schedule(
    WAITING_CARDS_SWEEP,
    async () => {
      try {
        const posted = await sweepWaitingCards(deps, client);
        if (posted > 0) deps.logger.info(`Posted ${posted} waiting approval cards`);
        const finished = await sweepUnfinishedFollowUps(deps, client);
        if (finished > 0) deps.logger.info(`Finished the follow-ups of ${finished} decisions`);
      } catch (error) {
        deps.logger.warn("The waiting-card sweep failed; it runs again in a few minutes", String(error));
      }
    },
    { noOverlap: true },
  );
  return {
    async stop() {
      await task.destroy();
    },
  };
}
