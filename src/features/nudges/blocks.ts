// The nudge DM: a line that says why now, the surprise ideas (with "Use this", from the
// surprises feature), and the person's way out: "Not now", "Stop suggesting for this
// customer", "Turn nudges off".
import type { webApi } from "@slack/bolt";
import { context } from "../../slack/replies.ts";
import { escapeMrkdwn } from "../../slack/text.ts";

export const NUDGE_ACTIONS = {
  notNow: "nudge_not_now",
  stopCustomer: "nudge_stop_customer",
  off: "nudge_off",
} as const;

export function fixNudgeLead(caseLabel: string, customerName: string): string {
  return `:sparkles: *Now turn the OOPS into a WOW.* ${caseLabel} for ${escapeMrkdwn(customerName)} is fixed: a small, personal surprise today makes them remember the recovery, not the mistake. Three ideas:`;
}

export function nudgeControls(nudgeId: string): webApi.KnownBlock[] {
  return [
    {
      type: "actions",
      block_id: "nudge_controls",
      elements: [
        {
          type: "button",
          action_id: NUDGE_ACTIONS.notNow,
          text: { type: "plain_text", text: "Not now" },
          value: nudgeId,
        },
        {
          type: "button",
          action_id: NUDGE_ACTIONS.stopCustomer,
          text: { type: "plain_text", text: "Stop suggesting for this customer" },
          value: nudgeId,
        },
        {
          type: "button",
          action_id: NUDGE_ACTIONS.off,
          text: { type: "plain_text", text: "Turn nudges off" },
          value: nudgeId,
        },
      ],
    },
    context("At most 3 nudges a day, between 09:00 and 18:00 your time. `/delight prefs nudges off` turns them off."),
  ];
}

export const NOT_NOW_TEXT = "Okay: no more nudges today. I'll try again tomorrow morning.";
export const STOPPED_CUSTOMER_TEXT = "Okay: no more surprise nudges about this customer.";
export const NUDGES_OFF_TEXT =
  "Nudges are off: I won't bring you surprise ideas unasked. `/delight prefs nudges on` turns them back on.";
export const NUDGES_ON_TEXT =
  "Nudges are on: when a recovery of yours is fixed without a surprise, I'll bring you three ideas (at most 3 a day, 09:00–18:00 your time).";
