// /delight, the "Nominate for delight" message shortcut, the nomination modal, and the
// manager's decision from any of its four doors: the thread buttons (or App Home's), the
// reject modal, a ✅ reaction on the card, and an "approve" reply in the card's thread.
// Listeners parse, record a job and ack; the jobs (jobs.ts) do the rest. Every door checks
// on the server that the person is a manager; the database decides who was first.
import { nudgePrefsCommand } from "../nudges/listeners.ts";
import { prefsCommand } from "../prefs/listeners.ts";
import { enqueueRecap } from "../recap/jobs.ts";
import { usersKnowingDepartures } from "../people/directory-users.ts";
import { hash } from "node:crypto";
import type { BlockButtonAction, webApi } from "@slack/bolt";
import type { AppDeps } from "../../deps.ts";
import type { SlackRouter } from "../../slack/router.ts";
import { enqueueDigestPreview } from "../digest/listeners.ts";
import { enqueueStoriesBrowse } from "../stories/listeners.ts";
import { enqueueInsights } from "../insights/listeners.ts";
import { mentionedUserIds, plainFromSlack, quoteInput } from "../../slack/text.ts";
import { parseJsonValue, PRIVATE_METADATA_MAX } from "../../slack/values.ts";
import {
  alreadyDecidedMessage,
  APPROVE_ACTION,
  DELIGHT_HELP,
  listPeople,
  NOMINATE_CALLBACK,
  NOMINATION_GONE,
  nominationModal,
  noticeModal,
  ONLY_MANAGERS,
  OWN_NOMINATION,
  REJECT_ACTION,
  REJECT_CALLBACK,
  rejectModal,
} from "./blocks.ts";
import { findByApprovalMessage } from "./decisions.ts";
import { nomineeProblem } from "./intake.ts";
import {
  DECIDE_JOB,
  registerNominationJobs,
  STATS_JOB,
  SUBMIT_JOB,
  TELL_JOB,
  type DecidePayload,
  type SubmitPayload,
  type TellPayload,
} from "./jobs.ts";
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

export const NOMINATE_SHORTCUT = "nominate_message";
const APPROVING_REACTIONS = new Set(["white_check_mark", "heavy_check_mark"]);
// Names for the shortcut's prefill must not eat the trigger_id's few seconds.
const MENTION_LOOKUP_TIMEOUT_MS = 1_000;
/** The same person sending the same /delight within this window gets one nomination. */
export const REPEAT_WINDOW_MS = 60_000;

export const ALREADY_RECEIVED =
  ":ballot_box_with_check: I already received this nomination a moment ago and it's being saved, so I didn't take it twice. You'll get a confirmation here shortly.";

const ephemeral = (text: string) => ({ response_type: "ephemeral" as const, text });

/** Identifies "the same command text from the same person" for the repeat window. */
export function repeatHash(teamId: string, userId: string, command: string, text: string): string {
  return hash("sha256", `${teamId}\n${userId}\n${command}\n${text.trim()}`, "hex");
}

