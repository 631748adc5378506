// Block Kit for surprise gestures: the three suggestions with Use this / 👍 / 👎, the forms,
// a customer's record and help. Everything people typed (names, context, notes) and
// everything a model wrote is plain text here and escaped before it is shown.
import type { webApi } from "@slack/bolt";
import { context, inputBlock, section, SECTION_TEXT_LIMIT, truncate, truncateMrkdwn } from "../../slack/replies.ts";
import { escapeMrkdwn, plainFromSlack } from "../../slack/text.ts";
import { formatMoney } from "../admin/blocks.ts";
import type { CustomerProfile } from "../customers/model.ts";
import { CUSTOMER_NAME_MAX } from "../customers/model.ts";
import {
  OCCASION_LABELS,
  OCCASIONS,
  type GestureBudget,
  type GestureSuggestion,
  type GivenGesture,
  type Occasion,
} from "./model.ts";
import { CONTEXT_MAX, INPUT_ACTION, INTERESTS_INPUT_MAX, REQUEST_FIELDS, USE_FIELDS } from "./parse.ts";

type KnownBlock = webApi.KnownBlock;
type View = webApi.View;

/** Button action ids end with the suggestion's index, so each is unique in its message. */
export const SUGGESTION_ACTIONS = { use: "surprise_use_", up: "surprise_up_", down: "surprise_down_" } as const;
export const SUGGESTION_ACTION_PATTERN = /^surprise_(use|up|down)_\d$/;
export const CALLBACK_IDS = { request: "surprise_request", use: "surprise_use" } as const;

const esc = (plain: string, max: number): string => escapeMrkdwn(truncate(plain, max));

export const thinkingText = (customerName: string): string =>
  `:gift: Thinking of something good for ${esc(customerName, 80)}…`;

/** `/surprise`'s answer: the ideas follow as a new message (this one stays, as Slack keeps it). */
export const onTheWayText = (customerName: string): string =>
  `:gift: Thinking of something good for ${esc(customerName, 80)}: three ideas are on the way, in a new message just below (only you see them).`;

function money(amount: number, currency: string): string {
  return formatMoney(Math.round(amount * 100), currency);
}

/** "~$20 · $ of your $50 budget": the cost and its band against the workspace budget. */
export function costLine(cost: number, budget: GestureBudget | null): string {
  if (cost <= 0) return "free (your time)";
  const shown = `~${money(cost, budget?.currency ?? "USD")}`;
  if (budget) {
    const share = cost / budget.amount;
    const band = share <= 0.25 ? "$" : share <= 0.6 ? "$$" : "$$$";
    return `${shown} · ${band} of your ${money(budget.amount, budget.currency)} budget`;
  }
  const band = cost < 25 ? "$" : cost <= 75 ? "$$" : "$$$";
  return `${shown} · ${band}`;
}

const EFFORT: Record<GestureSuggestion["effort"], string> = { low: "low", medium: "medium", high: "high" };

export interface SuggestionsView {
  requestId: string;
  customerName: string;
  occasion: Occasion;
  suggestions: GestureSuggestion[];
  source: "model" | "builtin";
  budget: GestureBudget | null;
  /** "OOPS-42", when asked from a case. */
  caseLabel?: string | null;
  /** What the reader said about each suggestion. */
  votes?: Record<number, 1 | -1>;
  /** Suggestions recorded as used, with who used them. */
  used?: Record<number, string>;
  /** A line above the ideas ("Recorded …"). */
  notice?: string;
}

function suggestionButtons(view: SuggestionsView, index: number): KnownBlock {
  const value = `${view.requestId}:${index}`;
  const vote = view.votes?.[index];
  return {
    type: "actions",
    block_id: `surprise_actions_${index}`,
    elements: [
      {
        type: "button",
        action_id: `${SUGGESTION_ACTIONS.use}${index}`,
        text: { type: "plain_text", text: "Use this" },
        style: "primary",
        value,
      },
      {
        type: "button",
        action_id: `${SUGGESTION_ACTIONS.up}${index}`,
        text: { type: "plain_text", text: vote === 1 ? "👍 Thanks!" : "👍", emoji: true },
        value,
      },
      {
        type: "button",
        action_id: `${SUGGESTION_ACTIONS.down}${index}`,
        text: { type: "plain_text", text: vote === -1 ? "👎 Noted" : "👎", emoji: true },
        value,
      },
    ],
  };
}

