// Escaping of user text for Slack mrkdwn. Everything a person typed is shown back as text:
// it can never ping @channel/@here/@everyone, mention someone the author did not mention,
// or hide a link behind a label.
//
// Two kinds of input reach us:
//  - "Slack-escaped" text (slash commands, message events): Slack has already turned
//    &, <, > into entities, and turned real mentions and links the author typed into
//    <@U…>, <#C…|name>, <https://…|label>, <!channel>. Use `mrkdwnFromSlack`.
//  - plain text (modal inputs, database strings): anything that looks like markup was typed
//    literally, so none of it may act. Use `escapeMrkdwn`.

const ZERO_WIDTH_SPACE = "\u200B";

/** Breaks the words Slack auto-links into broadcasts (@channel, @here, @everyone). */
function defuseBroadcastWords(text: string): string {
  return text.replace(/@(channel|here|everyone)\b/gi, `@${ZERO_WIDTH_SPACE}$1`);
}

/** Escapes plain text so Slack shows it literally in a mrkdwn field. */
export function escapeMrkdwn(plain: string): string {
  return defuseBroadcastWords(plain.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"));
}

/**
 * Makes Slack-escaped text safe to post again: keeps the user and channel mentions the
 * author wrote, shows links with their real address, and turns broadcasts and group
 * mentions into harmless text.
 */
export function mrkdwnFromSlack(escaped: string): string {
  const withTokens = escaped.replace(/<([^<>]*)>/g, (_whole, inner: string) => {
    const [target = "", label] = inner.split("|", 2);
    if (/^@[UW][A-Z0-9]+$/.test(target)) return `<${target}>`;
    if (/^#C[A-Z0-9]+$/.test(target)) return `<${target}>`;
    if (target.startsWith("!")) {
      // <!channel>, <!here>, <!everyone>, <!subteam^S123|@team>, <!date^…|fallback>
      const name = label ?? target.slice(1).split("^")[0] ?? "";
      return escapeMrkdwn(name.startsWith("@") ? name : `@${name}`);
    }
    if (/^(https?|mailto):/i.test(target)) {
      // Show the real address, never a label that could disguise it.
      return `<${target.replace(/[<>|]/g, "")}>`;
    }
    return escapeMrkdwn(label ?? target);
  });
  return defuseBroadcastWords(withTokens);
}

/** Turns Slack-escaped text into plain text (for modal inputs, exports and model prompts). */
export function plainFromSlack(escaped: string): string {
  return escaped
    .replace(/<([^<>]*)>/g, (_whole, inner: string) => {
      const [target = "", label] = inner.split("|", 2);
      if (target.startsWith("@") || target.startsWith("#")) return label ? `${target[0]}${label}` : target;
      if (target.startsWith("!")) return label ?? `@${target.slice(1).split("^")[0]}`;
      return label && label !== target ? `${label} (${target})` : target;
    })
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** User ids mentioned in Slack-escaped text, in order, without repeats. */
export function mentionedUserIds(escaped: string): string[] {
  const ids = [...escaped.matchAll(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g)].map((m) => m[1] as string);
  return [...new Set(ids)];
}

/** Channel ids mentioned in Slack-escaped text, in order, without repeats. */
export function mentionedChannelIds(escaped: string): string[] {
  const ids = [...escaped.matchAll(/<#([CG][A-Z0-9]+)(?:\|[^>]*)?>/g)].map((m) => m[1] as string);
  return [...new Set(ids)];
}

// A Slack token (<@U…>, <#C…|name>, <https://…|label>, <!here>) or an HTML entity (&amp;).
const TOKEN_OR_ENTITY = /<[^<>\n]*>|&(?:[a-zA-Z]{2,8}|#\d{1,7}|#x[0-9a-fA-F]{1,6});/g;
// What must stay with the character before it: a low surrogate, a combining mark, a joiner,
// a variation selector, an emoji modifier.
const CLINGS_TO_PREVIOUS = /^(?:[\uDC00-\uDFFF]|\p{M}|\u200D|[\uFE00-\uFE0F]|\uD83C[\uDFFB-\uDFFF])/u;

/**
 * The one way text is cut: at most `limit` characters with the ellipsis, never inside a
 * Slack token or an entity (a half token breaks the message, a half entity shows as
 * "&am…"), never between the halves of an emoji or a letter and its accent. Plain or
 * mrkdwn, Slack-escaped or not: an unmatched "<" or "&" in plain text is just a character.
 */
export function cutText(text: string, limit: number, ellipsis = "…"): string {
  if (text.length <= limit) return text;
  let cut = Math.max(0, limit - ellipsis.length);
  for (const match of text.matchAll(TOKEN_OR_ENTITY)) {
    if (match.index >= cut) break;
    if (match.index + match[0].length > cut) {
      cut = match.index;
      break;
    }
  }
  while (cut > 0 && (CLINGS_TO_PREVIOUS.test(text.slice(cut, cut + 2)) || text[cut - 1] === "\u200D")) cut -= 1;
  return `${text.slice(0, cut).trimEnd()}${ellipsis}`;
}

/**
 * Quotes what the user typed back to them (for validation messages): plain and escaped, and
 * whole by default, because nothing a person typed may be lost on a refusal. Message text may
 * be up to 40,000 characters; use `splitForSections` for blocks.
 */
export function quoteInput(escapedOrPlain: string, maxLength = Number.POSITIVE_INFINITY): string {
  const plain = plainFromSlack(escapedOrPlain).trim();
  const shown = cutText(plain, maxLength);
  return shown
    .split("\n")
    .map((line) => `> ${escapeMrkdwn(line)}`)
    .join("\n");
}

/**
 * Splits quoted (mrkdwn) text into pieces of at most `limit` characters, at line breaks
 * where possible and never inside an &…; entity, so each fits a section block.
 */
export function splitForSections(mrkdwn: string, limit = 3000): string[] {
  const pieces: string[] = [];
  let rest = mrkdwn;
  while (rest.length > limit) {
    let cut = rest.lastIndexOf("\n", limit);
    if (cut <= 0) {
      cut = limit;
      const entity = rest.lastIndexOf("&", cut - 1);
      if (entity > rest.lastIndexOf(";", cut - 1) && cut - entity < 8) cut = entity;
    }
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\n/, "");
    // A line cut in two keeps its quote mark on the next piece.
    if (!rest.startsWith(">") && pieces.at(-1)?.split("\n").at(-1)?.startsWith(">")) rest = `> ${rest}`;
  }
  if (rest.length > 0) pieces.push(rest);
  return pieces;
}

/** An erased person's id (src/features/people/erase.ts): shown as words, never as a mention. */
export const TOMBSTONE_PREFIX = "erased-";
export const mentionUser = (userId: string): string =>
  userId.startsWith(TOMBSTONE_PREFIX) ? "a former colleague" : `<@${userId}>`;
export const mentionChannel = (channelId: string): string => `<#${channelId}>`;

/** Slack renders this token in each reader's own timezone; the fallback is UTC. */
export function slackDateToken(date: Date): string {
  const fallback = `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  return `<!date^${Math.floor(date.getTime() / 1000)}^{date_short_pretty} {time}|${fallback}>`;
}
