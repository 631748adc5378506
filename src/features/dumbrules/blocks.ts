// Block Kit and texts for dumb rules: the rule's message (with +1, Killed it, Keep it), the
// modals, `/dumbrule list` and help, the reporter's notes and the digest's section. Every
// piece of user text is plain text here and goes through escapeMrkdwn.
import type { webApi } from "@slack/bolt";
import { context, inputBlock, section, SECTION_TEXT_LIMIT, truncate, truncateMrkdwn } from "../../slack/replies.ts";
import { escapeMrkdwn, mentionChannel, mentionUser } from "../../slack/text.ts";
import { DIGEST_RULES_SHOWN, type DumbRulesDigest, type DumbRuleView } from "./model.ts";
import { MAX_NOTE_LENGTH, MAX_RULE_LENGTH, MAX_WHY_LENGTH, NOTE_FIELD, RULE_EXAMPLE, RULE_FIELDS } from "./parse.ts";

type KnownBlock = webApi.KnownBlock;

export const ACTION_IDS = {
  plusOne: "dumbrule_plus_one",
  kill: "dumbrule_kill",
  keep: "dumbrule_keep",
} as const;

export const CALLBACK_IDS = {
  report: "dumbrule_report",
  kill: "dumbrule_kill_modal",
  keep: "dumbrule_keep_modal",
} as const;

export const SET_CHANNEL_HINT = "`/delight-admin channel dumbrules #channel`";
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const plusOnes = (n: number) => `${n} ${n === 1 ? "+1" : "+1s"}`;

/** The rule in one line, for lists, DMs and the digest. */
export function ruleLine(rule: Pick<DumbRuleView, "rule">, limit = 150): string {
  return `“${escapeMrkdwn(truncate(rule.rule, limit))}”`;
}

function quoted(plain: string, limit: number): string {
  return escapeMrkdwn(truncate(plain, limit))
    .split("\n")
    .map((line) => `>${line}`)
    .join("\n");
}

/** The rule's message in the dumb-rules channel; after a decision it shows who decided and why, without buttons. */
export function ruleMessage(rule: DumbRuleView): { text: string; blocks: KnownBlock[] } {
  const blocks: KnownBlock[] = [
    section(
      truncateMrkdwn(
        `:no_entry_sign: *Dumb rule:* ${ruleLine(rule, MAX_RULE_LENGTH)}\n*Why it hurts customers*\n${quoted(rule.why, MAX_WHY_LENGTH)}`,
        SECTION_TEXT_LIMIT,
      ),
    ),
    context(`Reported by ${mentionUser(rule.reporterId)} · *${plusOnes(rule.plusOnes)}*`),
  ];
  if (rule.status === "open") {
    blocks.push({
      type: "actions",
      block_id: "dumbrule_actions",
      elements: [
        {
          type: "button",
          action_id: ACTION_IDS.plusOne,
          value: rule.id,
          text: { type: "plain_text", text: `:+1: +1 (${rule.plusOnes})`, emoji: true },
        },
        {
          type: "button",
          action_id: ACTION_IDS.kill,
          value: rule.id,
          style: "primary",
          text: { type: "plain_text", text: ":skull: Killed it", emoji: true },
        },
        {
          type: "button",
          action_id: ACTION_IDS.keep,
          value: rule.id,
          text: { type: "plain_text", text: ":shield: Keep it", emoji: true },
        },
      ],
    });
    blocks.push(
      context("+1 if it gets in your way too. Managers: *Killed it* once it's gone, or *Keep it* with the reason."),
    );
  } else {
    blocks.push(section(truncateMrkdwn(decisionLine(rule), SECTION_TEXT_LIMIT)));
  }
  const state = rule.status === "killed" ? " (killed)" : rule.status === "kept" ? " (kept)" : "";
  return { text: `Dumb rule${state}: ${escapeMrkdwn(truncate(rule.rule, 150))} — ${plusOnes(rule.plusOnes)}`, blocks };
}

function decisionLine(rule: DumbRuleView): string {
  const by = rule.decidedBy ? mentionUser(rule.decidedBy) : "a manager";
  const note = rule.decisionNote ? `\n${quoted(rule.decisionNote, MAX_NOTE_LENGTH)}` : "";
  return rule.status === "killed"
    ? `:skull: *Killed* by ${by}. What changed:${note}`
    : `:shield: *Kept* by ${by}. Why it stays:${note}`;
}

