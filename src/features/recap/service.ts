// A review-season recap: the approved stories a person received in a range, with their
// customers, values and dates, as a message (the newest few) and a Markdown file (all of them).
import type { Db } from "../../db/database.ts";
import { nameIn, type DirectoryEntry } from "../../slack/directory.ts";
import { cutText, escapeMrkdwn, mentionUser, plainFromSlack } from "../../slack/text.ts";
import { context, section, type EphemeralMessage } from "../../slack/replies.ts";
import { isoDate } from "../export/files.ts";
import { plainStory } from "../export/service.ts";
import { DELIGHT_VALUES, isDelightValue, VALUE_EMOJI, VALUE_LABELS, type DelightValue } from "../nominations/parse.ts";

/** Stories a recap reads at most (ten years of weekly recognition is far fewer). */
export const RECAP_MAX_STORIES = 5_000;
/** Stories listed in the message; the file has them all. */
export const RECAP_SHOWN = 15;
/** Without a first day: the last 12 months. */
export const RECAP_DEFAULT_DAYS = 365;

export interface RecapStory {
  approvedAt: Date;
  customer: string | null;
  values: DelightValue[];
  /** Plain text, mentions as names. */
  story: string;
  nominator: string;
  approver: string;
}

export async function readRecap(
  prisma: Db,
  input: { teamId: string; userId: string; start: Date; end: Date; directory: Map<string, DirectoryEntry> },
): Promise<RecapStory[]> {
  const rows = await prisma.nomination.findMany({
    where: {
      teamId: input.teamId,
      status: "approved",
      nomineeIds: { has: input.userId },
      decidedAt: { gte: input.start, lte: input.end },
    },
    orderBy: [{ decidedAt: "asc" }, { id: "asc" }],
    take: RECAP_MAX_STORIES,
    select: {
      decidedAt: true,
      customer: true,
      values: true,
      story: true,
      nominatorId: true,
      nominatedBy: true,
      decidedBy: true,
    },
  });
  return rows.map((r) => ({
    approvedAt: r.decidedAt ?? new Date(0),
    customer: r.customer ? plainFromSlack(r.customer) : null,
    values: r.values.filter(isDelightValue),
    story: plainStory(r.story, input.directory),
    nominator: r.nominatedBy ?? nameIn(input.directory, r.nominatorId),
    approver: nameIn(input.directory, r.decidedBy),
  }));
}

function valueCounts(stories: RecapStory[]): Record<DelightValue, number> {
  const counts = Object.fromEntries(DELIGHT_VALUES.map((v) => [v, 0])) as Record<DelightValue, number>;
  for (const s of stories) for (const v of s.values) counts[v] += 1;
  return counts;
}

function customersOf(stories: RecapStory[]): string[] {
  return [...new Set(stories.flatMap((s) => (s.customer ? [s.customer] : [])))].sort((a, b) => a.localeCompare(b));
}

/** Markdown text: escapes what Markdown would read as formatting or HTML. */
const md = (text: string) => text.replace(/([\\`*_[\]<>#|])/g, "\\$1");

export function recapMarkdown(input: {
  personName: string;
  rangeLabel: string;
  timezone: string;
  stories: RecapStory[];
}): string {
  const { stories } = input;
  const counts = valueCounts(stories);
  const lines = [
    `# Delight recap: ${md(input.personName)}`,
    "",
    `Approved stories received, ${md(input.rangeLabel)} (dates in ${input.timezone}).`,
    "",
    `- Stories: ${stories.length}`,
    `- Values: ${DELIGHT_VALUES.map((v) => `${VALUE_LABELS[v]} ${counts[v]}`).join(", ")}`,
    `- Customers: ${customersOf(stories).map(md).join(", ") || "none named"}`,
    "",
  ];
  for (const s of stories) {
    lines.push(
      `## ${isoDate(s.approvedAt, input.timezone)}${s.customer ? ` — ${md(s.customer)}` : ""}`,
      "",
      `Values: ${s.values.map((v) => VALUE_LABELS[v]).join(", ") || "none tagged"} · nominated by ${md(s.nominator)} · approved by ${md(s.approver)}`,
      "",
      ...s.story.split("\n").map((l) => `> ${md(l)}`),
      "",
    );
  }
  if (stories.length === 0) lines.push("No approved stories in this range.", "");
  return lines.join("\n");
}

export function recapMessage(input: {
  userId: string;
  self: boolean;
  rangeLabel: string;
  timezone: string;
  stories: RecapStory[];
  fileSent: boolean;
}): EphemeralMessage {
  const { stories } = input;
  const who = input.self ? "You" : mentionUser(input.userId);
  const heading = `*Delight recap* — ${input.rangeLabel}: ${who} received *${stories.length}* approved ${stories.length === 1 ? "story" : "stories"}.`;
  if (stories.length === 0) {
    return {
      text: heading.replace(/\*/g, ""),
      blocks: [section(heading), context("Try a longer range, such as `/delight recap 2025-01-01`.")],
    };
  }
  const counts = valueCounts(stories);
  const customers = customersOf(stories);
  const newest = stories.slice(-RECAP_SHOWN).reverse();
  const list = newest
    .map(
      (s) =>
        `• *${isoDate(s.approvedAt, input.timezone)}*${s.customer ? ` · ${escapeMrkdwn(cutText(s.customer, 80))}` : ""} · ${s.values.map((v) => VALUE_EMOJI[v]).join(" ") || "no values"} — ${escapeMrkdwn(cutText(s.story.replace(/\s+/g, " "), 140))}`,
    )
    .join("\n");
  return {
    text: heading.replace(/\*/g, ""),
    blocks: [
      section(heading),
      section(
        `${DELIGHT_VALUES.map((v) => `${VALUE_EMOJI[v]} ${VALUE_LABELS[v]} ${counts[v]}`).join("  ·  ")}\n*Customers:* ${escapeMrkdwn(cutText(customers.join(", "), 1200)) || "none named"}`,
      ),
      section(cutText(`${stories.length > RECAP_SHOWN ? `*The newest ${RECAP_SHOWN}:*\n` : ""}${list}`, 2900)),
      context(
        input.fileSent
          ? `The full recap, every story in full, is in our DM as a Markdown file. Dates in ${input.timezone}.`
          : `Dates in ${input.timezone}. I couldn't send the Markdown file just now; ask again in a minute.`,
      ),
    ],
  };
}
