// Block Kit for "What's holding you back?": the form and its thank-you view, a named answer's
// message for managers (with Reply), the reply form and notes, and the themes shown in App
// Home (managers) and the digest (counts only, never names).
import type { webApi } from "@slack/bolt";
import { context, inputBlock, section, SECTION_TEXT_LIMIT, truncate, truncateMrkdwn } from "../../slack/replies.ts";
import { escapeMrkdwn, mentionChannel, mentionUser } from "../../slack/text.ts";
import {
  CATEGORIES,
  CATEGORY_EMOJI,
  CATEGORY_LABELS,
  MIN_SHOWN,
  RELEASE_HOUR,
  type AnswerView,
  type Category,
  type NamedAnswerDestination,
  type ShownCounts,
  type Themes,
} from "./model.ts";
import { ANONYMOUS_OPTION, FIELDS, MAX_ANSWER_LENGTH, MAX_REPLY_LENGTH } from "./parse.ts";

type KnownBlock = webApi.KnownBlock;

export const CALLBACK_IDS = { answer: "holdingback_submit", reply: "holdingback_reply_modal" } as const;
export const REPLY_ACTION = "holdingback_reply";

const categoryLabel = (c: Category) => `${CATEGORY_EMOJI[c]} ${CATEGORY_LABELS[c]}`;

function quoted(plain: string, limit: number): string {
  return escapeMrkdwn(truncate(plain, limit))
    .split("\n")
    .map((line) => `>${line}`)
    .join("\n");
}

/** `initialText`: anything typed after the command, so it is not lost. */
export function answerModal(initialText = ""): webApi.View {
  return {
    type: "modal",
    callback_id: CALLBACK_IDS.answer,
    title: { type: "plain_text", text: "What's holding you back?" },
    submit: { type: "plain_text", text: "Send" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      context("What gets in the way of delighting customers? Managers read every answer and look for themes."),
      inputBlock(
        FIELDS.text,
        "What gets in the way?",
        {
          type: "plain_text_input",
          multiline: true,
          max_length: MAX_ANSWER_LENGTH,
          ...(initialText ? { initial_value: truncate(initialText, MAX_ANSWER_LENGTH) } : {}),
        },
        { actionId: "input" },
      ),
      inputBlock(
        FIELDS.category,
        "Category",
        {
          type: "static_select",
          placeholder: { type: "plain_text", text: "Pick the closest" },
          options: CATEGORIES.map((c) => ({ text: { type: "plain_text", text: CATEGORY_LABELS[c] }, value: c })),
        },
        { actionId: "input" },
      ),
      inputBlock(
        FIELDS.anonymous,
        "Privacy",
        {
          type: "checkboxes",
          options: [
            {
              text: { type: "plain_text", text: "Send anonymously" },
              description: { type: "plain_text", text: "Your name is not stored at all, so nobody can reply." },
              value: ANONYMOUS_OPTION,
            },
          ],
        },
        { actionId: "input", optional: true },
      ),
    ],
  };
}

/** The modal turns into this on submit (response_action: update): no id needs to be kept to thank them. */
export function thankYouView(
  sent: { anonymous: true } | { anonymous: false; to: NamedAnswerDestination },
): webApi.View {
  const where = sent.anonymous
    ? `It was stored *without your name*, and without the time you sent it. Managers see it with the day's other answers after ${String(RELEASE_HOUR).padStart(2, "0")}:00, and its category's count only once ${MIN_SHOWN} or more answers make it up, so nobody can tell it came from you.`
    : sent.to.kind === "channel"
      ? `It went to the managers in ${mentionChannel(sent.to.channelId)}, with your name, and shows in their App Home. They can answer you in its thread; you'll get their answer by DM.`
      : sent.to.kind === "managers"
        ? `It went to the managers (${sent.to.managerIds.map(mentionUser).join(", ")}) by DM, with your name, and shows in their App Home. They can answer you; you'll get their answer by DM.`
        : "No Delight managers are set up yet: it is kept with your name, and managers will see it in their App Home once an admin adds them (`/delight-admin managers add`).";
  return {
    type: "modal",
    callback_id: "holdingback_thanks",
    title: { type: "plain_text", text: "Thank you" },
    close: { type: "plain_text", text: "Close" },
    blocks: [section(`:pray: *Thanks for telling us.* ${where}`)],
  };
}

/** A named answer, posted for managers, with a Reply button. */
export function namedAnswerMessage(answer: AnswerView & { authorId: string }): { text: string; blocks: KnownBlock[] } {
  return {
    text: `What's holding a colleague back (${CATEGORY_LABELS[answer.category]}): ${escapeMrkdwn(truncate(answer.text, 150))}`,
    blocks: [
      section(
        truncateMrkdwn(
          `:construction: *What's holding ${mentionUser(answer.authorId)} back* · ${categoryLabel(answer.category)}\n${quoted(answer.text, MAX_ANSWER_LENGTH)}`,
          SECTION_TEXT_LIMIT,
        ),
      ),
      {
        type: "actions",
        block_id: "holdingback_actions",
        elements: [
          {
            type: "button",
            action_id: REPLY_ACTION,
            value: answer.id,
            text: { type: "plain_text", text: ":speech_balloon: Reply", emoji: true },
          },
        ],
      },
      context("Managers: *Reply* answers in this thread and sends it to them by DM."),
    ],
  };
}