export function reportModal(): webApi.View {
  return {
    type: "modal",
    callback_id: CALLBACK_IDS.report,
    title: { type: "plain_text", text: "Report a dumb rule" },
    submit: { type: "plain_text", text: "Report" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      context("A policy that infuriates customers? Say which, and why: managers can kill it."),
      inputBlock(
        RULE_FIELDS.rule,
        "The rule",
        {
          type: "plain_text_input",
          max_length: MAX_RULE_LENGTH,
          placeholder: { type: "plain_text", text: "Refunds need the original receipt" },
        },
        { actionId: "input" },
      ),
      inputBlock(
        RULE_FIELDS.why,
        "Why it hurts customers",
        { type: "plain_text_input", multiline: true, max_length: MAX_WHY_LENGTH },
        { actionId: "input" },
      ),
    ],
  };
}

/** "Killed it" (what changed) or "Keep it" (why it stays), for managers. */
export function decisionModal(rule: DumbRuleView, decision: "kill" | "keep"): webApi.View {
  const kill = decision === "kill";
  return {
    type: "modal",
    callback_id: kill ? CALLBACK_IDS.kill : CALLBACK_IDS.keep,
    private_metadata: rule.id,
    title: { type: "plain_text", text: kill ? "Killed it" : "Keep it" },
    submit: { type: "plain_text", text: kill ? "Mark as killed" : "Keep the rule" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      section(`${ruleLine(rule, MAX_RULE_LENGTH)}\n${quoted(rule.why, 600)}`),
      inputBlock(
        NOTE_FIELD,
        kill ? "What changed?" : "Why does it stay?",
        { type: "plain_text_input", multiline: true, max_length: MAX_NOTE_LENGTH },
        {
          actionId: "input",
          hint: "The person who reported it is told by DM, and the rule's message shows it.",
        },
      ),
    ],
  };
}

export function renderHelp(problem?: string, typed?: string): string {
  const lines = [
    "*`/dumbrule`* — report a rule that infuriates customers, so leaders can kill it",
    `• ${RULE_EXAMPLE}`,
    "• `/dumbrule` alone — a form",
    "• `/dumbrule list` — open rules, most +1s first",
    `Rules are posted in the dumb-rules channel (an admin sets it with ${SET_CHANNEL_HINT}) with a *+1* button for everyone and *Killed it* / *Keep it* for managers; the weekly digest lists them.`,
  ];
  if (!problem) return lines.join("\n");
  return `:warning: ${problem}\nYou typed:\n${typed ?? ""}\nFor example: ${RULE_EXAMPLE}\n\n${lines.join("\n")}`;
}

export const RECEIVED = ":hourglass_flowing_sand: Got it: I'm recording the rule. I'll confirm here in a moment.";
export const ALREADY_RECEIVED =
  ":information_source: I already received this exact `/dumbrule` a moment ago, so I'm not recording it twice: its confirmation is (or will be) just above.";
export const RULE_NOT_FOUND = "I can't find that dumb rule any more. `/dumbrule list` shows the open ones.";
export const ALREADY_PLUS_ONED = ":+1: You already +1'd this rule: one +1 per person. It stays counted.";

export function onlyManagers(action: "kill" | "keep"): string {
  return `:lock: Only Delight managers can ${action === "kill" ? "mark a rule as killed" : "decide to keep a rule"}. Nothing was changed; your +1 is the way to push for it.`;
}
export const onlyManagersPlain = (action: "kill" | "keep") => onlyManagers(action).replace(":lock: ", "");

export function alreadyDecided(rule: DumbRuleView): string {
  const by = rule.decidedBy ? ` by ${mentionUser(rule.decidedBy)}` : "";
  return `:information_source: ${ruleLine(rule)} was already ${rule.status === "killed" ? "killed" : "kept"}${by}, so nothing changed.`;
}
export function alreadyDecidedPlain(rule: DumbRuleView): string {
  return `This rule was already ${rule.status === "killed" ? "killed" : "kept"} by another manager, so nothing changed.`;
}

/**
 * The reporter's confirmation: where the rule shows up. `refusedChannel`: a channel is set but
 * Slack refused the post there (the app was not invited, say).
 */
