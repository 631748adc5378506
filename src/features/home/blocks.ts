// Block Kit for App Home. A view holds at most 100 blocks: every list is capped
// (HOME_LIST_LIMITS) and summarised with "and N more", and homeView checks the total.
import type { webApi } from "@slack/bolt";
import type { Nomination } from "../../generated/prisma/client.ts";
import { context, section } from "../../slack/replies.ts";
import { cutText, mentionChannel, mentionUser } from "../../slack/text.ts";
import { decisionButtons, formatValues, listPeople, storyPreview } from "../nominations/blocks.ts";
import { formatValueCounts } from "../nominations/stats.ts";
import { caseLabel, formatDeadline } from "../recoveries/blocks.ts";
import { themesHomeBlocks } from "../holdingback/blocks.ts";
import { givenGestureLines } from "../surprises/blocks.ts";
import { insightsBlocks, insightsPendingBlocks } from "../insights/blocks.ts";
import { HOME_LIST_LIMITS, type HomeSummary } from "./service.ts";
import { settingsHomeBlocks } from "../settings/blocks.ts";

type KnownBlock = webApi.KnownBlock;

export const HOME_NOMINATE_ACTION = "home_nominate";
export const HOME_LOG_OOPS_ACTION = "home_log_oops";
export const HOME_SURPRISE_ACTION = "home_surprise_idea";
export const MAX_VIEW_BLOCKS = 100;

/**
 * The quick-action buttons at the top of App Home, in order.
 * ── Extension point ── the recoveries feature adds "Log an OOPS" and the surprises feature
 * adds "Surprise idea" here, each with its own action_id and listener. Only add a button
 * together with the listener that handles it.
 */
export const HOME_QUICK_ACTIONS: webApi.Button[] = [
  {
    type: "button",
    action_id: HOME_NOMINATE_ACTION,
    text: { type: "plain_text", text: ":sparkles: Nominate someone", emoji: true },
    style: "primary",
  },
  {
    type: "button",
    action_id: HOME_LOG_OOPS_ACTION,
    text: { type: "plain_text", text: ":rotating_light: Log an OOPS", emoji: true },
  },
  {
    type: "button",
    action_id: HOME_SURPRISE_ACTION,
    text: { type: "plain_text", text: ":gift: Surprise idea", emoji: true },
  },
];

function more(total: number, shown: number, what: string): KnownBlock[] {
  return total > shown ? [context(`…and ${total - shown} more ${what}.`)] : [];
}

function recognitionLine(n: Nomination, who: "nominator" | "nominees"): string {
  const people = who === "nominator" ? `from ${mentionUser(n.nominatorId)}` : `for ${listPeople(n.nomineeIds)}`;
  return `• ${people}: ${storyPreview(n.story)}  ${n.values.length > 0 ? `_(${formatValues(n.values)})_` : ""}`.trim();
}

function pendingState(n: Nomination): string {
  if (n.approvalChannelId) return `waiting for a manager in ${mentionChannel(n.approvalChannelId)}`;
  return "waiting: no approvals channel is set yet (ask a Delight admin)";
}

function recoveriesSection(summary: HomeSummary, now: Date, timezone?: string): KnownBlock[] {
  const { total, items } = summary.recoveries;
  if (total === 0) return [];
  const lines = items.slice(0, HOME_LIST_LIMITS.recoveries).map((c) => {
    const overdue = c.dueAt.getTime() <= now.getTime();
    return `${overdue ? ":red_circle:" : "•"} *${caseLabel(c)}* ${cutText(c.customer, 80)} — due ${formatDeadline(c.dueAt, now, timezone)}`;
  });
  return [
    section(`*Your open recoveries* — ${total}. Turn each OOPS into a WOW before its deadline.\n${lines.join("\n")}`),
    ...more(total, lines.length, "(`/oops list`)"),
    { type: "divider" },
  ];
}

function surprisesSection(summary: HomeSummary): KnownBlock[] {
  if (!summary.surprises || summary.surprises.total === 0) return [];
  const recent = summary.surprises.recent.slice(0, HOME_LIST_LIMITS.surprises);
  return [
    section(`*Surprises you gave* — ${summary.surprises.total}\n${givenGestureLines(recent)}`),
    ...more(summary.surprises.total, recent.length, "surprises"),
  ];
}

export interface HomeViewOptions {
  notice?: string;
  /** Show the insights as tables (Slack refused their images). */
  insightsAsText?: boolean;
  /** For deadlines: the reader's clock and timezone. */
  now?: Date;
  timezone?: string;
}

