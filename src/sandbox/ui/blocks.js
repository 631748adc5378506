// Block Kit and mrkdwn as Slack shows them, rendered with Preact: every piece of text goes
// into text nodes (never innerHTML), so user text can't become markup.
import { h } from "/vendor/preact.js";
import htm from "/vendor/htm.js";

export const html = htm.bind(h);

const EMOJI = {
  white_check_mark: "✅",
  heavy_check_mark: "✔️",
  ballot_box_with_check: "☑️",
  sparkles: "✨",
  warning: "⚠️",
  red_circle: "🔴",
  tada: "🎉",
  gift: "🎁",
  lock: "🔒",
  hourglass_flowing_sand: "⏳",
  hourglass: "⌛",
  rotating_light: "🚨",
  information_source: "ℹ️",
  star2: "🌟",
  star: "⭐",
  link: "🔗",
  label: "🏷️",
  arrows_counterclockwise: "🔄",
  wave: "👋",
  seedling: "🌱",
  repeat: "🔁",
  raised_hands: "🙌",
  outbox_tray: "📤",
  inbox_tray: "📥",
  no_entry_sign: "🚫",
  memo: "📝",
  mag: "🔍",
  handshake: "🤝",
  ear: "👂",
  bust_in_silhouette: "👤",
  alarm_clock: "⏰",
  heart: "❤️",
  "+1": "👍",
  clap: "👏",
  trophy: "🏆",
  bulb: "💡",
  calendar: "📅",
  bar_chart: "📊",
  x: "❌",
  eyes: "👀",
  fire: "🔥",
  pray: "🙏",
  chart_with_upwards_trend: "📈",
  thumbsup: "👍",
  coffee: "☕",
  email: "📧",
  speech_balloon: "💬",
  white_square: "⬜",
  gear: "⚙️",
};

export function emoji(name) {
  return EMOJI[name] ?? `:${name}:`;
}

const decode = (text) => text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
const safeUrl = (url) => (/^(https?:|mailto:)/i.test(url) ? url : undefined);

// One Slack "<…>" entity: mention, channel, special mention or link.
function entity(inner, ctx) {
  const [target, label] = inner.split("|");
  if (target.startsWith("@")) {
    const user = ctx.users?.find((u) => u.id === target.slice(1));
    return html`<span class="mention">@${label ?? user?.real_name ?? user?.name ?? target.slice(1)}</span>`;
  }
  if (target.startsWith("#")) {
    const channel = ctx.channels?.find((c) => c.id === target.slice(1));
    return html`<span class="mention">#${label ?? channel?.name ?? target.slice(1)}</span>`;
  }
  if (target.startsWith("!")) return html`<span class="mention">@${label ?? target.slice(1).split("^")[0]}</span>`;
  const href = safeUrl(decode(target));
  const text = decode(label ?? target);
  return href ? html`<a href=${href} target="_blank" rel="noopener noreferrer">${text}</a>` : text;
}

const INLINE = /(<[^<>\n]+>)|(`[^`\n]+`)|(\*[^*\n]+\*)|(~[^~\n]+~)|(\b_[^_\n]+_\b)|(:[a-z0-9_+-]+:)/g;

function inline(text, ctx) {
  const out = [];
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    if (match.index > last) out.push(decode(text.slice(last, match.index)));
    const [whole] = match;
    const body = whole.slice(1, -1);
    if (match[1]) out.push(entity(body, ctx));
    else if (match[2]) out.push(html`<code>${decode(body)}</code>`);
    else if (match[3]) out.push(html`<strong>${inline(body, ctx)}</strong>`);
    else if (match[4]) out.push(html`<s>${inline(body, ctx)}</s>`);
    else if (match[5]) out.push(html`<em>${inline(body, ctx)}</em>`);
    else out.push(emoji(body));
    last = match.index + whole.length;
  }
  if (last < text.length) out.push(decode(text.slice(last)));
  return out;
}

/** mrkdwn → Preact nodes: code blocks, quotes, line breaks, then inline formatting. */
export function mrkdwn(text, ctx = {}) {
  if (typeof text !== "string") return "";
  return text.split(/```/).map((part, i) => {
    if (i % 2 === 1) return html`<pre>${decode(part)}</pre>`;
    return part.split("\n").map((line, j) => {
      const quote = /^(?:&gt;|>)\s?(.*)$/.exec(line);
      const content = quote ? html`<blockquote>${inline(quote[1], ctx)}</blockquote>` : inline(line, ctx);
      return j === 0 ? content : [html`<br />`, content];
    });
  });
}

export function textObject(text, ctx) {
  if (!text) return "";
  if (text.type === "mrkdwn") return mrkdwn(text.text, ctx);
  return text.emoji === false ? text.text : text.text.replace(/:([a-z0-9_+-]+):/g, (_, name) => emoji(name));
}

function option(opt) {
  return { text: opt.text, value: opt.value };
}

function imageSource(element, ctx) {
  if (element.slack_file?.id) return `/files/${encodeURIComponent(element.slack_file.id)}`;
  const url = element.image_url ?? element.slack_file?.url;
  return safeUrl(url ?? "") && ctx.allowRemoteImages ? url : undefined;
}

function Image({ element, ctx, className }) {
  const src = imageSource(element, ctx);
  return src
    ? html`<img class=${className} src=${src} alt=${element.alt_text ?? ""} />`
    : html`<span class=${`${className} image-placeholder`} role="img" aria-label=${element.alt_text ?? "image"}
        >🖼 ${element.alt_text}</span
      >`;
}