export function renderSuggestions(view: SuggestionsView): { text: string; blocks: KnownBlock[] } {
  const name = esc(view.customerName, 80);
  const forCase = view.caseLabel ? ` (${view.caseLabel})` : "";
  const blocks: KnownBlock[] = [
    ...(view.notice ? [section(view.notice)] : []),
    section(`:gift: *Surprise ideas for ${name}*${forCase} — ${OCCASION_LABELS[view.occasion].toLowerCase()}`),
  ];
  view.suggestions.forEach((s, index) => {
    const lines = [
      `*${index + 1}. ${esc(s.title, 150)}*`,
      esc(s.details, 600),
      `_Why it fits:_ ${esc(s.why, 400)}`,
      `*Cost:* ${costLine(s.cost, view.budget)}  ·  *Effort:* ${EFFORT[s.effort]}  ·  *When:* ${esc(s.timing, 120)}`,
    ];
    blocks.push({ type: "divider" }, section(truncateMrkdwn(lines.join("\n"), SECTION_TEXT_LIMIT)));
    const usedBy = view.used?.[index];
    if (usedBy) blocks.push(context(`:white_check_mark: Recorded as given by <@${usedBy}>.`));
    else blocks.push(suggestionButtons(view, index));
  });
  blocks.push(
    context(
      view.source === "model"
        ? "Ideas from the AI model, checked against your budget and this customer's history. *Use this* records it; 👍 / 👎 teach the suggestions."
        : "Ideas from Delight's built-in catalogue, matched to this customer. *Use this* records it; 👍 / 👎 teach the suggestions.",
    ),
  );
  const titles = view.suggestions.map((s, i) => `${i + 1}. ${esc(s.title, 150)}`).join(" ");
  return { text: truncateMrkdwn(`Surprise ideas for ${name}: ${titles}`, 3000), blocks };
}

// ——— after "Use this" ———

export function recordedText(input: {
  title: string;
  customerName: string;
  costCents: number | null;
  currency: string | null;
  caseLabel: string | null;
}): string {
  const cost = input.costCents !== null ? ` (${formatMoney(input.costCents, input.currency ?? "USD")})` : "";
  const onCase = input.caseLabel ? ` and on ${input.caseLabel}` : "";
  return `:white_check_mark: Recorded *${esc(input.title, 150)}*${cost} for ${esc(input.customerName, 80)}${onCase}. It won't be suggested to them again. \`/surprise customer ${esc(input.customerName, 80)}\` shows their history.`;
}

// ——— forms ———

function input(
  blockId: string,
  label: string,
  element: Record<string, unknown>,
  options: { optional?: boolean; hint?: string } = {},
): KnownBlock {
  return inputBlock(blockId, label, element, { ...options, actionId: INPUT_ACTION });
}

const occasionOption = (occasion: Occasion) => ({
  text: { type: "plain_text" as const, text: OCCASION_LABELS[occasion] },
  value: occasion,
});

export function requestModal(
  prefill: { customer?: string; budgetHint?: string } = {},
  metadata: { responseUrl?: string; issuedAtMs?: number } = {},
): View {
  return {
    type: "modal",
    callback_id: CALLBACK_IDS.request,
    title: { type: "plain_text", text: "Surprise idea" },
    submit: { type: "plain_text", text: "Suggest" },
    close: { type: "plain_text", text: "Cancel" },
    private_metadata: JSON.stringify(metadata),
    blocks: [
      input(REQUEST_FIELDS.customer, "Customer", {
        type: "plain_text_input",
        max_length: CUSTOMER_NAME_MAX,
        ...(prefill.customer ? { initial_value: truncate(prefill.customer, CUSTOMER_NAME_MAX) } : {}),
        placeholder: { type: "plain_text", text: "Acme Corp, or the customer's name" },
      }),
      input(
        REQUEST_FIELDS.occasion,
        "Occasion",
        { type: "static_select", options: OCCASIONS.map(occasionOption) },
        { optional: true, hint: "Leave it empty and Delight guesses from what happened." },
      ),
      input(
        REQUEST_FIELDS.context,
        "What happened?",
        { type: "plain_text_input", multiline: true, max_length: CONTEXT_MAX },
        {
          optional: true,
          hint: "The more specific, the better the ideas. Emails and phone numbers are never sent to the AI model.",
        },
      ),
      input(
        REQUEST_FIELDS.interests,
        "Their interests",
        {
          type: "plain_text_input",
          max_length: INTERESTS_INPUT_MAX,
          placeholder: { type: "plain_text", text: "coffee, cycling, their dog Max" },
        },
        { optional: true, hint: "Comma-separated; kept on the customer's record." },
      ),
      input(
        REQUEST_FIELDS.budget,
        "Budget for this gesture",
        { type: "plain_text_input", max_length: 20 },
        { optional: true, hint: prefill.budgetHint ?? "Leave empty for the workspace budget." },
      ),
    ],
  };
}