export function replyModal(answer: AnswerView): webApi.View {
  return {
    type: "modal",
    callback_id: CALLBACK_IDS.reply,
    private_metadata: answer.id,
    title: { type: "plain_text", text: "Reply" },
    submit: { type: "plain_text", text: "Send reply" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      section(`${categoryLabel(answer.category)}\n${quoted(answer.text, 1500)}`),
      inputBlock(
        FIELDS.reply,
        "Your answer",
        { type: "plain_text_input", multiline: true, max_length: MAX_REPLY_LENGTH },
        { actionId: "input", hint: "Posted in the answer's thread and sent to its author by DM." },
      ),
    ],
  };
}

export function replyInThread(managerId: string, text: string): string {
  return `:speech_balloon: ${mentionUser(managerId)} replied:\n${quoted(text, MAX_REPLY_LENGTH)}`;
}

export function replyDm(managerId: string, answer: AnswerView, text: string): string {
  return `:speech_balloon: ${mentionUser(managerId)} answered what's holding you back (${CATEGORY_LABELS[answer.category]}: “${escapeMrkdwn(truncate(answer.text, 120))}”):\n${quoted(text, MAX_REPLY_LENGTH)}`;
}

export const HOLDINGBACK_HELP =
  "*`/holdingback`* — tell managers what gets in the way of delighting customers (policy, tools, time, training, authority, other). It opens a short form; tick *Send anonymously* and your name is not stored at all.";

export const ONLY_MANAGERS_REPLY = ":lock: Only Delight managers can reply here. Nothing was sent.";
export const ONLY_MANAGERS_REPLY_PLAIN = "Only Delight managers can reply here. Nothing was sent.";
export const ANSWER_NOT_FOUND =
  "I can't find that answer any more, or it was sent anonymously (no one can reply to those).";

/** "Time *4* · Tools *3* · fewer than 3: Policy, Training" (counts under 3 are never shown). */
export function formatCounts(shown: ShownCounts): string {
  const counted = (Object.entries(shown.counts) as Array<[Category, number]>)
    .sort(([a, x], [b, y]) => y - x || CATEGORIES.indexOf(a) - CATEGORIES.indexOf(b))
    .map(([c, n]) => `${categoryLabel(c)} *${n}*`);
  const few =
    shown.few.length > 0 ? [`fewer than ${MIN_SHOWN}: ${shown.few.map((c) => CATEGORY_LABELS[c]).join(", ")}`] : [];
  return [...counted, ...few].join("  ·  ");
}

/** "12 answers", or "at least 12 answers" when some categories are held back (a total would give them away). */
function answersLabel(shown: ShownCounts): string {
  const counted = Object.values(shown.counts).reduce((a, b) => a + b, 0);
  if (shown.few.length === 0) return `${counted} ${counted === 1 ? "answer" : "answers"}`;
  return counted > 0 ? `at least ${counted} answers` : `fewer than ${MIN_SHOWN} answers in each category`;
}

const isEmpty = (shown: ShownCounts) => shown.few.length === 0 && Object.keys(shown.counts).length === 0;

const RELEASE_NOTE = `Anonymous answers show once a day, at ${String(RELEASE_HOUR).padStart(2, "0")}:00, and a category's count or answers only once ${MIN_SHOWN} or more make it up.`;

/** App Home, managers only: the last 30 days' themes and the latest answers. */
export function themesHomeBlocks(themes: Themes | undefined): KnownBlock[] {
  if (!themes) return [];
  if (isEmpty(themes.counts) && themes.recent.length === 0) {
    return [
      { type: "divider" },
      section("*What's holding the team back* — last 30 days"),
      context(
        `No answers to show yet. Invite the team to say what gets in the way: \`/holdingback\` (they can stay anonymous). ${RELEASE_NOTE}`,
      ),
    ];
  }
  const header = section(`*What's holding the team back* — ${answersLabel(themes.counts)} in the last 30 days`);
  const lines = themes.recent.map((a) => {
    const who = a.authorId ? mentionUser(a.authorId) : "_anonymous_";
    return `• ${categoryLabel(a.category)} — ${escapeMrkdwn(truncate(a.text.replace(/\s+/g, " "), 160))} — ${who}`;
  });
  return [
    { type: "divider" },
    header,
    ...(isEmpty(themes.counts) ? [] : [section(formatCounts(themes.counts))]),
    ...(lines.length > 0 ? [section(truncateMrkdwn(`*Latest*\n${lines.join("\n")}`, SECTION_TEXT_LIMIT))] : []),
    context(`${RELEASE_NOTE} Named answers can be answered from their message.`),
  ];
}

/** The digest's line: counts per category, never names, never a count under 3. Nothing in a week with no answers. */
export function themesDigestBlocks(shown: ShownCounts | undefined): KnownBlock[] {
  if (!shown || isEmpty(shown)) return [];
  return [
    section(
      `*What's holding us back* — ${answersLabel(shown)} this week\n${formatCounts(shown)}\n_Say yours with \`/holdingback\` (anonymous if you like)._`,
    ),
  ];
}
