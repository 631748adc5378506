// The export job: reads the range's stories from the database (paged), builds the CSV and
// the story book, and uploads both to the admin's DM with files.uploadV2 through the outbox.
//
// Idempotent: the range is fixed by the request (its `at`), so a retry builds the same files,
// and the upload's outbox key makes it happen once (a retry after the upload gets the stored
// answer). The files themselves are never stored: the outbox row records only their names
// and sizes, and a retry rebuilds them from the database — cheaper than keeping megabytes
// in a table row for the rare crash between building and uploading.
import type { AppDeps } from "../../deps.ts";
import type { SlackRouter } from "../../slack/router.ts";
import { directoryOf, ensureDirectory, type DirectoryEntry } from "../../slack/directory.ts";
import { SlackWriteRefused } from "../../slack/outbox.ts";
import { dmChannelOf } from "../../slack/dm.ts";
import { RetryLater } from "../../jobs/queue.ts";
import { isValidTimezone } from "../admin/parse.ts";
import { workspaceUrlOf } from "../digest/service.ts";
import { CsvWriter, isoDate, StoryBookWriter } from "./files.ts";
import { EXPORT_STORIES_JOB, exportStoriesPayload, type ExportStoriesPayload } from "./model.ts";
import { formatCalendarDate } from "./parse.ts";
import { countStories, exportRange, readStories, type ExportRange } from "./service.ts";

function rangeLabel(payload: ExportStoriesPayload, range: ExportRange, timezone: string): string {
  const from = payload.from ? formatCalendarDate(payload.from) : null;
  const to = isoDate(range.end, timezone);
  return from ? `${from} to ${to}` : `everything up to ${to}`;
}

export interface ExportFiles {
  csv: Buffer;
  storyBook: Buffer;
  rows: number;
  baseName: string;
  label: string;
}

/** Builds both files for a range (also used by the benchmark). */
export async function buildExportFiles(
  deps: Pick<AppDeps, "prisma">,
  input: {
    payload: ExportStoriesPayload;
    range: ExportRange;
    timezone: string;
    directory: Map<string, DirectoryEntry>;
    workspaceUrl: string | null;
  },
): Promise<ExportFiles> {
  const { range, timezone, directory, workspaceUrl } = input;
  const label = rangeLabel(input.payload, range, timezone);
  // One pass over the stories (read a page at a time) feeds both files.
  const csv = new CsvWriter(timezone);
  const book = new StoryBookWriter({
    title: "Delight story book",
    rangeLabel: `Approved stories, ${label} (${timezone})`,
    timezone,
  });
  for await (const story of readStories(deps.prisma, range, { directory, workspaceUrl })) {
    await csv.add(story);
    book.add(story);
  }
  const csvContent = await csv.finish();
  const storyBook = book.finish();
  const from = input.payload.from ? formatCalendarDate(input.payload.from) : "start";
  return {
    csv: csvContent,
    storyBook,
    rows: csv.rows,
    baseName: `delight-stories-${from}-to-${isoDate(range.end, timezone)}`,
    label,
  };
}

export function registerExportJobs(router: SlackRouter, deps: AppDeps): void {
  deps.jobs.register(EXPORT_STORIES_JOB, exportStoriesPayload, async (payload, { key, outbox }) => {
    const profileTz = (await deps.users.profile(payload.userId).catch(() => undefined))?.timezone;
    const timezone = profileTz && isValidTimezone(profileTz) ? profileTz : "UTC";
    const range = exportRange({ ...payload, at: new Date(payload.at) }, timezone);
    const total = await countStories(deps.prisma, range);
    const label = rangeLabel(payload, range, timezone);
    if (total === 0) {
      await outbox.respond(`${key}:empty`, payload.responseUrl, {
        text: `:open_file_folder: There are no approved stories for ${label}, so I didn't send any files. Try a longer range, for example \`/delight-admin export stories\` for everything.`,
      });
      return;
    }
    const [directory, workspaceUrl] = await Promise.all([
      ensureDirectory(deps, router.clientFor(payload.teamId), payload.teamId).then(
        () => directoryOf(deps.prisma, payload.teamId),
        (error: unknown) => {
          if (error instanceof RetryLater) throw error;
          // Names make the files readable; without them the files still have every story.
          deps.logger.warn("Export: could not read the workspace's people; using ids", String(error));
          return new Map<string, DirectoryEntry>();
        },
      ),
      workspaceUrlOf(router.clientFor(payload.teamId), payload.teamId),
    ]);
    const files = await buildExportFiles(deps, { payload, range, timezone, directory, workspaceUrl });
    const channelId = await dmChannelOf(router, payload.teamId, payload.userId);
    try {
      await outbox.uploadFiles(`${key}:files`, {
        channelId,
        initialComment: `Your Delight story export: ${files.rows} ${files.rows === 1 ? "story" : "stories"}, ${label}. The CSV opens in any spreadsheet; the story book (Markdown) groups them by value, ready to share as training material.`,
        files: [
          { filename: `${files.baseName}.csv`, title: `Delight stories (${label}).csv`, content: files.csv },
          { filename: `${files.baseName}.md`, title: `Delight story book (${label})`, content: files.storyBook },
        ],
      });
    } catch (error) {
      if (!(error instanceof SlackWriteRefused)) throw error;
      await outbox.respond(`${key}:refused`, payload.responseUrl, {
        text: `:warning: Slack refused the export files (${error.slackError}). Check that Delight has the \`files:write\` scope (reinstall the app from its manifest), then try \`/delight-admin export stories\` again.`,
      });
      return;
    }
    await outbox.respond(`${key}:done`, payload.responseUrl, {
      text: `:white_check_mark: Sent ${files.rows} ${files.rows === 1 ? "story" : "stories"} (${label}) to our DM: a CSV and a Markdown story book.`,
    });
  });
}
