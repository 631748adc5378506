// Parsing of nominations: `/delight` text (Slack-escaped) and the nomination modal (plain text).
//
// What `Nomination.story` stores — one convention for every source:
//   Slack-escaped mrkdwn source, exactly like the text Slack sends for a slash command:
//   `&`, `<` and `>` typed by a person are entities (&amp; &lt; &gt;), and the only raw `<…>`
//   tokens are those Slack itself produced for real mentions, channel links, URLs and
//   broadcasts. Slash-command and message text is stored as received; modal text (plain) is
//   entity-escaped first (`slackEscapedFromPlain`), so a typed "<!channel>" stays literal.
//   Render it with `mrkdwnFromSlack` (keeps real <@U…> mentions, defuses <!channel>, shows
//   real link addresses) and turn it back into plain text with `plainFromSlack`.
import { z } from "zod";
import { escapeMrkdwn, mentionedChannelIds, mentionedUserIds, plainFromSlack } from "../../slack/text.ts";

export const DELIGHT_VALUES = ["listen", "empathize", "attention", "delight", "recovery"] as const;
export type DelightValue = (typeof DELIGHT_VALUES)[number];

export const VALUE_LABELS: Record<DelightValue, string> = {
  listen: "Listen",
  empathize: "Empathize",
  attention: "Attention",
  delight: "Delight",
  recovery: "Recovery",
};

export const VALUE_EMOJI: Record<DelightValue, string> = {
  listen: ":ear:",
  empathize: ":handshake:",
  attention: ":mag:",
  delight: ":sparkles:",
  recovery: ":arrows_counterclockwise:",
};

// People write tags the way they speak; a few obvious spellings map to the same value.
// A Map, not an object literal: "#constructor" or "#toString" must not look like a tag.
const VALUE_ALIASES = new Map<string, DelightValue>([
  ["listen", "listen"],
  ["listening", "listen"],
  ["empathize", "empathize"],
  ["empathise", "empathize"],
  ["empathy", "empathize"],
  ["attention", "attention"],
  ["delight", "delight"],
  ["wow", "delight"],
  ["recovery", "recovery"],
  ["oops", "recovery"],
]);

const valueOfTag = (tag: string | undefined): DelightValue | undefined => VALUE_ALIASES.get((tag ?? "").toLowerCase());

/** Long enough for a real story, short enough for one Slack section (3,000 characters). */
export const MAX_STORY_LENGTH = 2000;
export const MAX_CUSTOMER_LENGTH = 150;
export const MAX_LINK_LENGTH = 1000;
export const MAX_NOMINEES = 10;

export function isDelightValue(value: string): value is DelightValue {
  return (DELIGHT_VALUES as readonly string[]).includes(value);
}

/** Orders values as L.E.A.D. + Recovery and drops repeats and unknown ones. */
export function normaliseValues(values: readonly string[]): DelightValue[] {
  return DELIGHT_VALUES.filter((v) => values.includes(v));
}

