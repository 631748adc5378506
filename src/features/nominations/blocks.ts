// Block Kit for nominations: the modal, the approval card and its thread controls, the
// shared story, and the messages people get. All user text goes through text.ts: the story
// with mrkdwnFromSlack (it is stored Slack-escaped), everything else with escapeMrkdwn.
import type { webApi } from "@slack/bolt";
import type { Nomination } from "../../generated/prisma/client.ts";
import type { StoryOutcome } from "./model.ts";
import { context, section, SECTION_TEXT_LIMIT, truncate, truncateMrkdwn } from "../../slack/replies.ts";
import { cutText, escapeMrkdwn, mentionChannel, mentionUser, mrkdwnFromSlack } from "../../slack/text.ts";
import {
  DELIGHT_VALUES,
  isDelightValue,
  MAX_CUSTOMER_LENGTH,
  MAX_LINK_LENGTH,
  MAX_REASON_LENGTH,
  MAX_STORY_LENGTH,
  MODAL_ACTION,
  MODAL_BLOCKS,
  REJECT_REASON_BLOCK,
  VALUE_EMOJI,
  VALUE_LABELS,
} from "./parse.ts";

type KnownBlock = webApi.KnownBlock;
type ModalView = webApi.ModalView;
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

export const NOMINATE_CALLBACK = "nominate_modal";
export const REJECT_CALLBACK = "nomination_reject_modal";
export const APPROVE_ACTION = "nomination_approve";
export const REJECT_ACTION = "nomination_reject";

type NominationView = Pick<
  Nomination,
  | "id"
  | "nominatorId"
  | "nomineeIds"
  | "story"
  | "values"
  | "customer"
  | "link"
  | "status"
  | "decidedBy"
  | "rejectionReason"
> & { nominatedBy?: string | null };

/** Who nominated: a colleague, or a customer through a signal ("Acme Corp (via Zendesk)"). */
export function nominatorLabel(n: Pick<NominationView, "nominatorId" | "nominatedBy">): string {
  return n.nominatedBy ? escapeMrkdwn(n.nominatedBy) : mentionUser(n.nominatorId);
}

export function listPeople(userIds: string[]): string {
  const mentions = userIds.map(mentionUser);
  if (mentions.length <= 1) return mentions.join("");
  return `${mentions.slice(0, -1).join(", ")} and ${mentions.at(-1)}`;
}

export function formatValues(values: string[]): string {
  const known = values.filter(isDelightValue);
  return known.length > 0 ? known.map((v) => `${VALUE_EMOJI[v]} ${VALUE_LABELS[v]}`).join("  ") : "_none tagged_";
}

/** The story as a mrkdwn block quote, safe to post and within a section's limit. */
export function quotedStory(story: string, limit = SECTION_TEXT_LIMIT - 200): string {
  // Quote first, then cut: the ">" of every line counts towards the limit too.
  const quoted = mrkdwnFromSlack(story)
    .split("\n")
    .map((line) => `>${line}`)
    .join("\n");
  return truncateMrkdwn(quoted, limit);
}

/**
 * A one-line preview of the story for lists, safe to post. It is cut on the Slack-escaped
 * source, never inside a <…> token or an &…; entity, so mentions survive and nothing breaks.
 */
export function storyPreview(story: string, length = 140): string {
  return mrkdwnFromSlack(cutText(story.replace(/\s+/g, " ").trim(), length + 1));
}

function safeLink(link: string | null): string | null {
  // Links are validated on the way in; this keeps a bad row from forging a label.
  return link && /^https?:\/\/[^\s<>|]+$/i.test(link) ? `<${link}>` : null;
}

function details(n: NominationView): KnownBlock {
  return {
    type: "section",
    fields: [
      { type: "mrkdwn", text: `*Values*\n${formatValues(n.values)}` },
      { type: "mrkdwn", text: `*Customer*\n${n.customer ? escapeMrkdwn(n.customer) : "_not given_"}` },
    ],
  };
}

function decisionLine(n: NominationView): string {
  if (n.status === "approved" && n.decidedBy) return `:white_check_mark: *Approved* by ${mentionUser(n.decidedBy)}`;
  if (n.status === "rejected" && n.decidedBy) {
    const reason = n.rejectionReason ? `: ${escapeMrkdwn(truncate(n.rejectionReason, 500))}` : "";
    return `:no_entry_sign: *Not approved* by ${mentionUser(n.decidedBy)}${reason}`;
  }
  return ":hourglass_flowing_sand: Waiting for a manager: use the buttons in the thread, react :white_check_mark: or reply “approve” in the thread.";
}