export function homeView(summary: HomeSummary, options: HomeViewOptions = {}): webApi.HomeView {
  const { notice } = options;
  const blocks: KnownBlock[] = [];
  if (notice) blocks.push(section(notice), { type: "divider" });
  blocks.push(
    { type: "header", text: { type: "plain_text", text: "Delight" } },
    context("Recognise colleagues who delight customers. Stories teach better than manuals."),
    { type: "actions", block_id: "home_quick_actions", elements: HOME_QUICK_ACTIONS },
    { type: "divider" },
    ...(summary.setup ? settingsHomeBlocks(summary.setup) : []),
    ...recoveriesSection(summary, options.now ?? new Date(), options.timezone),
  );

  // The service already takes no more than the limits; slicing again keeps each section's
  // text under Slack's 3,000 characters whoever builds the summary.
  const received = { ...summary.received, recent: summary.received.recent.slice(0, HOME_LIST_LIMITS.received) };
  const given = { ...summary.given, recent: summary.given.recent.slice(0, HOME_LIST_LIMITS.given) };
  blocks.push(
    section(`*Recognition you received* — ${received.total}\n${formatValueCounts(received.perValue)}`),
    ...(received.recent.length > 0
      ? [section(received.recent.map((n) => recognitionLine(n, "nominator")).join("\n"))]
      : [context("Nothing yet. Delight a customer, and a colleague may nominate you!")]),
    ...more(received.total, received.recent.length, "stories about you"),
    section(`*Recognition you gave* — ${given.total} approved\n${formatValueCounts(given.perValue)}`),
    ...(given.recent.length > 0
      ? [section(given.recent.map((n) => recognitionLine(n, "nominees")).join("\n"))]
      : [context("Seen a colleague delight a customer? Nominate them with `/delight`.")]),
    ...more(given.total - (given.keptPrivate ?? 0), given.recent.length, "stories you nominated"),
    ...(given.keptPrivate
      ? [
          context(
            `${given.keptPrivate === 1 ? "1 story you nominated is" : `${given.keptPrivate} stories you nominated are`} kept private at the recipient's request: only they and the managers see ${given.keptPrivate === 1 ? "it" : "them"}.`,
          ),
        ]
      : []),
    ...surprisesSection(summary),
    { type: "divider" },
  );

  const myPending = { ...summary.myPending, items: summary.myPending.items.slice(0, HOME_LIST_LIMITS.myPending) };
  blocks.push(section(`*Your nominations waiting for approval* — ${myPending.total}`));
  if (myPending.items.length === 0) blocks.push(context("None waiting."));
  else
    blocks.push(
      section(
        myPending.items
          .map((n) => `• ${listPeople(n.nomineeIds)}: ${storyPreview(n.story, 100)} — _${pendingState(n)}_`)
          .join("\n"),
      ),
      ...more(myPending.total, myPending.items.length, "waiting"),
    );

  if (summary.approvals) {
    const approvals = { ...summary.approvals, items: summary.approvals.items.slice(0, HOME_LIST_LIMITS.approvals) };
    blocks.push(
      { type: "divider" },
      section(
        `*Waiting for your decision* — ${approvals.total} ${approvals.total === 1 ? "nomination" : "nominations"}`,
      ),
    );
    if (approvals.items.length === 0) blocks.push(context("Nothing to decide. :tada:"));
    for (const n of approvals.items) {
      blocks.push(
        section(
          `${mentionUser(n.nominatorId)} nominated ${listPeople(n.nomineeIds)}: ${storyPreview(n.story, 280)}\n${formatValues(n.values)}`,
        ),
        // A manager can't decide on their own recognition; the server refuses it anyway.
        ...(n.nomineeIds.includes(summary.userId)
          ? [context("You're nominated here, so another manager decides.")]
          : [{ type: "actions" as const, block_id: `home_decide_${n.id}`, elements: decisionButtons(n.id) }]),
      );
    }
    blocks.push(...more(approvals.total, approvals.items.length, "in the approvals channel"));
  }
  blocks.push(...themesHomeBlocks(summary.holdingBack));

  if (summary.insights) {
    const insights = options.insightsAsText ? { ...summary.insights, mode: "text" as const } : summary.insights;
    blocks.push({ type: "divider" }, ...insightsBlocks(insights));
  } else if (summary.isManager) {
    blocks.push({ type: "divider" }, ...insightsPendingBlocks());
  }

  if (blocks.length > MAX_VIEW_BLOCKS) {
    // The list limits keep us far below this; never let Slack reject the whole view.
    blocks.length = MAX_VIEW_BLOCKS - 1;
    blocks.push(context("Some items are hidden; see the approvals channel for the rest."));
  }
  return { type: "home", blocks };
}
