// Block Kit for the digest: `renderDigest` is the one builder behind the scheduled post,
// `/delight-admin digest send` and `/delight digest preview`, so a preview is exactly what
// the channel gets. It stays within Slack's limits (50 blocks, 3,000 characters a section,
// 150 a header) however big the week, ending with "and N more stories" when it has to.
import type { webApi } from "@slack/bolt";
import { withoutLinks } from "../../ai/redact.ts";
import { context, section, SECTION_TEXT_LIMIT, truncateMrkdwn } from "../../slack/replies.ts";
import { escapeMrkdwn, mentionChannel, mentionUser } from "../../slack/text.ts";
import { dumbRulesDigestBlocks } from "../dumbrules/blocks.ts";
import { themesDigestBlocks } from "../holdingback/blocks.ts";
import { formatValues, listPeople, storyPreview } from "../nominations/blocks.ts";
import { customerSignalsLine } from "../nudges/figures.ts";
import { DELIGHT_VALUES, VALUE_EMOJI, VALUE_LABELS } from "../nominations/parse.ts";
import type { DigestData, DigestStory, WeeklySlot } from "./model.ts";
import { shortDate, slotLabel } from "./schedule.ts";
import { WEEKDAY_NAMES } from "../admin/parse.ts";

type KnownBlock = webApi.KnownBlock;

export interface DigestMessage {
  text: string;
  blocks: KnownBlock[];
}

export const MAX_BLOCKS = 50;
export const HEADER_LIMIT = 150;
/** A phone-sized read; the rest are one `/delight stories` away. */
export const MAX_STORIES_SHOWN = 40;
const EXCERPT_LENGTH = 280;
const MAX_APPROVERS_SHOWN = 15;
/** Blocks around the stories: header, intro, numbers, approvers, divider, "and N more", footer. */
const FRAME_BLOCKS = 7;

export const BROWSE_HINT = "`/delight stories last 7 days`";
export const NOMINATE_HINT = "`/delight @colleague what they did for the customer #delight`";

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function periodLabel(data: Pick<DigestData, "period" | "timezone">): string {
  return `${shortDate(data.period.start, data.timezone)} – ${shortDate(data.period.end, data.timezone)}`;
}

/** The intro when there is no model answer: warm, factual, never empty. */
export function templateIntro(data: DigestData): string {
  if (data.storyCount === 0) {
    return ":seedling: A quiet week: no delight stories were approved. Somebody surely went the extra mile for a customer — if you saw it, tell the team.";
  }
  const people = new Set(data.stories.flatMap((s) => s.nomineeIds)).size;
  const top = DELIGHT_VALUES.filter((v) => data.valueCounts[v] > 0).sort(
    (a, b) => data.valueCounts[b] - data.valueCounts[a],
  )[0];
  const theme = top ? ` The value that shows most: *${VALUE_LABELS[top]}*.` : "";
  const recognising =
    data.storyCount === data.stories.length && people > 0
      ? `, recognising ${plural(people, "colleague", "colleagues")}`
      : "";
  return `:sparkles: *${plural(data.storyCount, "delight story", "delight stories")}* this week${recognising}.${theme} Read one, and borrow the idea for your next customer.`;
}

function numbers(data: DigestData): string {
  const values = DELIGHT_VALUES.map((v) => `${VALUE_EMOJI[v]} ${VALUE_LABELS[v]} *${data.valueCounts[v]}*`).join(
    "  ·  ",
  );
  const r = data.recoveries;
  const share = r.fixed > 0 ? `, *${Math.round((100 * r.fixedOnTime) / r.fixed)}%* within the deadline` : "";
  const lines = [
    `*The week in numbers*`,
    `:star2: Stories approved: *${data.storyCount}*`,
    values,
    `:arrows_counterclockwise: Recoveries (OOPS → WOW): *${r.opened}* opened, *${r.fixed}* fixed${share}`,
    `:gift: Surprises delivered: *${r.surprisesDelivered}*`,
  ];
  const signals = customerSignalsLine(data.customerSignals);
  if (signals) lines.push(signals);
  return lines.join("\n");
}

function approversLine(data: DigestData): string | null {
  if (data.approvers.length === 0) return null;
  const shown = data.approvers.slice(0, MAX_APPROVERS_SHOWN).map((a) => `${mentionUser(a.userId)} (${a.count})`);
  const more = data.approvers.length - shown.length;
  return `:white_check_mark: Approved by ${shown.join(", ")}${more > 0 ? ` and ${more} more` : ""} — thank you for making recognition visible.`;
}

