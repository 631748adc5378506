// `/delight prefs`: the person's choices, each with the button that flips it.
import type { webApi } from "@slack/bolt";
import { context, section, type EphemeralMessage } from "../../slack/replies.ts";
import type { PreferenceChange, Preferences } from "./service.ts";

/** One action id per preference (unique within its block); the value is the new choice. */
export const PREFS_ACTIONS = {
  nudges: "prefs_nudges",
  rankings: "prefs_rankings",
  stories: "prefs_stories",
} as const;

function row(text: string, actionId: string, label: string, value: string): webApi.KnownBlock {
  return {
    type: "section",
    text: { type: "mrkdwn", text },
    accessory: { type: "button", action_id: actionId, text: { type: "plain_text", text: label }, value },
  };
}

export function prefsMessage(prefs: Preferences, notice?: string): EphemeralMessage {
  const blocks: webApi.KnownBlock[] = [
    ...(notice ? [section(notice)] : []),
    section("*Your Delight preferences*"),
    row(
      prefs.nudgesOff
        ? ":no_bell: *Nudges are off*: I don't bring you surprise ideas unasked."
        : ":bell: *Nudges are on*: surprise ideas when you can act (at most 3 a day, working hours).",
      PREFS_ACTIONS.nudges,
      prefs.nudgesOff ? "Turn nudges on" : "Turn nudges off",
      prefs.nudgesOff ? "on" : "off",
    ),
    row(
      prefs.hiddenFromRankings
        ? ":see_no_evil: *You're out of leaderboards and stats*: team stats and insights' rankings leave you out. You still see your own recognition."
        : ":bar_chart: *You appear in leaderboards and stats* (team stats, managers' insights).",
      PREFS_ACTIONS.rankings,
      prefs.hiddenFromRankings ? "Show me again" : "Leave leaderboards",
      prefs.hiddenFromRankings ? "on" : "off",
    ),
    row(
      prefs.storySharing === "private"
        ? ":lock: *Stories about you stay private*: only you and the managers see them; they're not posted in channels or digests."
        : ":loudspeaker: *Stories about you are shared* in the stories channel and the weekly digest once approved.",
      PREFS_ACTIONS.stories,
      prefs.storySharing === "private" ? "Share in channels" : "Keep them private",
      prefs.storySharing === "private" ? "channels" : "private",
    ),
    context("Changes apply from now on: stories already posted stay where they are."),
  ];
  return { text: "Your Delight preferences", blocks };
}

/** What a button click (action id and value) asks for, or null for a forged or stale value. */
export function changeOfClick(actionId: string, value: string): PreferenceChange | null {
  if (actionId === PREFS_ACTIONS.nudges && (value === "on" || value === "off"))
    return { kind: "nudges", off: value === "off" };
  if (actionId === PREFS_ACTIONS.rankings && (value === "on" || value === "off"))
    return { kind: "rankings", hidden: value === "off" };
  if (actionId === PREFS_ACTIONS.stories && (value === "channels" || value === "private"))
    return { kind: "stories", sharing: value };
  return null;
}

export function changedNotice(change: PreferenceChange): string {
  switch (change.kind) {
    case "nudges":
      return change.off ? ":white_check_mark: Nudges are off." : ":white_check_mark: Nudges are on.";
    case "rankings":
      return change.hidden
        ? ":white_check_mark: You've left leaderboards and stats."
        : ":white_check_mark: You're back in leaderboards and stats.";
    case "stories":
      return change.sharing === "private"
        ? ":white_check_mark: Approved stories about you will stay private from now on."
        : ":white_check_mark: Approved stories about you will be shared in channels from now on.";
  }
}