/** Turns plain text (modal input) into the Slack-escaped form the story column stores. */
export function slackEscapedFromPlain(plain: string): string {
  return plain.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Length of a story as people see it: entities and mention tokens count as what they show,
 * and a link as its label (or its address when it has none), not "label (address)".
 */
export function storyLength(slackEscaped: string): number {
  const asShown = slackEscaped.replace(
    /<((?:https?|mailto):[^|<>]*)(?:\|([^<>]*))?>/gi,
    (_whole, url: string, label?: string) =>
      label ? label.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;") : url,
  );
  return plainFromSlack(asShown).trim().length;
}

export type DelightCommand =
  | { kind: "modal" }
  | { kind: "help" }
  | { kind: "stats" }
  | { kind: "insights" }
  | { kind: "stories"; filterText: string }
  | { kind: "digest-preview"; channelId: string | null }
  | { kind: "nominate"; nomineeIds: string[]; story: string; values: DelightValue[]; link?: string }
  | { kind: "invalid"; problem: string };

const USER_HINT = "Type `@` and pick each person from the list so Slack links them.";

// Leading nominees: linked mentions, optionally separated by commas, "and", "&" or "+". A
// connector counts only between two mentions: "@alice and the customer…" keeps its "and".
const LEADING_NOMINEE = /^\s*<@[UW][A-Z0-9]+(?:\|[^>]*)?>(?:(?:\s*(?:,|and\b|&amp;|\+))+\s*(?=<@))?\s*/i;
const TAG = /(^|\s)#([A-Za-z]+)\b/g;
const TRAILING_TAG = /\s*#([A-Za-z]+)[.,;!]*\s*$/;

export function parseDelightCommand(escapedText: string): DelightCommand {
  const text = escapedText.trim();
  const firstWord = text.split(/\s+/, 1)[0]?.toLowerCase() ?? "";
  if (text === "") return { kind: "modal" };
  if (firstWord === "help" || firstWord === "?") return { kind: "help" };
  if (firstWord === "stats") return { kind: "stats" };
  if (firstWord === "insights") return { kind: "insights" };
  if (firstWord === "stories") return { kind: "stories", filterText: text.slice(firstWord.length).trim() };
  if (firstWord === "digest") {
    const [, sub = "preview", ...rest] = text.split(/\s+/);
    if (sub.toLowerCase() !== "preview" || rest.length > 1 || (rest[0] && !mentionedChannelIds(rest[0])[0]))
      return {
        kind: "invalid",
        problem: "To see this week's digest, say `/delight digest preview` or `/delight digest preview #channel`.",
      };
    return { kind: "digest-preview", channelId: mentionedChannelIds(rest[0] ?? "")[0] ?? null };
  }

  let rest = text;
  let head = "";
  for (let match = LEADING_NOMINEE.exec(rest); match && match[0].length > 0; match = LEADING_NOMINEE.exec(rest)) {
    head += match[0];
    rest = rest.slice(match[0].length);
  }
  const nomineeIds = mentionedUserIds(head);
  if (nomineeIds.length === 0) {
    const unlinked = /^@\S+/.exec(text);
    return {
      kind: "invalid",
      problem: unlinked
        ? `I couldn't tell who ${escapeMrkdwn(plainFromSlack(unlinked[0]))} is. ${USER_HINT}`
        : `Start with the people you want to recognise, such as \`/delight @alice the story…\`. ${USER_HINT}`,
    };
  }
  if (nomineeIds.length > MAX_NOMINEES) {
    return { kind: "invalid", problem: `Nominate at most ${MAX_NOMINEES} people at once.` };
  }

  const values = new Set<DelightValue>();
  for (const match of rest.matchAll(TAG)) {
    const value = valueOfTag(match[2]);
    if (value) values.add(value);
  }
  // Tags at the end are labels, not part of the story; tags inside a sentence stay in it.
  let story = rest;
  for (let m = TRAILING_TAG.exec(story); m && valueOfTag(m[1]); m = TRAILING_TAG.exec(story)) {
    story = story.slice(0, m.index);
  }
  story = story.trim().replace(/^[:\-–—]\s*/, "");

  if (storyLength(story) === 0) {
    return {
      kind: "invalid",
      problem:
        "Tell the story too: what did they do for the customer? For example `/delight @alice stayed late to fix Acme's order #attention`.",
    };
  }
  if (storyLength(story) > MAX_STORY_LENGTH) {
    return {
      kind: "invalid",
      problem: `That story is ${storyLength(story)} characters; please keep it under ${MAX_STORY_LENGTH}. Run \`/delight\` alone for a form with more room to edit.`,
    };
  }
  // The first link in the story (Slack sends it as <https://…|label>) becomes the nomination's link.
  const link = /<(https?:\/\/[^\s<>|]+)(?:\|[^>]*)?>/i.exec(story)?.[1];
  return {
    kind: "nominate",
    nomineeIds,
    story,
    values: normaliseValues([...values]),
    ...(link && link.length <= MAX_LINK_LENGTH ? { link } : {}),
  };
}

// --- The nomination modal -----------------------------------------------------------------

export const MODAL_BLOCKS = {
  nominees: "nominees",
  customer: "customer",
  story: "story",
  values: "values",
  link: "link",
} as const;
export const MODAL_ACTION = "input";

/** What the modal's inputs hold, as plain text (Slack sends modal values unescaped). */
export interface NominationDraft {
  nomineeIds: string[];
  customer: string | null;
  storyPlain: string;
  values: DelightValue[];
  link: string | null;
}

const optionalText = (max: number, message: string) =>
  z
    .string()
    .nullish()
    .transform((v) => v?.trim() || null)
    .refine((v) => v === null || v.length <= max, { message });

const draftSchema = z.object({
  nomineeIds: z
    .array(z.string())
    .min(1, { message: "Pick at least one person to recognise." })
    .max(MAX_NOMINEES, { message: `Pick at most ${MAX_NOMINEES} people.` }),
  customer: optionalText(MAX_CUSTOMER_LENGTH, `Keep the customer under ${MAX_CUSTOMER_LENGTH} characters.`),
  storyPlain: z
    .string()
    .nullish()
    .transform((v) => v?.trim() ?? "")
    .refine((v) => v.length > 0, { message: "Tell the story: what did they do for the customer?" })
    .refine((v) => v.length <= MAX_STORY_LENGTH, {
      message: `Please keep the story under ${MAX_STORY_LENGTH} characters.`,
    }),
  values: z.array(z.string()).transform((v) => normaliseValues(v)),
  link: optionalText(MAX_LINK_LENGTH, "That link is too long.").refine(
    (v) => v === null || /^https?:\/\/[^\s<>|]+$/i.test(v),
    { message: "Paste a full link starting with https://" },
  ),
});

const FIELD_BLOCK: Record<keyof NominationDraft, string> = {
  nomineeIds: MODAL_BLOCKS.nominees,
  customer: MODAL_BLOCKS.customer,
  storyPlain: MODAL_BLOCKS.story,
  values: MODAL_BLOCKS.values,
  link: MODAL_BLOCKS.link,
};

interface ViewStateValue {
  value?: string | null;
  selected_users?: string[];
  selected_options?: Array<{ value: string }>;
}
export type ViewStateValues = Record<string, Record<string, ViewStateValue>>;

/**
 * Reads the modal's state. Field problems come back keyed by block id, ready for
 * `response_action: "errors"` (Slack keeps everything the person typed).
 */
export function readNominationModal(
  values: ViewStateValues,
): { ok: true; draft: NominationDraft } | { ok: false; errors: Record<string, string> } {
  const field = (block: string) => values[block]?.[MODAL_ACTION];
  const parsed = draftSchema.safeParse({
    nomineeIds: field(MODAL_BLOCKS.nominees)?.selected_users ?? [],
    customer: field(MODAL_BLOCKS.customer)?.value,
    storyPlain: field(MODAL_BLOCKS.story)?.value,
    values: (field(MODAL_BLOCKS.values)?.selected_options ?? []).map((o) => o.value),
    link: field(MODAL_BLOCKS.link)?.value,
  });
  if (parsed.success) return { ok: true, draft: parsed.data };
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const block = FIELD_BLOCK[issue.path[0] as keyof NominationDraft];
    if (block && !errors[block]) errors[block] = issue.message;
  }
  return { ok: false, errors };
}

export const REJECT_REASON_BLOCK = "reason";
export const MAX_REASON_LENGTH = 1000;

export function readRejectReason(values: ViewStateValues): { ok: true; reason: string } | { ok: false; error: string } {
  const reason = values[REJECT_REASON_BLOCK]?.[MODAL_ACTION]?.value?.trim() ?? "";
  if (reason.length === 0) return { ok: false, error: "Say why, so the nominator can learn from it." };
  if (reason.length > MAX_REASON_LENGTH)
    return { ok: false, error: `Please keep the reason under ${MAX_REASON_LENGTH} characters.` };
  return { ok: true, reason };
}

/** A thread reply that approves: "approve", "approved", "✅", ":white_check_mark:"… */
export function isApprovalReply(text: string | undefined): boolean {
  return /^\s*(approved?|lgtm|:white_check_mark:|:heavy_check_mark:|✅)[\s.!]*$/i.test(text ?? "");
}

/** private_metadata of the modals (Slack returns it untouched, but it is still input). */
export const nominationModalMetadata = z.object({ channelId: z.string().optional() }).catch({});
export const rejectModalMetadata = z.object({ nominationId: z.string(), fromHome: z.boolean().optional() });