export function useModal(
  suggestion: GestureSuggestion,
  budget: GestureBudget | null,
  metadata: { requestId: string; index: number; responseUrl?: string; issuedAtMs?: number },
): View {
  return {
    type: "modal",
    callback_id: CALLBACK_IDS.use,
    title: { type: "plain_text", text: "Record the surprise" },
    submit: { type: "plain_text", text: "Record" },
    close: { type: "plain_text", text: "Cancel" },
    private_metadata: JSON.stringify(metadata),
    blocks: [
      context(`*${esc(suggestion.title, 150)}*`),
      input(
        USE_FIELDS.cost,
        `Actual cost${budget ? ` (${budget.currency})` : ""}`,
        { type: "plain_text_input", max_length: 20, initial_value: String(suggestion.cost) },
        { optional: true, hint: "What it really cost, 0 if it was free. Kept with the customer's history." },
      ),
      input(
        USE_FIELDS.what,
        "What exactly did you do?",
        { type: "plain_text_input", max_length: 300, initial_value: truncate(suggestion.title, 300) },
        { optional: true, hint: "Edit it if you changed the idea; this is what the history shows." },
      ),
    ],
  };
}

/** Shown in the form after a valid submission while the ideas are prepared. */
export function thinkingModal(customerName: string, where: "here" | "dm"): View {
  return {
    type: "modal",
    title: { type: "plain_text", text: "Surprise idea" },
    close: { type: "plain_text", text: "Close" },
    blocks: [
      section(
        `${thinkingText(customerName)}\nThe three ideas will arrive ${where === "dm" ? "in your messages from Delight" : "in the conversation you started from"} within a few seconds.`,
      ),
    ],
  };
}

// ——— the customer's record ———

function givenLine(g: { title: string; givenAt: Date; costCents: number | null; currency: string | null }): string {
  const cost = g.costCents !== null ? `, ${formatMoney(g.costCents, g.currency ?? "USD")}` : "";
  return `• ${g.givenAt.toISOString().slice(0, 10)} — ${esc(g.title, 150)}${cost}`;
}

/**
 * What Delight knows about a customer. `casesNotShown`: recovery cases whose texts this
 * reader may not see (not its owner, reporter or a manager): counted, never described.
 */
export function renderCustomer(profile: CustomerProfile, casesNotShown = 0): { text: string; blocks: KnownBlock[] } {
  const { customer } = profile;
  const name = esc(customer.name, 150);
  const facts = [
    customer.tier ? `*Tier:* ${esc(customer.tier, 40)}` : "",
    `*Interests:* ${customer.interests.length > 0 ? esc(customer.interests.join(", "), 500) : "_none noted yet_"}`,
    // Customer context from signals and imports (src/features/signals).
    customer.ownerEmail ? `*Owner:* ${esc(customer.ownerEmail, 200)}` : "",
    customer.customerSince ? `*Customer since:* ${customer.customerSince.toISOString().slice(0, 10)}` : "",
    customer.renewalAt ? `*Renewal:* ${customer.renewalAt.toISOString().slice(0, 10)}` : "",
  ].filter(Boolean);
  const blocks: KnownBlock[] = [section(`:bust_in_silhouette: *${name}*\n${facts.join("\n")}`)];
  const list = (title: string, lines: string[], empty: string) =>
    blocks.push(
      section(truncateMrkdwn(`*${title}*\n${lines.length > 0 ? lines.join("\n") : `_${empty}_`}`, SECTION_TEXT_LIMIT)),
    );
  list("Surprises given", profile.gestures.slice(0, 10).map(givenLine), "none yet");
  list(
    "Service recoveries",
    [
      ...profile.recoveryCases.slice(0, 10).map((c) => {
        const surprise = c.surpriseGiven ? ` — surprise: ${truncateMrkdwn(c.surpriseGiven, 150)}` : "";
        return `• OOPS-${c.number} (${c.status === "open" ? "open" : "fixed"}): ${truncateMrkdwn(c.description, 200)}${surprise}`;
      }),
      ...(casesNotShown > 0
        ? [
            `_${profile.recoveryCases.length > 0 ? `${casesNotShown} more` : String(casesNotShown)} ${casesNotShown === 1 ? "case" : "cases"}: their details are for the case's owner, reporter and Delight managers._`,
          ]
        : []),
    ],
    "none",
  );
  list(
    "Notes",
    profile.notes
      .slice(0, 10)
      .map(
        (n) =>
          `• ${n.createdAt.toISOString().slice(0, 10)} ${/^[UW][A-Z0-9]+$/.test(n.authorId) ? `<@${n.authorId}>` : "(from a customer signal)"}: ${esc(n.text, 300)}`,
      ),
    `none yet — \`/surprise note ${name}: …\` adds one`,
  );
  const liked = profile.feedback.filter((f) => f.vote > 0).map((f) => esc(f.title, 80));
  const disliked = profile.feedback.filter((f) => f.vote < 0).map((f) => esc(f.title, 80));
  if (liked.length + disliked.length > 0) {
    blocks.push(
      context(
        truncateMrkdwn(
          [
            liked.length ? `👍 ${liked.slice(0, 5).join("; ")}` : "",
            disliked.length ? `👎 ${disliked.slice(0, 5).join("; ")}` : "",
          ]
            .filter(Boolean)
            .join("   "),
          2000,
        ),
      ),
    );
  }
  blocks.push(context(`\`/surprise ${name}: what happened\` suggests three gestures for them.`));
  return { text: `What Delight knows about ${name}`, blocks };
}