export function registerNominationsFeature(router: SlackRouter, deps: AppDeps): void {
  registerNominationJobs(deps, (teamId) => router.clientFor(teamId));

  router.command("/delight", async ({ ack, command, client }) => {
    const teamId = command.team_id;
    const enterpriseId = command.enterprise_id ?? null;
    // `/delight prefs nudges on|off` belongs to the nudges feature.
    const nudgePrefs = await nudgePrefsCommand(deps, teamId, command.user_id, command.text);
    if (nudgePrefs !== null) {
      await ack(ephemeral(nudgePrefs));
      return;
    }
    // The other preferences (src/features/prefs): `/delight prefs` alone shows them all.
    const prefs = await prefsCommand(deps, teamId, command.user_id, command.text);
    if (prefs !== null) {
      await ack({ response_type: "ephemeral", ...prefs });
      return;
    }
    // `/delight recap [@person] [from] [to]` (src/features/recap).
    const words = command.text.trim().split(/\s+/);
    if (words[0]?.toLowerCase() === "recap") {
      await ack(ephemeral(await enqueueRecap(deps, command, words.slice(1))));
      return;
    }
    const parsed = parseDelightCommand(command.text);
    const quoteBack = (problem: string) => `${problem}\nYou typed:\n${quoteInput(`/delight ${command.text}`)}`;

    switch (parsed.kind) {
      case "modal":
        await ack();
        await client.views.open({
          trigger_id: command.trigger_id,
          view: nominationModal({ channelId: command.channel_id }),
        });
        return;
      case "help":
        await ack(ephemeral(DELIGHT_HELP));
        return;
      case "stories": {
        const problem = await enqueueStoriesBrowse(deps, command, parsed.filterText);
        await ack(problem ? ephemeral(quoteBack(problem)) : undefined);
        return;
      }
      case "digest-preview":
        await enqueueDigestPreview(deps, command, parsed.channelId);
        await ack();
        return;
      case "invalid":
        await ack(ephemeral(quoteBack(`${parsed.problem}\nSee \`/delight help\` for examples.`)));
        return;
      case "insights": {
        const refusal = await enqueueInsights(deps, command);
        await ack(refusal ? ephemeral(refusal) : undefined);
        return;
      }
      case "stats":
        await deps.jobs.enqueue(
          STATS_JOB,
          { teamId, enterpriseId, userId: command.user_id, responseUrl: command.response_url },
          { teamId },
        );
        await ack();
        return;
      case "nominate": {
        const payload: SubmitPayload = {
          teamId,
          enterpriseId,
          nominatorId: command.user_id,
          nomineeIds: parsed.nomineeIds,
          story: parsed.story,
          values: parsed.values,
          customer: null,
          link: parsed.link ?? null,
          sourceViewId: null,
          reply: { kind: "respond", responseUrl: command.response_url, commandText: command.text },
        };
        // Recorded before the ack: once the person sees "Got it", the nomination is safe.
        const { created } = await deps.jobs.enqueue(SUBMIT_JOB, payload, {
          teamId,
          dedupeHash: repeatHash(teamId, command.user_id, "/delight", command.text),
          dedupeWindowMs: REPEAT_WINDOW_MS,
          recordedAt: deps.clock.now(),
        });
        await ack(
          ephemeral(
            created
              ? `:hourglass_flowing_sand: Got it — saving your nomination of ${listPeople(parsed.nomineeIds)}…`
              : ALREADY_RECEIVED,
          ),
        );
        return;
      }
    }
  });

  router.shortcut({ callback_id: NOMINATE_SHORTCUT, type: "message_action" }, async ({ ack, shortcut, client }) => {
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

  router.view(NOMINATE_CALLBACK, async ({ ack, view, body, context }) => {
    const nominatorId = body.user.id;
    const read = readNominationModal(view.state.values);
    if (!read.ok) {
      await ack({ response_action: "errors", errors: read.errors });
      return;
    }
    const teamId = context.teamId ?? body.team?.id ?? body.user.team_id ?? "";
    // Bounded (see nomineeProblem): ack() must come within 3 seconds.
    const users = usersKnowingDepartures(deps.users, deps.prisma, teamId);
    const problem = await nomineeProblem(users, nominatorId, read.draft.nomineeIds);
    if (problem) {
      await ack({ response_action: "errors", errors: { [MODAL_BLOCKS.nominees]: problem.plain } });
      return;
    }
    const { draft } = read;
    const payload: SubmitPayload = {
      teamId,
      enterpriseId: context.enterpriseId ?? null,
      nominatorId,
      nomineeIds: draft.nomineeIds,
      story: slackEscapedFromPlain(draft.storyPlain),
      values: draft.values,
      customer: draft.customer,
      link: draft.link,
      sourceViewId: view.id,
      reply: { kind: "dm" },
    };
    // Recorded before the form closes: if this fails, the form stays open with what they typed.
    // The same view submitted again (Slack retried, a second click) is the same job.
    await deps.jobs.enqueue(SUBMIT_JOB, payload, { key: `view:${view.id}`, teamId });
    await ack();
  });

  const decide = (payload: DecidePayload, key?: string) =>
    deps.jobs.enqueue(DECIDE_JOB, payload, { teamId: payload.teamId, ...(key ? { key } : {}) });

  router.action<BlockButtonAction>(APPROVE_ACTION, async ({ ack, action, body, context }) => {
    const teamId = context.teamId ?? body.team?.id ?? "";
    const fromHome = body.container?.type === "view";
    await decide({
      teamId,
      target: { kind: "nomination", nominationId: action.value ?? "" },
      deciderId: body.user.id,
      decision: { kind: "approve" },
      place: fromHome ? { kind: "home" } : { kind: "thread", responseUrl: body.response_url ?? "" },
    });
    await ack();
  });

  router.action<BlockButtonAction>(REJECT_ACTION, async ({ ack, action, body, client, context }) => {
    await ack();
    const teamId = context.teamId ?? body.team?.id ?? "";
    const fromHome = body.container?.type === "view";
    const nomination = await deps.prisma.nomination.findFirst({ where: { id: action.value ?? "", teamId } });
    // The same checks decideNomination makes, before asking for a reason nobody can use.
    let notice: string | null = null;
    if (!nomination) notice = NOMINATION_GONE;
    else if (!(await deps.roles.isManager(teamId, body.user.id))) notice = ONLY_MANAGERS;
    else if (nomination.status !== "pending") notice = alreadyDecidedMessage(nomination);
    else if (nomination.nomineeIds.includes(body.user.id)) notice = OWN_NOMINATION;
    if (notice || !nomination) {
      const tell: TellPayload = {
        teamId,
        userId: body.user.id,
        place: fromHome ? { kind: "home" } : { kind: "thread", responseUrl: body.response_url ?? "" },
        text: notice ?? NOMINATION_GONE,
      };
      await deps.jobs.enqueue(TELL_JOB, tell, { teamId });
      return;
    }
    await client.views.open({ trigger_id: body.trigger_id, view: rejectModal(nomination.id, fromHome, nomination) });
  });

  router.view(REJECT_CALLBACK, async ({ ack, view, body, context }) => {
    const metadata = parseJsonValue(rejectModalMetadata, view.private_metadata, PRIVATE_METADATA_MAX);
    if (!metadata) {
      await ack({ response_action: "update", view: noticeModal("Reject nomination", NOMINATION_GONE) });
      return;
    }
    const read = readRejectReason(view.state.values);
    if (!read.ok) {
      await ack({ response_action: "errors", errors: { [REJECT_REASON_BLOCK]: read.error } });
      return;
    }
    const teamId = context.teamId ?? body.team?.id ?? body.user.team_id ?? "";
    const deciderId = body.user.id;
    // Checked now so the form can say it, rather than a message later; the job decides.
    const nomination = await deps.prisma.nomination.findFirst({ where: { id: metadata.nominationId, teamId } });
    let notice: string | null = null;
    if (!nomination) notice = NOMINATION_GONE;
    else if (!(await deps.roles.isManager(teamId, deciderId))) notice = ONLY_MANAGERS;
    else if (nomination.status !== "pending")
      notice =
        nomination.decidedBy === deciderId
          ? "You already decided this nomination; nothing changed."
          : alreadyDecidedMessage(nomination);
    else if (nomination.nomineeIds.includes(deciderId)) notice = OWN_NOMINATION;
    if (notice) {
      await ack({ response_action: "update", view: noticeModal("Reject nomination", notice) });
      return;
    }
    await decide(
      {
        teamId,
        target: { kind: "nomination", nominationId: metadata.nominationId },
        deciderId,
        decision: { kind: "reject", reason: read.reason },
        place: metadata.fromHome ? { kind: "home" } : { kind: "form" },
      },
      `view:${view.id}`,
    );
    await ack();
  });

  /** A decision made in the approvals channel itself (✅ reaction or "approve" reply). */
  async function decideInChannel(input: {
    teamId: string;
    eventId: string;
    channel: string;
    messageTs: string;
    userId: string;
  }) {
    // Most reactions and replies are not on a card: one indexed read keeps them out of the queue.
    const nomination = await findByApprovalMessage(deps, input.teamId, input.channel, input.messageTs);
    if (!nomination) return;
    // Keyed by the event: Slack's retries of the same event are the same job.
    await decide(
      {
        teamId: input.teamId,
        target: { kind: "message", channelId: input.channel, messageTs: input.messageTs },
        deciderId: input.userId,
        decision: { kind: "approve" },
        place: { kind: "channel", channelId: input.channel, threadTs: nomination.approvalMessageTs },
      },
      `event:${input.eventId}`,
    );
  }

  router.event("reaction_added", async ({ event, body, context }) => {
    if (!APPROVING_REACTIONS.has(event.reaction) || event.item.type !== "message") return;
    await decideInChannel({
      teamId: context.teamId ?? "",
      eventId: body.event_id,
      channel: event.item.channel,
      messageTs: event.item.ts,
      userId: event.user,
    });
  });

  router.event("message", async ({ event, body, context }) => {
    // Only people's replies in a thread (also sent to the channel): no edits, joins or app messages.
    if (event.subtype !== undefined && event.subtype !== "thread_broadcast") return;
    const message = event;
    if (("bot_id" in message && message.bot_id) || !message.thread_ts || message.thread_ts === message.ts) return;
    if (!isApprovalReply(message.text)) return;
    await decideInChannel({
      teamId: context.teamId ?? "",
      eventId: body.event_id,
      channel: message.channel,
      messageTs: message.thread_ts,
      userId: message.user,
    });
  });
}

export type { webApi };
