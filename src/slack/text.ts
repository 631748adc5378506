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

/**
 * Quotes what the user typed back to them (for validation messages): plain and escaped, and
 * whole by default, because nothing a person typed may be lost on a refusal. Message text may
 * be up to 40,000 characters; use `splitForSections` for blocks.
 */
export function quoteInput(escapedOrPlain: string, maxLength = Number.POSITIVE_INFINITY): string {
  const plain = plainFromSlack(escapedOrPlain).trim();
  const shown = plain.length > maxLength ? `${plain.slice(0, maxLength - 1)}…` : plain;
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

export const mentionUser = (userId: string): string => `<@${userId}>`;
export const mentionChannel = (channelId: string): string => `<#${channelId}>`;
