// Files to Slack: the three steps of an external upload, with each image's alt text, and
// waiting until Slack has processed the files before a block shows one (`slack_file`).
//
// Alt text: files.getUploadURLExternal documents `alt_txt` (at most 1,000 characters, else
// alt_txt_too_large). @slack/web-api 8's filesUploadV2 sends it as `alt_text`, an argument
// Slack does not document (WebClient.fetchAllUploadURLExternal builds the arguments itself,
// so `alt_txt` cannot be passed through it): the steps are done here instead.
//
// Readiness: files.completeUploadExternal shares the files asynchronously, and an image block
// referencing one too early is refused ("invalid slack file", python-slack-sdk #1521). Slack's
// maintainers advise polling files.info (bolt-js #2115; node-slack-sdk #1865); a file not yet
// processed shows an empty `mimetype` and empty `shares` there (java-slack-sdk #1349).
import type { webApi } from "@slack/bolt";

/** Slack's limit for `alt_txt` (files.getUploadURLExternal). */
export const ALT_TXT_LIMIT = 1000;

export interface UploadFile {
  filename: string;
  content: Buffer;
  title?: string;
  altText?: string;
}

const CONTENT_TYPES: Record<string, string> = {
  png: "image/png",
  csv: "text/csv; charset=utf-8",
  md: "text/markdown; charset=utf-8",
};

/** Uploads the files and shares them in one message in `channelId`; resolves with their ids. */
export async function uploadExternal(
  client: webApi.WebClient,
  args: { channelId: string; threadTs?: string; initialComment?: string; files: UploadFile[] },
  fetchImpl: typeof fetch = fetch,
): Promise<{ fileIds: string[] }> {
  const uploaded: Array<{ id: string; title?: string }> = [];
  for (const file of args.files) {
    const altTxt = file.altText ? clipAltText(file.altText) : undefined;
    const target = (await client.apiCall("files.getUploadURLExternal", {
      filename: file.filename,
      length: file.content.length,
      ...(altTxt ? { alt_txt: altTxt } : {}),
    })) as { upload_url?: string; file_id?: string };
    if (!target.upload_url || !target.file_id) throw new Error("files.getUploadURLExternal returned no upload URL");
    const response = await fetchImpl(target.upload_url, {
      method: "POST",
      headers: {
        "content-type": CONTENT_TYPES[file.filename.split(".").pop() ?? ""] ?? "application/octet-stream",
      },
      body: file.content,
      signal: AbortSignal.timeout(30_000),
    });
    if (!response.ok) {
      throw Object.assign(new Error(`The upload URL answered ${response.status}`), {
        code: "slack_webapi_http_error",
        statusCode: response.status >= 500 ? response.status : 503,
      });
    }
    uploaded.push({ id: target.file_id, ...(file.title ? { title: file.title } : {}) });
  }
  await client.files.completeUploadExternal({
    files: uploaded as [{ id: string; title?: string }],
    channel_id: args.channelId,
    ...(args.threadTs ? { thread_ts: args.threadTs } : {}),
    ...(args.initialComment ? { initial_comment: args.initialComment } : {}),
  });
  return { fileIds: uploaded.map((f) => f.id) };
}

/** Alt text cut to Slack's 1,000 characters at a word, with an ellipsis (callers write shorter). */
export function clipAltText(text: string): string {
  if (text.length <= ALT_TXT_LIMIT) return text;
  const cut = text.slice(0, ALT_TXT_LIMIT - 1);
  const space = cut.lastIndexOf(" ");
  return `${space > ALT_TXT_LIMIT - 100 ? cut.slice(0, space) : cut}…`;
}

interface FileInfo {
  mimetype?: string;
  shares?: Record<string, Record<string, unknown> | undefined>;
}

/** Processed, and (when a channel is given) shared there: an image block may show it now. */
export function isShown(file: FileInfo | undefined, channelId?: string): boolean {
  if (!file?.mimetype) return false;
  if (!channelId) return true;
  return Object.values(file.shares ?? {}).some((byChannel) => Boolean(byChannel?.[channelId]));
}

/** Waits between two files.info polls: 250 ms, then doubling up to 2 s. */
const POLL_MS = [250, 500, 1000, 2000];

/**
 * Polls files.info until every file is shown in `channelId`, for at most `timeoutMs`. True
 * when they all are; false when the time ran out. Errors (a 429, a missing `files:read`)
 * are thrown to the caller.
 */
export async function waitUntilShown(
  client: webApi.WebClient,
  fileIds: string[],
  channelId: string,
  timeoutMs: number,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(fileIds);
  for (let poll = 0; ; poll++) {
    for (const id of [...pending]) {
      const { file } = (await client.files.info({ file: id })) as { file?: FileInfo };
      if (isShown(file, channelId)) pending.delete(id);
    }
    if (pending.size === 0) return true;
    const wait = POLL_MS[Math.min(poll, POLL_MS.length - 1)] ?? 2000;
    if (Date.now() + wait > deadline) return false;
    await sleep(wait);
  }
}
