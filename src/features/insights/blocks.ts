// Block Kit for insights: image blocks referencing the uploaded files (`slack_file`), each
// with alt text that states its data; or, when images can't be shown, the text tables.
import type { webApi } from "@slack/bolt";
import { context, section } from "../../slack/replies.ts";
import type { InsightsView } from "./model.ts";

type KnownBlock = webApi.KnownBlock;

export const NOT_A_MANAGER =
  ":bar_chart: Insights are for the people who approve recognition (Delight's managers), because they name who has and hasn't been recognised. Your own figures are in `/delight stats`; if you should see insights, ask a Delight admin to run `/delight-admin managers add @you`.";

export function insightsBlocks(view: InsightsView, options: { heading?: boolean } = {}): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  if (options.heading !== false) blocks.push({ type: "header", text: { type: "plain_text", text: "Insights" } });
  if (view.customerSignals) blocks.push(context(view.customerSignals));
  if (view.mode === "images") {
    view.charts.forEach((chart, i) => {
      const id = view.fileIds[i];
      if (!id) return;
      blocks.push({
        type: "image",
        slack_file: { id },
        alt_text: chart.altText,
        title: { type: "plain_text", text: chart.title },
      });
    });
    blocks.push(context("Updated once a day. The figures are in each image's description for screen readers."));
    return blocks;
  }
  for (const chart of view.charts) blocks.push(section(`*${chart.title}*\n${chart.table}`));
  blocks.push(context("Charts couldn't be shown here today, so these are their figures as tables."));
  return blocks;
}

/** For a manager's Home while today's charts are being made (a job publishes Home again after). */
export function insightsPendingBlocks(): KnownBlock[] {
  return [
    { type: "header", text: { type: "plain_text", text: "Insights" } },
    context(":hourglass_flowing_sand: Today's charts are being drawn; they appear here in a moment."),
  ];
}

export function insightsMessage(view: InsightsView): { text: string; blocks: KnownBlock[] } {
  return { text: `Delight insights: ${view.charts.map((c) => c.title).join("; ")}`, blocks: insightsBlocks(view) };
}
