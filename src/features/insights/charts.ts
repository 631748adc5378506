// The three charts: their words (title, alt text stating the data, a text table) and their
// pictures, drawn server-side: a Vega-Lite spec → Vega → SVG → PNG with resvg. Text needs a
// font: resvg gets Open Sans from an npm package (so it renders the same on a bare
// container) plus the machine's fonts for anything Open Sans lacks.
import { createRequire } from "node:module";
import type { TopLevelSpec } from "vega-lite";
import { ALT_TXT_LIMIT, clipAltText } from "../../slack/files.ts";
import { cutText, escapeMrkdwn } from "../../slack/text.ts";
import { DELIGHT_VALUES, VALUE_LABELS } from "../nominations/parse.ts";
import { spreadSpec, spreadText } from "./spread.ts";
import { RECOGNITION_DAYS, RECOVERY_WEEKS, type ChartText, type InsightsData, type RenderedChart } from "./model.ts";

/**
 * Alt text is sent twice: with the upload (files.getUploadURLExternal's `alt_txt`, at most
 * 1,000 characters) and in the image block (at most 2,000): the same words, within 1,000.
 */
export const ALT_TEXT_LIMIT = ALT_TXT_LIMIT;
const MAX_PEOPLE_CHARTED = 40;
const MAX_TABLE_ROWS = 25;
const FONT_FAMILY = "Open Sans";

/** "Alice 5, Bob 2 and 38 more" within `budget` characters: whole items, then how many are left out. */
export function listWithin(items: string[], budget: number, empty = "nobody"): string {
  if (items.length === 0) return empty;
  const more = (left: number) => (left > 0 ? ` and ${left} more` : "");
  let text = items[0] ?? "";
  let shown = 1;
  for (; shown < items.length; shown++) {
    const next = `${text}, ${items[shown]}`;
    if (next.length + more(items.length - shown - 1).length > budget) break;
    text = next;
  }
  return text + more(items.length - shown);
}

const pct = (onTime: number, fixed: number) => Math.round((100 * onTime) / fixed);

function shortWeek(isoDay: string): string {
  return new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" }).format(
    new Date(`${isoDay}T00:00:00Z`),
  );
}

