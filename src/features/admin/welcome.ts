// Distribution mode: the person who installs Delight gets a welcome DM — what it does in three
// lines and a setup checklist of what is still missing, with a button to Delight's Home.
// Enqueued when the installation is stored (slack/installations/oauth.ts), sent by a job
// through the outbox (one key per installation: a repeated redirect sends it once).
import { z } from "zod";
import type { webApi } from "@slack/bolt";
import type { AppDeps } from "../../deps.ts";
import type { JobQueue } from "../../jobs/queue.ts";
import type { SlackRouter } from "../../slack/router.ts";
import { getSettings, type WorkspaceSettings } from "./settings.ts";

export const WELCOME_JOB = "install.welcome";
const welcomePayload = z.object({
  teamId: z.string(),
  userId: z.string(),
  appId: z.string().nullable(),
  installedAt: z.number(),
});
export type WelcomePayload = z.infer<typeof welcomePayload>;

/** Records the welcome DM for a workspace install (an org-wide install has no one workspace to greet in). */
export async function enqueueWelcome(jobs: JobQueue, input: WelcomePayload): Promise<void> {
  await jobs.enqueue(WELCOME_JOB, input, { key: `welcome:${input.teamId}:${input.installedAt}`, teamId: input.teamId });
}

/** One step of setting a workspace up: `label` alone in App Home (Settings does it), `text` with the command. */
export interface ChecklistItem {
  done: boolean;
  label: string;
  text: string;
}

export function setupChecklist(settings: WorkspaceSettings): ChecklistItem[] {
  const item = (done: boolean, label: string, how: string) => ({ done, label, text: `${label}: ${how}` });
  const hours = Math.round(settings.slaMinutes / 60);
  return [
    item(
      Boolean(settings.approvalsChannelId),
      "Approvals channel, where managers approve nominations",
      "`/delight-admin channel approvals #channel`",
    ),
    item(settings.managerIds.length > 0, "Managers who approve", "`/delight-admin managers add @person`"),
    item(
      Boolean(settings.storiesChannelId),
      "Stories channel, where approved stories are shared",
      "`/delight-admin channel stories #channel`",
    ),
    item(settings.digests.length > 0, "Weekly digest", "`/delight-admin digest add #channel friday 16:00`"),
    {
      done: true,
      label: `Recovery deadline (SLA): ${hours} hours`,
      text: `Recovery deadline (SLA): ${hours} hours — change it with \`/delight-admin sla <hours>\``,
    },
  ];
}

export function welcomeMessage(
  settings: WorkspaceSettings,
  input: { teamId: string; appId: string | null },
): { text: string; blocks: webApi.KnownBlock[] } {
  const checklist = setupChecklist(settings)
    .map((item) => `${item.done ? ":white_check_mark:" : ":white_square:"} ${item.text}`)
    .join("\n");
  const text = "Thanks for adding Delight! Here is what it does, and what to set up first.";
  const blocks: webApi.KnownBlock[] = [
    { type: "header", text: { type: "plain_text", text: "Welcome to Delight" } },
    {
      type: "section",
      text: {
        type: "mrkdwn",
        text:
          "• Anyone nominates a colleague for a customer delight moment with `/delight`.\n" +
          "• Managers approve in a thread; approved stories are shared and sent in a weekly digest.\n" +
          "• `/oops` turns a customer's bad moment into a WOW within the deadline, with surprise ideas.",
      },
    },
    {
      type: "section",
      text: {
        type: "mrkdwn",
        text: `*You are Delight's first admin here. Set up in Delight's Home → Settings, or with these commands:*\n${checklist}`,
      },
    },
  ];
  if (input.appId) {
    blocks.push({
      type: "actions",
      elements: [
        {
          type: "button",
          action_id: "welcome_open_home",
          text: { type: "plain_text", text: "Open Delight's Home" },
          // https://docs.slack.dev/interactivity/deep-linking : the app's Home tab.
          url: `slack://app?team=${input.teamId}&id=${input.appId}&tab=home`,
        },
      ],
    });
  }
  return { text, blocks };
}

export function registerWelcome(router: SlackRouter, deps: AppDeps): void {
  // A link button still sends its click to the app: acknowledged, nothing else to do.
  router.action("welcome_open_home", async ({ ack }) => {
    await ack();
  });
  deps.jobs.register(WELCOME_JOB, welcomePayload, async (payload, { key, outbox }) => {
    const settings = await getSettings(deps.prisma, { teamId: payload.teamId });
    await outbox.directMessage(`${key}:dm`, payload.userId, welcomeMessage(settings, payload));
  });
}
