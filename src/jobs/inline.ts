// TEMPORARY stand-in for the durable job queue and outbox (being built on main): runs each job
// right after it is enqueued, in process, and writes to Slack directly. Same interfaces as the
// real ones, so features can be written against them now.
import { randomUUID } from "node:crypto";
import type { Logger, webApi } from "@slack/bolt";
import type { z } from "zod";
import type { Outbox } from "../slack/outbox.ts";
import type { EnqueueOptions, EnqueueResult, JobHandler, JobQueue } from "./queue.ts";

export function createInlineOutbox(client: webApi.WebClient): Outbox {
  const done = new Map<string, unknown>();
  const once = async <T>(key: string, write: () => Promise<T>): Promise<T> => {
    if (done.has(key)) return done.get(key) as T;
    const result = await write();
    done.set(key, result);
    return result;
  };
  return {
    postMessage: (key, args) =>
      once(key, async () => {
        const r = await client.chat.postMessage(args);
        return { channel: r.channel ?? args.channel, ts: r.ts ?? "" };
      }),
    update: (key, args) => once(key, async () => void (await client.chat.update(args))),
    postEphemeral: (key, args) => once(key, async () => void (await client.chat.postEphemeral(args))),
    deleteMessage: (key, args) => once(key, async () => void (await client.chat.delete(args))),
    directMessage: (key, userId, message) =>
      once(key, async () => {
        const opened = await client.conversations.open({ users: userId });
        const channel = opened.channel?.id ?? "";
        const r = await client.chat.postMessage({ channel, ...message });
        return { channel, ts: r.ts ?? "" };
      }),
    publishView: (key, args) => once(key, async () => void (await client.views.publish(args))),
    addReaction: (key, args) => once(key, async () => void (await client.reactions.add(args))),
    respond: (key, responseUrl, message) =>
      once(key, async () => {
        await fetch(responseUrl, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ response_type: "ephemeral", ...message }),
        });
      }),
    uploadFiles: (key, args) =>
      once(key, async () => {
        const r = (await client.filesUploadV2({
          channel_id: args.channelId,
          thread_ts: args.threadTs,
          initial_comment: args.initialComment,
          file_uploads: args.files.map((f) => ({
            file: Buffer.from(f.content),
            filename: f.filename,
            title: f.title,
            alt_text: f.altText,
          })),
        })) as { files?: Array<{ files?: Array<{ id?: string }> }> };
        return { fileIds: (r.files ?? []).flatMap((f) => f.files ?? []).map((f) => f.id ?? "") };
      }),
  };
}

export function createInlineJobQueue(outbox: Outbox, logger: Logger): JobQueue & { idle(): Promise<void> } {
  const handlers = new Map<string, { schema: z.ZodType<unknown>; handler: JobHandler<unknown> }>();
  const keys = new Set<string>();
  const running = new Set<Promise<void>>();
  return {
    register(kind, schema, handler) {
      handlers.set(kind, { schema, handler: handler as JobHandler<unknown> });
    },
    async enqueue(kind: string, payload: unknown, options: EnqueueOptions = {}): Promise<EnqueueResult> {
      const key = options.key ?? randomUUID();
      if (keys.has(key)) return { id: key, created: false };
      keys.add(key);
      const entry = handlers.get(kind);
      if (!entry) throw new Error(`No handler registered for job kind ${kind}`);
      const run = (async () => {
        await new Promise((resolve) => setImmediate(resolve));
        try {
          await entry.handler(entry.schema.parse(payload), { jobId: key, key, attempt: 1, outbox });
        } catch (error) {
          logger.error(`Job ${kind} failed`, String(error));
        }
      })();
      running.add(run);
      void run.finally(() => running.delete(run));
      return { id: key, created: true };
    },
    async idle() {
      while (running.size > 0) await Promise.all(running);
    },
  };
}
