// `/delight-admin import customers`: a form with a file_input for a CSV; on submit the file's
// reference is saved as a job (after the checks Slack's submission allows) and the form
// closes; the job downloads the file with the workspace's bot token, reads and applies it,
// and tells the admin by DM how many were added, updated and refused (with the first 20
// refused lines and why).
//
// Slack's file_input (docs.slack.dev/reference/block-kit/block-elements/file-input-element):
// in an input block only, `filetypes` and `max_files` (1–10), a 10 MB limit per file, the
// files:read scope; the view_submission's state value is `{ type: "file_input", files: [file
// objects] }` with `url_private_download`, fetched with `Authorization: Bearer <bot token>`
// (without it, or without files:read, Slack answers a sign-in page, not the file).
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import type { webApi } from "@slack/bolt";
import { z } from "zod";
import type { AppDeps } from "../../deps.ts";
import { botTokenOf } from "../../slack/clients.ts";
import type { SlackRouter } from "../../slack/router.ts";
import { SlackWriteRefused } from "../../slack/outbox.ts";
import { escapeMrkdwn } from "../../slack/text.ts";
import { applyCustomerImport, type ImportOutcome } from "./import-apply.ts";
import { IMPORT_COLUMNS, IMPORT_MAX_BYTES, IMPORT_MAX_ROWS, readCustomersCsv, REFUSALS_SHOWN } from "./import-csv.ts";

export const CUSTOMER_IMPORT_CALLBACK = "customers_import";
export const CUSTOMER_IMPORT_JOB = "customers.import";
const FILE_BLOCK = "csv_file";
const FILE_ACTION = "file";

export function customerImportModal(): webApi.ModalView {
  return {
    type: "modal",
    callback_id: CUSTOMER_IMPORT_CALLBACK,
    title: { type: "plain_text", text: "Import customers" },
    submit: { type: "plain_text", text: "Import" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: `A CSV with a header line naming its columns: ${IMPORT_COLUMNS.map((c) => `\`${c}\``).join(", ")} (only \`name\` or \`external_id\` is needed). \`interests\` are separated by \`;\`, dates are like 2026-12-05. Up to 5 MB and ${IMPORT_MAX_ROWS.toLocaleString("en")} rows.`,
        },
      },
      {
        type: "context",
        elements: [
          {
            type: "mrkdwn",
            text: "A customer is found by `external_id`, else by name; blank cells keep what Delight knows. Importing the same file again changes nothing.",
          },
        ],
      },
      {
        type: "input",
        block_id: FILE_BLOCK,
        label: { type: "plain_text", text: "CSV file" },
        element: { type: "file_input", action_id: FILE_ACTION, filetypes: ["csv"], max_files: 1 },
      },
    ],
  };
}

const slackFile = z.object({
  id: z.string(),
  name: z.string().nullish(),
  filetype: z.string().nullish(),
  size: z.number().nullish(),
  url_private_download: z.string().nullish(),
  url_private: z.string().nullish(),
});

const importPayload = z.object({
  teamId: z.string(),
  enterpriseId: z.string().nullable(),
  userId: z.string(),
  fileId: z.string(),
  fileName: z.string(),
  url: z.string(),
});
type ImportPayload = z.infer<typeof importPayload>;

/** Slack's checks are for convenience (the docs say so): the file is checked again here. */
function fileProblem(files: unknown): { problem: string } | { file: z.infer<typeof slackFile> } {
  const parsed = z.array(slackFile).safeParse(files);
  if (!parsed.success || parsed.data.length === 0) return { problem: "Choose a CSV file to import." };
  if (parsed.data.length > 1) return { problem: "Import one file at a time." };
  const [file] = parsed.data as [z.infer<typeof slackFile>];
  const name = file.name ?? "";
  if (file.filetype !== "csv" && !/\.csv$/i.test(name)) return { problem: "That is not a CSV file (.csv)." };
  if ((file.size ?? 0) > IMPORT_MAX_BYTES) return { problem: "The file is over 5 MB: split it into smaller files." };
  if (!(file.url_private_download ?? file.url_private)) return { problem: "Slack did not give the file's address." };
  return { file };
}

/**
 * The bot token goes only to Slack's own file hosts (or the host of SLACK_API_URL, such as
 * the sandbox's imitation), never to another address a payload might name.
 */
export function mayDownloadFrom(url: string, apiUrl: string | undefined): boolean {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return false;
  }
  if (apiUrl && new URL(apiUrl).origin === target.origin) return true;
  return target.protocol === "https:" && /(^|\.)(slack\.com|slack-gov\.com)$/.test(target.hostname);
}