/** An interactive element outside an input block (message, Home, modal actions). */
function Element({ element, block, ctx }) {
  const fire = (action) =>
    ctx.onAction?.({ type: element.type, action_id: element.action_id, block_id: block.block_id, ...action });
  switch (element.type) {
    case "button":
      return html`<button
        class=${`btn ${element.style ?? ""}`}
        type="button"
        onClick=${() => fire({ value: element.value, text: element.text })}
      >
        ${textObject(element.text, ctx)}
      </button>`;
    case "static_select":
    case "overflow": {
      const options = element.options ?? (element.option_groups ?? []).flatMap((g) => g.options);
      const label = element.type === "overflow" ? "More actions" : (element.placeholder?.text ?? "Choose");
      return html`<select
        aria-label=${label}
        onChange=${(e) => {
          const chosen = options.find((o) => o.value === e.currentTarget.value);
          if (chosen)
            fire(
              element.type === "overflow" ? { selected_option: option(chosen) } : { selected_option: option(chosen) },
            );
          e.currentTarget.value = "";
        }}
      >
        <option value="">${element.type === "overflow" ? "⋯" : label}</option>
        ${options.map((o) => html`<option value=${o.value}>${textObject(o.text, ctx)}</option>`)}
      </select>`;
    }
    case "users_select":
      return html`<select
        aria-label=${element.placeholder?.text ?? "Choose a person"}
        onChange=${(e) => fire({ selected_user: e.currentTarget.value })}
      >
        <option value="">${element.placeholder?.text ?? "Choose a person"}</option>
        ${(ctx.users ?? []).filter((u) => !u.is_bot).map((u) => html`<option value=${u.id}>${u.real_name ?? u.name}</option>`)}
      </select>`;
    case "datepicker":
      return html`<input
        type="date"
        aria-label=${element.placeholder?.text ?? "Date"}
        onChange=${(e) => fire({ selected_date: e.currentTarget.value })}
      />`;
    case "image":
      return html`<${Image} element=${element} ctx=${ctx} className="context-image" />`;
    default:
      return html`<span class="unsupported">[${element.type}]</span>`;
  }
}

function RichText({ block, ctx }) {
  const leaf = (el) => {
    if (el.type === "text") {
      let node = el.text;
      if (el.style?.code) node = html`<code>${node}</code>`;
      if (el.style?.bold) node = html`<strong>${node}</strong>`;
      if (el.style?.italic) node = html`<em>${node}</em>`;
      if (el.style?.strike) node = html`<s>${node}</s>`;
      return node;
    }
    if (el.type === "link")
      return safeUrl(el.url)
        ? html`<a href=${el.url} target="_blank" rel="noopener noreferrer">${el.text ?? el.url}</a>`
        : el.text;
    if (el.type === "user") return entity(`@${el.user_id}`, ctx);
    if (el.type === "channel") return entity(`#${el.channel_id}`, ctx);
    if (el.type === "emoji") return emoji(el.name);
    return "";
  };
  const section = (el) => {
    switch (el.type) {
      case "rich_text_section":
        return html`<p>${(el.elements ?? []).map(leaf)}</p>`;
      case "rich_text_quote":
        return html`<blockquote>${(el.elements ?? []).map(leaf)}</blockquote>`;
      case "rich_text_preformatted":
        return html`<pre>${(el.elements ?? []).map(leaf)}</pre>`;
      case "rich_text_list": {
        const items = (el.elements ?? []).map((item) => html`<li>${(item.elements ?? []).map(leaf)}</li>`);
        return el.style === "ordered"
          ? html`<ol>
              ${items}
            </ol>`
          : html`<ul>
              ${items}
            </ul>`;
      }
      default:
        return "";
    }
  };
  return html`<div class="rich-text">${(block.elements ?? []).map(section)}</div>`;
}

/** One block outside an input form. Input blocks are drawn by the modal (app.js). */
export function Block({ block, ctx }) {
  switch (block.type) {
    case "header":
      return html`<h3 class="block-header">${textObject(block.text, ctx)}</h3>`;
    case "section":
      return html`<div class="block-section">
        <div class="section-body">
          ${block.text ? html`<div class="section-text">${textObject(block.text, ctx)}</div>` : ""}
          ${block.fields ? html`<div class="section-fields">${block.fields.map((f) => html`<div>${textObject(f, ctx)}</div>`)}</div>` : ""}
        </div>
        ${block.accessory ? html`<div class="accessory"><${Element} element=${block.accessory} block=${block} ctx=${ctx} /></div>` : ""}
      </div>`;
    case "context":
      return html`<div class="block-context">
        ${(block.elements ?? []).map((e) =>
          e.type === "image"
            ? html`<${Element} element=${e} block=${block} ctx=${ctx} />`
            : html`<span>${textObject(e, ctx)}</span>`,
        )}
      </div>`;
    case "divider":
      return html`<hr class="block-divider" />`;
    case "image":
      return html`<figure class="block-image">
        ${block.title ? html`<figcaption>${textObject(block.title, ctx)}</figcaption>` : ""}
        <${Image} element=${block} ctx=${ctx} className="image" />
      </figure>`;
    case "actions":
      return html`<div class="block-actions">
        ${(block.elements ?? []).map((e) => html`<${Element} element=${e} block=${block} ctx=${ctx} />`)}
      </div>`;
    case "rich_text":
      return html`<${RichText} block=${block} ctx=${ctx} />`;
    case "markdown":
      return html`<div class="section-text">${mrkdwn(block.text, ctx)}</div>`;
    default:
      return html`<div class="unsupported">[${block.type} block]</div>`;
  }
}

export function Blocks({ blocks, ctx }) {
  return html`<div class="blocks">
    ${(blocks ?? []).map((block, i) => html`<${Block} key=${block.block_id ?? i} block=${{ ...block, block_id: block.block_id ?? `b${i}` }} ctx=${ctx} />`)}
  </div>`;
}
