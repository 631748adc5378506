// The checks the outbox makes around a send: is an in-doubt message already in the channel
// (looked up by the key in its metadata), has Slack finished processing uploaded files, and
// the response_url post itself (an HTTP call, not the Web API). Each takes the workspace's
// client; none writes to the database.
import type { Logger, webApi } from "@slack/bolt";
import { RetryLater } from "../jobs/queue.ts";
import { waitUntilShown } from "./files.ts";
import type { ResponseUrlMessage } from "./outbox.ts";
import { classifyFailure } from "./write-failures.ts";

const LOOKUP_PAGES = 5;
/** How long an upload for blocks waits for Slack to process its files before the job is run again. */
const FILES_READY_TIMEOUT_MS = 12_000;
/** Without files:read, how long to wait instead of polling files.info. */
const FILES_BLIND_WAIT_MS = 3_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface PostedMessageQuery {
  channel: string;
  threadTs: string | undefined;
  key: string;
  since: Date;
}

/** The ts of a message we posted with this outbox key, if it is in the channel (or thread). */
export async function findPostedMessage(
  client: webApi.WebClient,
  logger: Logger,
  { channel, threadTs, key, since }: PostedMessageQuery,
): Promise<string | null> {
  const oldest = (since.getTime() / 1000).toFixed(6);
  const matches = (m: { metadata?: { event_payload?: unknown } }) =>
    (m.metadata?.event_payload as { outbox_key?: unknown } | undefined)?.outbox_key === key;
  try {
    let cursor: string | undefined;
    for (let page = 0; page < LOOKUP_PAGES; page++) {
      const found = threadTs
        ? await client.conversations.replies({
            channel,
            ts: threadTs,
            oldest,
            include_all_metadata: true,
            limit: 200,
            ...(cursor ? { cursor } : {}),
          })
        : await client.conversations.history({
            channel,
            oldest,
            include_all_metadata: true,
            limit: 200,
            ...(cursor ? { cursor } : {}),
          });
      const message = found.messages?.find(matches);
      if (message?.ts) return message.ts;
      cursor = found.response_metadata?.next_cursor || undefined;
      if (!found.has_more || !cursor) return null;
    }
    return null;
  } catch (error) {
    const failure = classifyFailure(error);
    if (failure.kind === "refused") {
      // We can't look (no history scope, say): posting again risks a repeat, never a loss.
      logger.warn(`Outbox: could not look for an in-doubt message in ${channel} (${failure.code}); sending it`);
      return null;
    }
    throw error;
  }
}

/** Posts to a response_url; failures are thrown shaped like the Web API's, for classifyFailure. */
export async function postToResponseUrl(
  doFetch: typeof fetch,
  responseUrl: string,
  message: ResponseUrlMessage,
): Promise<void> {
  const response = await doFetch(responseUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ response_type: "ephemeral", ...message }),
    signal: AbortSignal.timeout(10_000),
  });
  if (response.ok) return;
  if (response.status === 429) {
    throw Object.assign(new Error("response_url rate limited"), {
      code: "slack_webapi_rate_limited_error",
      retryAfter: Number(response.headers.get("retry-after")) || 1,
    });
  }
  throw Object.assign(new Error(`response_url answered ${response.status}`), {
    code: "slack_webapi_http_error",
    statusCode: response.status,
  });
}

/**
 * Whether Slack shows the uploaded files yet (files.info, polled for a few seconds). Without
 * the `files:read` scope (an older install) it can't tell: it waits a few seconds and says yes.
 */
export async function filesShown(
  client: webApi.WebClient,
  logger: Logger,
  fileIds: string[],
  channelId: string,
): Promise<boolean> {
  try {
    return await waitUntilShown(client, fileIds, channelId, FILES_READY_TIMEOUT_MS);
  } catch (error) {
    const failure = classifyFailure(error);
    if (failure.kind === "rate-limited") {
      throw new RetryLater(new Date(Date.now() + failure.retryAfterMs), "files.info rate-limited");
    }
    if (failure.kind === "refused") {
      logger.warn(
        `Outbox: files.info refused (${failure.code}); reinstall Delight from its manifest (files:read). Waiting instead.`,
      );
      await sleep(FILES_BLIND_WAIT_MS);
      return true;
    }
    return false;
  }
}