/** The card in the approvals channel; posted once, then updated with the decision. */
/** `patterns`: lines saying the same nominator keeps nominating the same person (pattern.ts). */
export function approvalCard(n: NominationView, patterns: string[] = []): SlackMessage {
  const headline = n.nominatedBy
    ? `Nominated by ${nominatorLabel(n)}: ${listPeople(n.nomineeIds)}, for a delight moment`
    : `${mentionUser(n.nominatorId)} nominated ${listPeople(n.nomineeIds)} for a delight moment`;
  const link = safeLink(n.link);
  const blocks: KnownBlock[] = [section(`:sparkles: *${headline}*`), section(quotedStory(n.story)), details(n)];
  if (link) blocks.push(context(`:link: ${link}`));
  if (patterns.length > 0) blocks.push(context(patterns.join("\n")));
  blocks.push(context(decisionLine(n)));
  const state = n.status === "pending" ? "waiting for approval" : n.status;
  return { text: `${headline} (${state})`, blocks };
}

/** The thread reply that holds the buttons; once decided it shows the decision instead. */
export function approvalControls(n: NominationView): SlackMessage {
  if (n.status !== "pending") {
    return { text: decisionLine(n), blocks: [section(decisionLine(n))] };
  }
  return {
    text: "Managers: approve or reject this nomination.",
    blocks: [
      section("*Managers:* approve this nomination, or reject it with a reason for the nominator."),
      {
        type: "actions",
        block_id: "nomination_controls",
        elements: decisionButtons(n.id),
      },
    ],
  };
}

export function decisionButtons(nominationId: string): webApi.Button[] {
  return [
    {
      type: "button",
      action_id: APPROVE_ACTION,
      text: { type: "plain_text", text: "Approve", emoji: true },
      style: "primary",
      value: nominationId,
    },
    {
      type: "button",
      action_id: REJECT_ACTION,
      text: { type: "plain_text", text: "Reject…", emoji: true },
      style: "danger",
      value: nominationId,
    },
  ];
}

export function decisionThreadNote(n: NominationView, story: StoryOutcome): SlackMessage {
  let text: string;
  switch (story.kind) {
    case "posted":
      text = `${decisionLine(n)}. The story is shared in ${mentionChannel(story.channelId)} and the nominees have been told.`;
      break;
    case "no-channel":
      text = `${decisionLine(n)}. The nominees have been told. No stories channel is set, so the story wasn't shared: an admin can set one with \`/delight-admin channel stories #channel\`.`;
      break;
    case "failed":
      text = `${decisionLine(n)}. The nominees have been told, but I couldn't post the story in ${mentionChannel(story.channelId)}. Invite me there with \`/invite @Delight\`.`;
      break;
    case "private":
      text = `${decisionLine(n)}. The nominees have been told. At their request, the story stays private: it isn't posted in channels or digests.`;
      break;
    case "not-approved":
      text = `${decisionLine(n)}. The nominator has been told why.`;
      break;
  }
  return { text, blocks: [section(text)] };
}

/** The story as shared with the team. */
export function storyPost(n: NominationView): SlackMessage {
  const headline = `Delight story: ${listPeople(n.nomineeIds)}`;
  const link = safeLink(n.link);
  const credits = [
    `Nominated by ${nominatorLabel(n)}`,
    n.decidedBy ? `approved by ${mentionUser(n.decidedBy)}` : null,
    link ? `:link: ${link}` : null,
  ].filter(Boolean);
  return {
    text: headline,
    blocks: [section(`:star2: *${headline}*`), section(quotedStory(n.story)), details(n), context(credits.join(" · "))],
  };
}

export function nomineeDirectMessage(n: NominationView, storyChannelId: string | null): SlackMessage {
  const where = storyChannelId ? ` It's shared with the team in ${mentionChannel(storyChannelId)}.` : "";
  const text = `:tada: You've been recognised for delighting a customer! ${nominatorLabel(n)} nominated you${
    n.decidedBy ? ` and ${mentionUser(n.decidedBy)} approved it` : ""
  }.${where}`;
  return { text, blocks: [section(text), section(quotedStory(n.story)), context(`Values: ${formatValues(n.values)}`)] };
}