export function recordedText(rule: DumbRuleView, channelId: string | null, refusedChannel?: string): string {
  if (refusedChannel) {
    return `:white_check_mark: Thanks: ${ruleLine(rule)} is recorded and shows in \`/dumbrule list\` and the weekly digest, but I couldn't post it in ${mentionChannel(refusedChannel)}: an admin needs to \`/invite @Delight\` there (or pick another channel with ${SET_CHANNEL_HINT}). You'll hear the outcome by DM.`;
  }
  if (channelId) {
    return `:white_check_mark: Thanks: ${ruleLine(rule)} is posted in ${mentionChannel(channelId)}, where colleagues can +1 it and a manager can kill it. You'll hear the outcome by DM.`;
  }
  return `:white_check_mark: Thanks: ${ruleLine(rule)} is recorded. It shows in \`/dumbrule list\` and in the weekly digest; no dumb-rules channel is set yet, so it isn't posted anywhere (an admin can set one with ${SET_CHANNEL_HINT}). You'll hear the outcome by DM.`;
}

/** The reporter's DM when a manager decides. */
export function outcomeText(rule: DumbRuleView): string {
  const by = rule.decidedBy ? mentionUser(rule.decidedBy) : "A manager";
  const note = rule.decisionNote ? `\n${quoted(rule.decisionNote, MAX_NOTE_LENGTH)}` : "";
  return rule.status === "killed"
    ? `:skull: The dumb rule you reported, ${ruleLine(rule)}, was *killed* by ${by}. What changed:${note}\nThank you for speaking up for customers.`
    : `:shield: ${by} decided to *keep* the rule you reported, ${ruleLine(rule)}. Why it stays:${note}\nThank you for raising it: it was heard.`;
}

export const LIST_LIMIT = 15;

export function renderList(rules: DumbRuleView[], total: number): { text: string; blocks: KnownBlock[] } {
  if (total === 0) {
    const text = `:sparkles: No open dumb rules. Seen one that infuriates customers? ${RULE_EXAMPLE}`;
    return { text, blocks: [section(text)] };
  }
  const lines = rules.map((r) => {
    const where = r.channelId && r.messageTs ? ` in ${mentionChannel(r.channelId)}` : "";
    return `• *${plusOnes(r.plusOnes)}* ${ruleLine(r)} — ${mentionUser(r.reporterId)}${where}`;
  });
  const blocks: KnownBlock[] = [
    section(`*Open dumb rules* — ${total}, most +1s first`),
    section(truncateMrkdwn(lines.join("\n"), SECTION_TEXT_LIMIT)),
  ];
  if (total > rules.length) blocks.push(context(`…and ${total - rules.length} more.`));
  return { text: `Open dumb rules: ${total}`, blocks };
}

/** The digest's one section about dumb rules, or nothing in a week with nothing to say. */
export function dumbRulesDigestBlocks(digest: DumbRulesDigest | undefined): KnownBlock[] {
  if (!digest || digest.newCount + digest.openCount + digest.killedCount === 0) return [];
  const list = (rules: DumbRuleView[], total: number, withCount: boolean) => {
    const shown = rules
      .slice(0, DIGEST_RULES_SHOWN)
      .map((r) => `${ruleLine(r, 100)}${withCount ? ` (${plusOnes(r.plusOnes)})` : ""}`);
    const more = total - shown.length;
    return `${shown.join(", ")}${more > 0 ? ` and ${more} more` : ""}`;
  };
  const lines = [`*Dumb rules*`];
  lines.push(
    digest.newCount > 0
      ? `:no_entry_sign: New this week: *${digest.newCount}* — ${list(digest.newRules, digest.newCount, false)}`
      : ":no_entry_sign: New this week: *0*",
  );
  if (digest.openCount > 0) lines.push(`:+1: Most +1'd open: ${list(digest.topOpen, digest.openCount, true)}`);
  if (digest.killedCount > 0) {
    lines.push(`:skull: Killed this week: *${digest.killedCount}* — ${list(digest.killed, digest.killedCount, false)}`);
  }
  lines.push(
    `_${plural(digest.openCount, "rule", "rules")} open · \`/dumbrule list\` · report one: \`/dumbrule <rule>: <why>\`_`,
  );
  return [section(truncateMrkdwn(lines.join("\n"), SECTION_TEXT_LIMIT))];
}