export function renderImportOutcome(fileName: string, outcome: ImportOutcome): string {
  const { added, updated, unchanged, refused } = outcome;
  const lines = [
    `:white_check_mark: Customers imported from \`${escapeMrkdwn(fileName)}\`: *${added}* added, *${updated}* updated, ${unchanged} unchanged, *${refused.length}* refused.`,
  ];
  if (refused.length > 0) {
    lines.push(refused.length > REFUSALS_SHOWN ? `The first ${REFUSALS_SHOWN} refused:` : "Refused:");
    for (const r of refused.slice(0, REFUSALS_SHOWN)) lines.push(`• line ${r.line}: ${escapeMrkdwn(r.reason)}`);
    lines.push("Fix those lines and import the file again: rows already in are left as they are.");
  }
  return lines.join("\n");
}

type ImportDeps = Pick<AppDeps, "prisma" | "clock" | "jobs" | "roles" | "config" | "logger">;

async function download(
  deps: ImportDeps,
  router: SlackRouter,
  job: ImportPayload,
): Promise<{ ok: true; body: Readable } | { ok: false; problem: string }> {
  if (!mayDownloadFrom(job.url, deps.config.slack.apiUrl)) {
    return { ok: false, problem: "The file's address is not Slack's, so Delight did not fetch it." };
  }
  const token = await botTokenOf(router.clientFor(job.teamId), job.teamId);
  const response = await fetch(job.url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (response.status >= 500 || response.status === 429) {
    throw new Error(`Slack answered ${response.status} for a file download`);
  }
  const type = response.headers.get("content-type") ?? "";
  if (!response.ok || !response.body || type.includes("text/html")) {
    await response.body?.cancel();
    return {
      ok: false,
      problem:
        "Slack did not hand over the file (it sent a sign-in page). Delight needs the `files:read` scope: reinstall the app from its manifest, then import again.",
    };
  }
  return { ok: true, body: Readable.fromWeb(response.body as WebReadableStream<Uint8Array>) };
}

export function registerCustomerImport(router: SlackRouter, deps: ImportDeps): void {
  router.view(CUSTOMER_IMPORT_CALLBACK, async ({ ack, view, body }) => {
    const teamId = body.team?.id ?? body.user.team_id ?? "";
    const userId = body.user.id;
    // Checked again on submit: a form can outlive a permission, and a submission can be forged.
    if (!(await deps.roles.isAdmin(teamId, userId).catch(() => false))) {
      await ack({
        response_action: "errors",
        errors: { [FILE_BLOCK]: "Only Slack workspace admins can import customers." },
      });
      return;
    }
    const checked = fileProblem(view.state.values[FILE_BLOCK]?.[FILE_ACTION]?.files);
    if ("problem" in checked) {
      await ack({ response_action: "errors", errors: { [FILE_BLOCK]: checked.problem } });
      return;
    }
    const { file } = checked;
    const payload: ImportPayload = {
      teamId,
      enterpriseId: body.enterprise?.id ?? null,
      userId,
      fileId: file.id,
      fileName: file.name ?? `${file.id}.csv`,
      url: file.url_private_download ?? file.url_private ?? "",
    };
    await deps.jobs.enqueue(CUSTOMER_IMPORT_JOB, payload, { key: `customer-import:${view.id}`, teamId });
    await ack();
  });

  deps.jobs.register(CUSTOMER_IMPORT_JOB, importPayload, async (job, { key, outbox }) => {
    const fetched = await download(deps, router, job);
    const read = fetched.ok ? await readCustomersCsv(fetched.body) : fetched;
    const text = read.ok
      ? renderImportOutcome(
          job.fileName,
          await applyCustomerImport(
            deps.prisma,
            { teamId: job.teamId, enterpriseId: job.enterpriseId },
            { rows: read.rows, refused: read.refused, authorId: `import:${job.userId}`, now: deps.clock.now() },
          ),
        )
      : `:warning: Nothing was imported from \`${escapeMrkdwn(job.fileName)}\`: ${read.problem}`;
    await outbox.directMessage(`${key}:answer`, job.userId, { text }).catch((error: unknown) => {
      if (!(error instanceof SlackWriteRefused)) throw error;
      deps.logger.warn("Could not tell the admin how a customer import went", error.slackError);
    });
  });
}

/**
 * `/delight-admin import …` (the admin listener has checked the person is an admin): opens
 * the form, or says what to type. Null when the text is not an import command.
 */
export async function customerImportCommand(
  client: webApi.WebClient,
  command: { text: string; trigger_id: string },
): Promise<string | null> {
  const words = command.text.trim().toLowerCase().split(/\s+/);
  if (words[0] !== "import") return null;
  if (words.length !== 2 || (words[1] !== "customers" && words[1] !== "customer")) {
    return "To import customers from a CSV: `/delight-admin import customers` opens a form to choose the file.";
  }
  await client.views.open({ trigger_id: command.trigger_id, view: customerImportModal() });
  return "Choose the CSV in the form: I'll send you what was added, updated and refused.";
}