function safePermalink(link: string | null): string | null {
  return link && /^https:\/\/[^\s<>|]+$/i.test(link) ? link : null;
}

export function storySection(story: DigestStory): KnownBlock {
  const who = `*${listPeople(story.nomineeIds)}*`;
  const customer = story.customer ? ` for _${escapeMrkdwn(story.customer)}_` : "";
  const values = story.values.length > 0 ? `  ·  ${formatValues(story.values)}` : "";
  const excerpt = storyPreview(story.story, EXCERPT_LENGTH)
    .split("\n")
    .map((line) => `>${line}`)
    .join("\n");
  const link = safePermalink(story.permalink);
  const credits = [
    `Nominated by ${mentionUser(story.nominatorId)}`,
    story.decidedBy ? `approved by ${mentionUser(story.decidedBy)}` : null,
    link ? `<${link}|Full story>` : null,
  ]
    .filter(Boolean)
    .join(" · ");
  return section(truncateMrkdwn(`${who}${customer}${values}\n${excerpt}\n${credits}`, SECTION_TEXT_LIMIT));
}

export function renderDigest(data: DigestData): DigestMessage {
  const period = periodLabel(data);
  const title = `Delight digest · ${period}`;
  const blocks: KnownBlock[] = [
    { type: "header", text: { type: "plain_text", text: title.slice(0, HEADER_LIMIT), emoji: true } },
    section(
      truncateMrkdwn(data.intro ? escapeMrkdwn(withoutLinks(data.intro)) : templateIntro(data), SECTION_TEXT_LIMIT),
    ),
    section(numbers(data)),
  ];
  const approvers = approversLine(data);
  if (approvers) blocks.push(context(truncateMrkdwn(approvers, SECTION_TEXT_LIMIT)));
  // Front-line voice: one section each at most, so the stories keep their room.
  const voice = [...dumbRulesDigestBlocks(data.dumbRules), ...themesDigestBlocks(data.holdingBack)];
  blocks.push(...voice);

  if (data.storyCount === 0) {
    blocks.push(
      section(
        `*Be the first next week.* When a colleague listens, empathizes, pays attention or turns an OOPS into a WOW, nominate them: ${NOMINATE_HINT}. A manager approves it and it's in the next digest.`,
      ),
    );
    return { text: `${title}: a quiet week — nominate a colleague with /delight`, blocks };
  }

  blocks.push({ type: "divider" });
  const room = Math.min(MAX_STORIES_SHOWN, MAX_BLOCKS - FRAME_BLOCKS - voice.length, data.stories.length);
  const shown = data.stories.slice(0, room);
  for (const story of shown) blocks.push(storySection(story));
  const more = data.storyCount - shown.length;
  if (more > 0) {
    blocks.push(
      section(`…and *${plural(more, "more story", "more stories")}* this week. Browse them all with ${BROWSE_HINT}.`),
    );
  }
  blocks.push(context(`Seen a customer delighted? Nominate the colleague behind it: ${NOMINATE_HINT}`));
  return { text: `${title}: ${plural(data.storyCount, "story", "stories")} of customers delighted`, blocks };
}

export function formatSlot(slot: WeeklySlot): string {
  const time = `${String(slot.hour).padStart(2, "0")}:${String(slot.minute).padStart(2, "0")}`;
  return `every ${WEEKDAY_NAMES[slot.weekday]} at ${time} (${slot.timezone})`;
}

/** `/delight-admin digest list`: each channel's schedule and its next run in its own time. */
export function renderDigestList(
  schedules: Array<WeeklySlot & { channelId: string; next: Date; lastPostedAt: Date | null }>,
): DigestMessage {
  if (schedules.length === 0) {
    const text =
      "No weekly digests are scheduled. Add one with `/delight-admin digest add #channel friday 16:00 Europe/Paris` (timezone optional).";
    return { text, blocks: [section(text)] };
  }
  const lines = schedules.map((s) => {
    const last = s.lastPostedAt ? ` · last posted ${slotLabel(s.lastPostedAt, s.timezone)}` : "";
    return `• ${mentionChannel(s.channelId)} ${formatSlot(s)} — next: *${slotLabel(s.next, s.timezone)}*${last}`;
  });
  const text = `*Weekly digests* (${schedules.length})\n${lines.join("\n")}`;
  return {
    text: `Weekly digests: ${schedules.length}`,
    blocks: [
      section(truncateMrkdwn(text, SECTION_TEXT_LIMIT)),
      context("`/delight-admin digest send #channel` posts one now; `/delight digest preview` shows it to you first."),
    ],
  };
}
