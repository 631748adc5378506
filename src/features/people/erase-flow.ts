// The erase confirmation: `/delight-admin person @u erase` opens a form that says what will
// happen; its submission (checked again: admins only) records the erase job, which erases in
// one transaction and tells the admin.
import type { webApi } from "@slack/bolt";
import { z } from "zod";
import type { AppDeps } from "../../deps.ts";
import type { SlackRouter } from "../../slack/router.ts";
import { SlackWriteRefused } from "../../slack/outbox.ts";
import { TOMBSTONE_PREFIX } from "../../slack/text.ts";
import { erasePerson, FORMER_COLLEAGUE, isSlackUserId, REMOVED } from "./erase.ts";
import { refreshErasedMessages, republishHomes } from "./erase-messages.ts";
import type { ErasureWatch } from "../../slack/erased-people.ts";

export const ERASE_CALLBACK = "person_erase_confirm";
export const PERSON_ERASE_JOB = "people.erase";
const erasePayload = z.object({ teamId: z.string(), adminId: z.string(), userId: z.string() });

export function eraseConfirmModal(userId: string): webApi.View {
  return {
    type: "modal",
    callback_id: ERASE_CALLBACK,
    private_metadata: userId,
    title: { type: "plain_text", text: "Erase a person" },
    submit: { type: "plain_text", text: "Erase" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: [
            `:warning: This removes <@${userId}> from everything Delight stores, for good:`,
            `• their id is replaced by an anonymous one everywhere, so counts and figures stay;`,
            `• what they wrote (case descriptions, updates, notes, dumb rules, /holdingback answers and replies, decisions' reasons) becomes “${REMOVED}”;`,
            `• stories about them and mentions of them read “${FORMER_COLLEAGUE}”;`,
            `• they stop being a manager; their insight charts are deleted.`,
            `The audit log records that an erasure happened, not what was erased. It can't be undone: export first (\`/delight-admin person @person export\`) if they asked for a copy.`,
          ].join("\n"),
        },
      },
    ],
  };
}

export function registerEraseFlow(router: SlackRouter, deps: AppDeps, watch?: ErasureWatch): void {
  router.view(ERASE_CALLBACK, async ({ ack, view, body }) => {
    const teamId = body.team?.id ?? body.user.team_id ?? "";
    const adminId = body.user.id;
    const userId = view.private_metadata;
    // Checked again on submit: a form can outlive a permission, and a submission can be forged.
    if (!(await deps.roles.isAdmin(teamId, adminId).catch(() => false)) || !isSlackUserId(userId)) {
      await ack({
        response_action: "update",
        view: {
          type: "modal",
          title: { type: "plain_text", text: "Erase a person" },
          blocks: [
            {
              type: "section",
              text: {
                type: "mrkdwn",
                text: ":lock: Only Slack workspace admins can erase a person. Nothing was changed.",
              },
            },
          ],
        },
      });
      return;
    }
    await deps.jobs.enqueue(PERSON_ERASE_JOB, { teamId, adminId, userId }, { key: `erase:${view.id}`, teamId });
    await ack();
  });

  deps.jobs.register(PERSON_ERASE_JOB, erasePayload, async (payload, { key, outbox }) => {
    // Run again after the erasure committed, this job's own payload was scrubbed with the rest
    // (the person's id became the tombstone): only the Slack messages are left to update.
    const outcome = payload.userId.startsWith(TOMBSTONE_PREFIX)
      ? ({ kind: "erased", tombstone: payload.userId } as const)
      : await erasePerson(deps.prisma, deps.config.secrets, { ...payload, now: deps.clock.now() });
    if (outcome.kind === "erased") {
      watch?.forget(payload.teamId);
      await refreshErasedMessages(deps, outbox, `${key}:messages`, payload.teamId, outcome.tombstone);
      await republishHomes(deps, `${key}:home`, payload.teamId, outcome.tombstone);
    }
    const text =
      outcome.kind === "erased"
        ? // Not their id: this message is stored (the outbox) after the erasure.
          `:white_check_mark: Erased the person you named from Delight: they are now \`${outcome.tombstone}\` everywhere, their own texts read “${REMOVED}” and stories about them name “${FORMER_COLLEAGUE}”. Delight's own approval cards, shared stories and case cards now say so too, and so do the App Homes that showed them; other messages in Slack keep what they said.`
        : "Nothing about the person you named is stored any more, so nothing changed.";
    await outbox.directMessage(`${key}:done`, payload.adminId, { text }).catch((error: unknown) => {
      if (!(error instanceof SlackWriteRefused)) throw error;
      deps.logger.warn(`Could not tell admin ${payload.adminId} that an erasure finished (${error.slackError})`);
    });
  });
}