/** A monospace table for mrkdwn (names escaped, backticks removed so the block can't break). */
function table(rows: Array<[string, string]>, heading: [string, string]): string {
  const clean = (s: string) => escapeMrkdwn(s.replace(/`/g, "'"));
  const all = [heading, ...rows].map(([a, b]) => [clean(cutText(a, 28)), b] as const);
  const width = Math.max(...all.map(([a]) => a.length));
  return "```\n" + all.map(([a, b]) => `${a.padEnd(width)}  ${b}`).join("\n") + "\n```";
}

/** The people charted: the most recognised and then the never recognised, at most 40 in all. */
function chartedPeople(data: InsightsData) {
  const recognised = data.people.filter((p) => p.count > 0);
  const never = data.people.filter((p) => p.count === 0);
  const neverShown = Math.min(never.length, Math.max(MAX_PEOPLE_CHARTED - recognised.length, 15));
  const shown = [...recognised.slice(0, MAX_PEOPLE_CHARTED - neverShown), ...never.slice(0, neverShown)];
  return { shown, recognised, never };
}

export function chartTexts(data: InsightsData): ChartText[] {
  const { recognised, never } = chartedPeople(data);
  const channel = data.storiesChannelId && data.membersRead ? "the stories channel" : null;
  const opening = `Bar chart of approved delight stories per person over the last ${RECOGNITION_DAYS} days: `;
  const neverOpening = ` Never recognised in that time, of the ${data.people.length} people in ${channel} or recognised: `;
  const noMembers = " No stories channel members could be read, so people never recognised are not listed.";
  // Both lists share the room left, each cut at a whole name with "and N more".
  const room = ALT_TEXT_LIMIT - opening.length - (channel ? neverOpening.length : noMembers.length) - 2;
  const recognisedWords = listWithin(
    recognised.map((p) => `${p.name} ${p.count}`),
    channel ? Math.floor(room / 2) : room,
  );
  const peopleWords =
    data.people.length === 0
      ? `Nobody was recognised in the last ${RECOGNITION_DAYS} days${channel ? " and the stories channel has no members" : ""}.`
      : `${recognisedWords}.` +
        (channel
          ? `${neverOpening}${listWithin(
              never.map((p) => p.name),
              room - recognisedWords.length,
            )}.`
          : noMembers);
  const recognition: ChartText = {
    kind: "recognition",
    title: `Recognition per person — last ${RECOGNITION_DAYS} days`,
    altText: clipAltText(`${opening}${peopleWords}`),
    table:
      table(
        data.people.slice(0, MAX_TABLE_ROWS).map((p) => [p.name, p.count === 0 ? "0 (never)" : String(p.count)]),
        ["Person", "Stories"],
      ) + (data.people.length > MAX_TABLE_ROWS ? `\n…and ${data.people.length - MAX_TABLE_ROWS} more.` : ""),
  };

  const weekWords = data.weeks
    .map(
      (w) =>
        `week of ${w.weekStart}: ${w.fixed === 0 ? "no recoveries fixed" : `${pct(w.onTime, w.fixed)}% (${w.onTime} of ${w.fixed})`}`,
    )
    .join("; ");
  const recovery: ChartText = {
    kind: "recovery",
    title: `Recoveries fixed within the deadline — per week, last ${RECOVERY_WEEKS} weeks`,
    altText: clipAltText(
      `Bar chart of the share of service recoveries fixed within their deadline, per week (weeks start on Monday, UTC), over the last ${RECOVERY_WEEKS} weeks: ${weekWords}.`,
    ),
    table: table(
      data.weeks.map((w) => [
        `Week of ${shortWeek(w.weekStart)}`,
        w.fixed === 0 ? "–" : `${pct(w.onTime, w.fixed)}% (${w.onTime}/${w.fixed})`,
      ]),
      ["Week", "On time"],
    ),
  };

  const values: ChartText = {
    kind: "values",
    title: `Values in approved stories — last ${RECOGNITION_DAYS} days`,
    altText: clipAltText(
      `Bar chart of the value tags on approved stories over the last ${RECOGNITION_DAYS} days: ${DELIGHT_VALUES.map((v) => `${VALUE_LABELS[v]} ${data.values[v]}`).join(", ")}.`,
    ),
    table: table(
      DELIGHT_VALUES.map((v) => [VALUE_LABELS[v], String(data.values[v])]),
      ["Value", "Stories"],
    ),
  };
  // The spread sits next to "never recognised" (the recognition chart).
  return [recognition, spreadText(data), recovery, values];
}

const BASE_CONFIG = {
  font: FONT_FAMILY,
  background: "white",
  padding: 12,
  title: { fontSize: 15, anchor: "start" as const, offset: 10 },
  axis: { labelFontSize: 11, titleFontSize: 11, labelLimit: 180 },
  view: { stroke: null },
};

export function recognitionSpec(data: InsightsData): TopLevelSpec {
  const { shown } = chartedPeople(data);
  const seen = new Map<string, number>();
  const rows = shown.map((p) => {
    // Two people with one display name must stay two bars.
    const n = (seen.get(p.name) ?? 0) + 1;
    seen.set(p.name, n);
    return {
      name: n > 1 ? `${p.name} (${n})` : p.name,
      count: p.count,
      label: p.count === 0 ? "0 — never recognised" : String(p.count),
    };
  });
  const hidden = data.people.length - shown.length;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: `Recognition per person — last ${RECOGNITION_DAYS} days`,
      subtitle:
        hidden > 0 ? `${shown.length} of ${data.people.length} people shown` : "Approved stories naming each person",
    },
    width: 520,
    height: { step: 20 },
    data: { values: rows.length > 0 ? rows : [{ name: "Nobody yet", count: 0, label: "0" }] },
    encoding: {
      y: { field: "name", type: "nominal", sort: null, title: null },
      x: {
        field: "count",
        type: "quantitative",
        title: "approved stories",
        axis: { tickMinStep: 1, format: "d" },
        scale: { domainMin: 0, nice: true },
      },
    },
    layer: [
      { mark: { type: "bar", color: "#4c78a8", cornerRadiusEnd: 2 } },
      {
        mark: { type: "text", align: "left", dx: 4, fontSize: 11 },
        encoding: {
          text: { field: "label" },
          color: { condition: { test: "datum.count == 0", value: "#c0392b" }, value: "#333333" },
        },
      },
    ],
    config: BASE_CONFIG,
  };
}

export function recoverySpec(data: InsightsData): TopLevelSpec {
  const rows = data.weeks.map((w) => ({
    week: shortWeek(w.weekStart),
    rate: w.fixed === 0 ? null : pct(w.onTime, w.fixed),
    label: w.fixed === 0 ? "none" : `${pct(w.onTime, w.fixed)}% (${w.onTime}/${w.fixed})`,
  }));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: `Recoveries fixed within the deadline — last ${RECOVERY_WEEKS} weeks`,
      subtitle: "Share of the week's fixed OOPS cases that met their deadline (weeks from Monday, UTC)",
    },
    width: 620,
    height: 240,
    data: { values: rows },
    encoding: {
      // Every week in order, including weeks without a bar.
      x: {
        field: "week",
        type: "ordinal",
        sort: null,
        title: "week of",
        axis: { labelAngle: 0 },
        scale: { domain: rows.map((r) => r.week) },
      },
    },
    layer: [
      {
        mark: { type: "bar", color: "#59a14f" },
        encoding: {
          y: { field: "rate", type: "quantitative", title: "on time (%)", scale: { domain: [0, 100] } },
        },
      },
      {
        transform: [{ calculate: "datum.rate == null ? 0 : datum.rate", as: "labelY" }],
        mark: { type: "text", dy: -8, fontSize: 10 },
        encoding: {
          y: { field: "labelY", type: "quantitative" },
          text: { field: "label" },
        },
      },
    ],
    config: BASE_CONFIG,
  };
}

export function valuesSpec(data: InsightsData): TopLevelSpec {
  const colours = ["#4c78a8", "#f58518", "#e45756", "#b279a2", "#59a14f"];
  const rows = DELIGHT_VALUES.map((v) => ({ value: VALUE_LABELS[v], count: data.values[v] }));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: `Values in approved stories — last ${RECOGNITION_DAYS} days`,
      subtitle: "L.E.A.D. and Recovery tags",
    },
    width: 480,
    height: 220,
    data: { values: rows },
    encoding: {
      x: { field: "value", type: "nominal", sort: null, title: null, axis: { labelAngle: 0 } },
      y: { field: "count", type: "quantitative", title: "stories", axis: { tickMinStep: 1, format: "d" } },
    },
    layer: [
      {
        mark: { type: "bar" },
        encoding: {
          color: {
            field: "value",
            type: "nominal",
            legend: null,
            scale: { domain: rows.map((r) => r.value), range: colours },
          },
        },
      },
      { mark: { type: "text", dy: -8, fontSize: 11 }, encoding: { text: { field: "count" } } },
    ],
    config: BASE_CONFIG,
  };
}

const require = createRequire(import.meta.url);
let fontFiles: string[] | undefined;
function bundledFonts(): string[] {
  fontFiles ??= ["400Regular/OpenSans_400Regular.ttf", "700Bold/OpenSans_700Bold.ttf"].flatMap((file) => {
    try {
      return [require.resolve(`@expo-google-fonts/open-sans/${file}`)];
    } catch {
      return [];
    }
  });
  return fontFiles;
}

/** Vega-Lite → SVG → PNG (2× for sharp text on high-density screens). Loaded on first use. */
export async function renderPng(spec: TopLevelSpec): Promise<Buffer> {
  const [vega, vegaLite, { renderAsync }] = await Promise.all([
    import("vega"),
    import("vega-lite"),
    import("@resvg/resvg-js"),
  ]);
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: "none" });
  try {
    const svg = await view.toSVG(2);
    // Rasterised on libuv's thread pool: font loading and drawing take hundreds of
    // milliseconds, which would otherwise hold up every ack on the event loop.
    const image = await renderAsync(svg, {
      background: "white",
      font: { fontFiles: bundledFonts(), loadSystemFonts: true, defaultFontFamily: FONT_FAMILY },
    });
    return image.asPng();
  } finally {
    view.finalize();
  }
}

/** The charts, drawn. Throws if drawing fails (the caller shows the text tables). */
export async function renderCharts(data: InsightsData, texts = chartTexts(data)): Promise<RenderedChart[]> {
  const specs = {
    recognition: recognitionSpec,
    spread: (d: InsightsData) => spreadSpec(d, BASE_CONFIG),
    recovery: recoverySpec,
    values: valuesSpec,
  };
  const charts: RenderedChart[] = [];
  for (const text of texts) charts.push({ ...text, png: await renderPng(specs[text.kind](data)) });
  return charts;
}
