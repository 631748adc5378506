// The recovery case forms: open a case (/oops with no text, or Home), mark it fixed, add a
// customer update, extend the deadline, reassign. Field ids are shared with parse.ts, which
// reads the submissions.
import type { webApi } from "@slack/bolt";
import type { RecoveryCase } from "../../generated/prisma/client.ts";
import { context, inputBlock, truncateMrkdwn } from "../../slack/replies.ts";
import { caseLabel } from "./blocks.ts";
import { CUSTOMER_MAX, suggestedExtension, TEXT_MAX } from "./parse.ts";

type KnownBlock = webApi.KnownBlock;
type View = webApi.View;

export const CALLBACK_IDS = {
  open: "recovery_open",
  fixed: "recovery_fixed_modal",
  update: "recovery_update_modal",
  extend: "recovery_extend_modal",
  reassign: "recovery_reassign_modal",
} as const;

/** Block and action ids of modal inputs (each input's action_id is "value"). */
export const FIELDS = {
  owner: "owner",
  customer: "customer",
  description: "description",
  link: "link",
  deadline: "deadline",
  fix: "fix",
  surprise: "surprise",
  update: "update",
  newDeadline: "new_deadline",
  reason: "reason",
  newOwner: "new_owner",
  note: "note",
} as const;

function input(
  blockId: string,
  label: string,
  element: Record<string, unknown>,
  options: { optional?: boolean; hint?: string } = {},
): KnownBlock {
  return inputBlock(blockId, label, element, { ...options, actionId: "value" });
}

function modal(callbackId: string, title: string, submit: string, blocks: KnownBlock[], metadata = ""): View {
  return {
    type: "modal",
    callback_id: callbackId,
    title: { type: "plain_text", text: title },
    submit: { type: "plain_text", text: submit },
    close: { type: "plain_text", text: "Cancel" },
    private_metadata: metadata,
    blocks,
  };
}

export function openCaseModal(slaText: string): View {
  return modal(CALLBACK_IDS.open, "Log an OOPS", "Open case", [
    input(FIELDS.owner, "Who will fix it?", { type: "users_select" }),
    input(FIELDS.customer, "Customer", {
      type: "plain_text_input",
      max_length: CUSTOMER_MAX,
      placeholder: { type: "plain_text", text: "Acme Corp, or the customer's name" },
    }),
    input(FIELDS.description, "What went wrong?", { type: "plain_text_input", multiline: true, max_length: TEXT_MAX }),
    input(FIELDS.link, "Link", { type: "url_text_input" }, { optional: true, hint: "A ticket, an email thread…" }),
    input(
      FIELDS.deadline,
      "Deadline",
      { type: "datetimepicker" },
      { optional: true, hint: `Leave empty for the workspace deadline (${slaText} from now).` },
    ),
  ]);
}

function caseContext(recoveryCase: RecoveryCase): KnownBlock {
  return context(`*${caseLabel(recoveryCase)}* · ${truncateMrkdwn(recoveryCase.customer, 200)}`);
}

export function fixedModal(recoveryCase: RecoveryCase): View {
  return modal(
    CALLBACK_IDS.fixed,
    "Mark as fixed",
    "Fixed",
    [
      caseContext(recoveryCase),
      input(FIELDS.fix, "What was done?", { type: "plain_text_input", multiline: true, max_length: TEXT_MAX }),
      input(
        FIELDS.surprise,
        "What surprise was given?",
        { type: "plain_text_input", multiline: true, max_length: TEXT_MAX },
        {
          optional: true,
          hint: "The WOW after the OOPS: a note, a small gift… It goes into the weekly digest and the customer's history.",
        },
      ),
    ],
    recoveryCase.id,
  );
}

export function updateModal(recoveryCase: RecoveryCase): View {
  return modal(
    CALLBACK_IDS.update,
    "Customer update",
    "Add update",
    [
      caseContext(recoveryCase),
      input(
        FIELDS.update,
        "What did you tell the customer?",
        { type: "plain_text_input", multiline: true, max_length: TEXT_MAX },
        { hint: "Keeping the customer in the loop is part of the recovery." },
      ),
    ],
    recoveryCase.id,
  );
}

export function extendModal(recoveryCase: RecoveryCase, now: Date): View {
  const suggested = suggestedExtension(recoveryCase.dueAt, now).getTime();
  return modal(
    CALLBACK_IDS.extend,
    "Extend the deadline",
    "Extend",
    [
      caseContext(recoveryCase),
      input(FIELDS.newDeadline, "New deadline", {
        type: "datetimepicker",
        initial_date_time: Math.floor(suggested / 1000),
      }),
      input(FIELDS.reason, "Why?", { type: "plain_text_input", multiline: true, max_length: TEXT_MAX }),
    ],
    recoveryCase.id,
  );
}

export function reassignModal(recoveryCase: RecoveryCase): View {
  return modal(
    CALLBACK_IDS.reassign,
    "Reassign",
    "Reassign",
    [
      caseContext(recoveryCase),
      input(FIELDS.newOwner, "New owner", { type: "users_select" }),
      input(
        FIELDS.note,
        "Note for the new owner",
        { type: "plain_text_input", multiline: true, max_length: TEXT_MAX },
        {
          optional: true,
        },
      ),
    ],
    recoveryCase.id,
  );
}
