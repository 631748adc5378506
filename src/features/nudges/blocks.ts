// The nudge DM: a line that says why now, the surprise ideas (with "Use this", from the
// surprises feature), and the person's way out: "Not now", "Stop suggesting for this
// customer", "Turn nudges off".
import type { webApi } from "@slack/bolt";
import { context } from "../../slack/replies.ts";
import { cutText, escapeMrkdwn } from "../../slack/text.ts";

export const NUDGE_ACTIONS = {
  notNow: "nudge_not_now",
  stopCustomer: "nudge_stop_customer",
  off: "nudge_off",
} as const;

export function fixNudgeLead(caseLabel: string, customerName: string): string {
  return `:sparkles: *Now turn the OOPS into a WOW.* ${caseLabel} for ${escapeMrkdwn(customerName)} is fixed: a small, personal surprise today makes them remember the recovery, not the mistake. Three ideas:`;
}

/** The customer's words as a quote: escaped, so nothing they wrote can ping or link. */
function quoted(words: string): string {
  return cutText(escapeMrkdwn(words), 1500)
    .split("\n")
    .map((line) => `>${line}`)
    .join("\n");
}

export function praiseNudgeLead(customerName: string, words: string): string {
  return `:speech_balloon: *${escapeMrkdwn(customerName)} praised you.* In their words:\n${quoted(words)}\nA small thank-you back turns their kind words into a relationship. Two ideas:`;
}

export function renewalLead(customerName: string, date: string): string {
  return `:calendar: *${escapeMrkdwn(customerName)} renews on ${date}.* Two weeks ahead is the moment for a surprise that says you value them, not their invoice. Three ideas:`;
}

export function anniversaryLead(customerName: string, years: number): string {
  const span = years > 0 ? `${years} ${years === 1 ? "year" : "years"}` : "another year";
  return `:tada: *${span} with ${escapeMrkdwn(customerName)} today.* An anniversary nobody expects you to remember is the perfect surprise. Three ideas:`;
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
  "Nudges are on: when a recovery of yours is fixed without a surprise, a customer praises you, or a customer you own renews or has an anniversary, I'll bring you ideas (at most 3 a day, 09:00–18:00 your time).";
