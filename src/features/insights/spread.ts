// Recognition spread (managers' insights, next to "never recognised"): how concentrated
// recognition is — the share of what was received over 90 days that went to the top 10 % of
// recipients — and who has given none. Both count only active people who did not leave
// leaderboards (src/features/prefs): deactivated accounts and people who opted out are in
// neither the figures nor the names.
import type { TopLevelSpec } from "vega-lite";
import { clipAltText } from "../../slack/files.ts";
import { cutText, escapeMrkdwn } from "../../slack/text.ts";
import { RECOGNITION_DAYS, type ChartText, type InsightsData, type RecognitionSpread } from "./model.ts";

export const TOP_SHARE = 0.1;

/**
 * From each person's count of stories received (a story naming two people counts for each) and
 * who nominated anyone: the spread. `people` is the population (recognised or in the stories
 * channel); `givers` the ids who nominated in the period.
 */
export function recognitionSpread(
  people: Array<{ userId: string; name: string; count: number }>,
  givers: ReadonlySet<string>,
): RecognitionSpread {
  const recipients = people.filter((p) => p.count > 0).sort((a, b) => b.count - a.count);
  const received = recipients.reduce((sum, p) => sum + p.count, 0);
  const topRecipients = recipients.length === 0 ? 0 : Math.max(1, Math.ceil(recipients.length * TOP_SHARE));
  const topReceived = recipients.slice(0, topRecipients).reduce((sum, p) => sum + p.count, 0);
  const nonGivers = people.filter((p) => !givers.has(p.userId)).map((p) => p.name);
  nonGivers.sort((a, b) => a.localeCompare(b));
  return {
    recipients: recipients.length,
    received,
    topRecipients,
    topShare: received === 0 ? null : topReceived / received,
    population: people.length,
    nonGivers,
  };
}

const percent = (share: number) => `${Math.round(share * 100)}%`;

function names(list: string[], budget: number): string {
  if (list.length === 0) return "nobody";
  let text = "";
  let shown = 0;
  for (const name of list) {
    const next = shown === 0 ? name : `${text}, ${name}`;
    const left = list.length - shown - 1;
    if (next.length + (left > 0 ? ` and ${left} more`.length : 0) > budget && shown > 0) break;
    text = next;
    shown += 1;
  }
  return text + (list.length > shown ? ` and ${list.length - shown} more` : "");
}

export function spreadText(data: InsightsData): ChartText {
  const s = data.spread;
  const title = `Recognition spread — last ${RECOGNITION_DAYS} days`;
  const concentration =
    s.topShare === null
      ? `No stories were received in the last ${RECOGNITION_DAYS} days, so there is no spread to show.`
      : `The top 10% of recipients (${s.topRecipients} of ${s.recipients} ${s.recipients === 1 ? "person" : "people"}) received ${percent(s.topShare)} of the ${s.received} recognitions (a story naming two people counts for each); everyone else received ${percent(1 - s.topShare)}.`;
  const giving = `${s.nonGivers.length} of ${s.population} people nominated nobody in that time`;
  const opening = `Bar chart of recognition spread. ${concentration} ${giving}: `;
  const altText = clipAltText(`${opening}${names(s.nonGivers, 990 - opening.length)}.`);
  const clean = (name: string) => escapeMrkdwn(cutText(name.replace(/`/g, "'"), 28));
  const table = [
    "```",
    s.topShare === null
      ? "No stories received yet"
      : `Top 10% of recipients (${s.topRecipients})  ${percent(s.topShare)}\nEveryone else (${s.recipients - s.topRecipients})  ${percent(1 - s.topShare)}`,
    `Nominated nobody  ${s.nonGivers.length} of ${s.population}`,
    "```",
    s.nonGivers.length > 0 ? `Nominated nobody: ${names(s.nonGivers.map(clean), 900)}` : "",
  ]
    .filter(Boolean)
    .join("\n");
  return { kind: "spread", title, altText, table };
}

export function spreadSpec(data: InsightsData, config: Record<string, unknown>): TopLevelSpec {
  const s = data.spread;
  const rows = [
    ...(s.topShare === null
      ? []
      : [
          { what: `Received by the top 10% (${s.topRecipients})`, pct: Math.round(s.topShare * 100), colour: "top" },
          {
            what: `Received by everyone else (${s.recipients - s.topRecipients})`,
            pct: Math.round((1 - s.topShare) * 100),
            colour: "rest",
          },
        ]),
    {
      what: `Nominated nobody (${s.nonGivers.length} of ${s.population})`,
      pct: s.population === 0 ? 0 : Math.round((100 * s.nonGivers.length) / s.population),
      colour: "none",
    },
  ];
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: `Recognition spread — last ${RECOGNITION_DAYS} days`,
      subtitle: "Share of recognition received by the top 10% of recipients; people who nominated nobody",
    },
    width: 480,
    height: { step: 34 },
    data: { values: rows.map((r) => ({ ...r, label: `${r.pct}%` })) },
    encoding: {
      y: { field: "what", type: "nominal", sort: null, title: null },
      x: { field: "pct", type: "quantitative", title: "%", scale: { domain: [0, 100] } },
    },
    layer: [
      {
        mark: { type: "bar" },
        encoding: {
          color: {
            field: "colour",
            type: "nominal",
            legend: null,
            scale: { domain: ["top", "rest", "none"], range: ["#e45756", "#4c78a8", "#b0b0b0"] },
          },
        },
      },
      { mark: { type: "text", align: "left", dx: 4, fontSize: 11 }, encoding: { text: { field: "label" } } },
    ],
    config,
  };
}