export function nominatorThanksMessage(n: NominationView, storyChannelId: string | null): SlackMessage {
  const where = storyChannelId ? ` The story is now shared in ${mentionChannel(storyChannelId)}.` : "";
  const text = `:raised_hands: Thank you for recognising ${listPeople(n.nomineeIds)}! ${
    n.decidedBy ? mentionUser(n.decidedBy) : "A manager"
  } approved your nomination.${where}`;
  return { text, blocks: [section(text)] };
}

export function nominatorRejectedMessage(n: NominationView): SlackMessage {
  const who = n.decidedBy ? mentionUser(n.decidedBy) : "A manager";
  const text = `Your nomination of ${listPeople(n.nomineeIds)} wasn't approved by ${who}.`;
  const heading = "*Their reason:*\n";
  // Escape and quote first, then cut: "&" becomes "&amp;", so a 1,000-character reason can
  // need 5,000 characters; the cut leaves room for the heading.
  const reason = n.rejectionReason
    ? `${heading}${truncateMrkdwn(
        escapeMrkdwn(n.rejectionReason)
          .split("\n")
          .map((l) => `>${l}`)
          .join("\n"),
        SECTION_TEXT_LIMIT - heading.length,
      )}`
    : "";
  return {
    text,
    blocks: [
      section(text),
      ...(reason ? [section(reason)] : []),
      context(
        "Thanks for looking out for great customer moments — keep them coming. You can ask them about it in the approval thread.",
      ),
    ],
  };
}

export function alreadyDecidedMessage(n: NominationView): string {
  const who = n.decidedBy ? mentionUser(n.decidedBy) : "another manager";
  return n.status === "approved"
    ? `This nomination was already approved by ${who}, so nothing changed.`
    : `This nomination was already rejected by ${who}, so nothing changed.`;
}

export const ONLY_MANAGERS =
  ":lock: Only managers can approve or reject nominations, so nothing changed. If you should be one, ask a Delight admin to run `/delight-admin managers add @you`.";

export const OWN_NOMINATION =
  "You're one of the people nominated, so another manager needs to decide this one. Nothing changed.";

export const NOMINATION_GONE = "I can't find that nomination any more, so nothing changed.";

export function nominationSaved(
  n: Pick<Nomination, "nomineeIds">,
  outcome: { kind: string; channelId?: string | null },
): string {
  const who = listPeople(n.nomineeIds);
  switch (outcome.kind) {
    case "posted":
      return `:sparkles: Thanks! Your nomination of ${who} is waiting for a manager's approval${
        outcome.channelId ? ` in ${mentionChannel(outcome.channelId)}` : ""
      }. I'll message you when it's decided.`;
    case "no-channel":
      return `:sparkles: Thanks! Your nomination of ${who} is saved and waiting. No approvals channel is set yet, so managers can't see it: ask a Delight admin to run \`/delight-admin channel approvals #channel\`. It will be posted there as soon as they do.`;
    default:
      return `:sparkles: Thanks! Your nomination of ${who} is saved, but Slack wouldn't let me post it to ${
        outcome.channelId ? mentionChannel(outcome.channelId) : "the approvals channel"
      } (usually because I'm not in that channel). It stays pending: invite me there with \`/invite @Delight\`, then ask a Delight admin to run \`/delight-admin channel approvals\` for that channel again, and it goes up.`;
  }
}