export const unknownCustomer = (name: string): string =>
  `I don't know a customer called *${esc(name, 150)}* yet. They're added when someone mentions them in \`/oops\`, a nomination or \`/surprise ${esc(name, 150)}: …\`.`;

export const noteAdded = (name: string): string =>
  `:memo: Noted for *${esc(name, 150)}*. It will shape the next surprise ideas for them. (Emails and phone numbers in notes are never sent to the AI model.)`;

export const tierSet = (name: string, tier: string | null): string =>
  tier
    ? `:label: *${esc(name, 150)}* is now tier *${esc(tier, 40)}*. Ideas take it into account.`
    : `:label: *${esc(name, 150)}* has no tier any more.`;

// ——— App Home ———

export function givenGestureLines(gestures: GivenGesture[]): string {
  return gestures
    .map((g) => {
      const onCase = g.caseNumber !== null ? ` (OOPS-${g.caseNumber})` : "";
      return `• ${esc(g.title, 120)} for ${esc(g.customerName, 60)}${onCase} — ${g.givenAt.toISOString().slice(0, 10)}`;
    })
    .join("\n");
}

// ——— help and refusals ———

export const SURPRISE_HELP = [
  "*`/surprise`* — personal surprise gestures for a customer, from what Delight knows about them",
  "• `/surprise Customer name: what happened` — three ideas: what, why it fits, cost, effort, when",
  "• `/surprise` — a form (customer, occasion, what happened, interests, budget)",
  "• `/surprise customer Acme Corp` — what is known: notes, interests, surprises given, recoveries",
  "• `/surprise note Acme Corp: loves oat-milk flat whites` — adds a note",
  "• `/surprise tier Acme Corp: gold` — sets their tier (`none` clears it)",
  "*Use this* records the gesture (never suggested to them again); 👍 / 👎 improve the next ideas. Ideas stay within the workspace budget (`/delight-admin budget`), never cash or gift cards. Emails, phone numbers, card numbers, IBANs and addresses are removed before anything is sent to an AI model.",
].join("\n");

export function renderSurpriseHelp(problem?: string, typed?: string): string {
  if (!problem) return SURPRISE_HELP;
  const quoted = typed ? `\nYou typed:\n${typed}` : "";
  return `${problem}${quoted}\n\n${SURPRISE_HELP}`;
}

export const CASE_NOT_FOUND = "I can't find that recovery case any more. `/oops list` shows the open ones.";
export const SUGGESTION_GONE =
  "Those ideas are no longer available. Ask again with `/surprise Customer name: what happened`.";
export const COULD_NOT_SUGGEST =
  ":warning: Sorry, I couldn't prepare surprise ideas because of a problem on our side. Please try again in a minute.";

/** Plain text of a stored (mrkdwn) customer name, for forms and records. */
export const plainCustomer = (stored: string): string => plainFromSlack(stored);