export const DELIGHT_HELP = [
  "*`/delight`* — recognise colleagues who delighted a customer",
  "• `/delight @alice stayed late to rebuild Acme's order before their launch #attention #delight`",
  "• `/delight @alice @bob calmed an upset caller and sent a hand-written note #listen #empathize`",
  "• `/delight` alone opens a form (people, customer, story, values, link).",
  "• On any message: ⋮ *More actions* → *Nominate for delight* turns it into a nomination with its link.",
  "• `/delight stats` — your and the team's recognition this month.",
  "• `/delight prefs` — your choices: nudges, leaderboards and stats, where stories about you are shared.",
  "• `/delight recap [@person] [from] [to]` — stories received, with customers, values and dates (managers: anyone's).",
  "• `/delight insights` — for managers: charts of who is (and isn't) recognised, recoveries on time, the values mix.",
  "• `/delight stories #recovery @alice Acme last 30 days` — browse approved stories (every filter optional).",
  "• `/delight digest preview [#channel]` — this week's story digest, shown only to you.",
  `Values: ${DELIGHT_VALUES.map((v) => `\`#${v}\``).join(" ")} (L.E.A.D. + Recovery). Stories up to ${MAX_STORY_LENGTH} characters.`,
  "A manager approves each nomination in the approvals channel; then the story is shared with the team.",
].join("\n");

export interface NominationModalPrefill {
  nomineeIds?: string[];
  storyPlain?: string;
  link?: string;
  customer?: string;
  channelId?: string;
}

/** The nomination form; `/delight`, the message shortcut and App Home open it. */
export function nominationModal(prefill: NominationModalPrefill = {}): ModalView {
  const valueOptions = DELIGHT_VALUES.map((v) => ({
    text: { type: "plain_text" as const, text: `${VALUE_LABELS[v]}`, emoji: true },
    value: v,
  }));
  return {
    type: "modal",
    callback_id: NOMINATE_CALLBACK,
    private_metadata: JSON.stringify(prefill.channelId ? { channelId: prefill.channelId } : {}),
    title: { type: "plain_text", text: "Nominate for delight" },
    submit: { type: "plain_text", text: "Nominate" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      {
        type: "input",
        block_id: MODAL_BLOCKS.nominees,
        label: { type: "plain_text", text: "Who delighted a customer?" },
        element: {
          type: "multi_users_select",
          action_id: MODAL_ACTION,
          placeholder: { type: "plain_text", text: "Pick one or more colleagues" },
          ...(prefill.nomineeIds?.length ? { initial_users: prefill.nomineeIds } : {}),
        },
      },
      {
        type: "input",
        block_id: MODAL_BLOCKS.customer,
        optional: true,
        label: { type: "plain_text", text: "Customer" },
        element: {
          type: "plain_text_input",
          action_id: MODAL_ACTION,
          max_length: MAX_CUSTOMER_LENGTH,
          placeholder: { type: "plain_text", text: "Who was delighted? (a name or company)" },
          ...(prefill.customer ? { initial_value: prefill.customer } : {}),
        },
      },
      {
        type: "input",
        block_id: MODAL_BLOCKS.story,
        label: { type: "plain_text", text: "The story" },
        hint: { type: "plain_text", text: "What did they do, and how did the customer feel? Real details teach best." },
        element: {
          type: "plain_text_input",
          action_id: MODAL_ACTION,
          multiline: true,
          max_length: MAX_STORY_LENGTH,
          ...(prefill.storyPlain ? { initial_value: truncate(prefill.storyPlain, MAX_STORY_LENGTH) } : {}),
        },
      },
      {
        type: "input",
        block_id: MODAL_BLOCKS.values,
        optional: true,
        label: { type: "plain_text", text: "Values (L.E.A.D.)" },
        element: { type: "checkboxes", action_id: MODAL_ACTION, options: valueOptions },
      },
      {
        type: "input",
        block_id: MODAL_BLOCKS.link,
        optional: true,
        label: { type: "plain_text", text: "Link" },
        hint: { type: "plain_text", text: "A message, ticket or review that shows it." },
        element: {
          type: "plain_text_input",
          action_id: MODAL_ACTION,
          max_length: MAX_LINK_LENGTH,
          placeholder: { type: "plain_text", text: "https://…" },
          ...(prefill.link ? { initial_value: prefill.link } : {}),
        },
      },
    ],
  };
}

export function rejectModal(nominationId: string, fromHome: boolean, n: NominationView): ModalView {
  return {
    type: "modal",
    callback_id: REJECT_CALLBACK,
    private_metadata: JSON.stringify({ nominationId, fromHome }),
    title: { type: "plain_text", text: "Reject nomination" },
    submit: { type: "plain_text", text: "Reject" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      section(`Nomination of ${listPeople(n.nomineeIds)} by ${nominatorLabel(n)}:\n${quotedStory(n.story, 1500)}`),
      {
        type: "input",
        block_id: REJECT_REASON_BLOCK,
        label: { type: "plain_text", text: "Why isn't it approved?" },
        hint: { type: "plain_text", text: "The nominator gets this by direct message. Be kind and specific." },
        element: { type: "plain_text_input", action_id: MODAL_ACTION, multiline: true, max_length: MAX_REASON_LENGTH },
      },
    ],
  };
}

/** What a modal shows when there is nothing left to do in it. */
export function noticeModal(title: string, text: string): ModalView {
  return {
    type: "modal",
    title: { type: "plain_text", text: title },
    close: { type: "plain_text", text: "Close" },
    blocks: [section(text)],
  };
}
