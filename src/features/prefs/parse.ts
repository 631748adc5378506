// `/delight prefs [nudges on|off | leaderboards on|off | stories channels|private]`.
import type { PreferenceChange } from "./service.ts";

export type PrefsRequest =
  { op: "show" } | { op: "set"; change: PreferenceChange } | { op: "invalid"; problem: string };

export const PREFS_USAGE = [
  "`/delight prefs` shows your choices, with buttons. Or say:",
  "• `/delight prefs nudges on|off` — surprise ideas brought to you when you can act",
  "• `/delight prefs leaderboards on|off` — whether you appear in stats, leaderboards and insights' rankings",
  "• `/delight prefs stories channels|private` — approved stories about you shared in channels, or only with you and the managers",
].join("\n");

const ON = new Set(["on", "yes", "show", "shown", "in"]);
const OFF = new Set(["off", "no", "hide", "hidden", "out"]);
const CHANNELS = new Set(["channels", "channel", "shared", "share", "public", "team"]);
const PRIVATE = new Set(["private", "me", "only-me", "hidden"]);

/** null: not a prefs command (the /delight listener goes on with its own commands). */
export function parsePrefsCommand(text: string): PrefsRequest | null {
  const words = text.trim().toLowerCase().split(/\s+/);
  if (words[0] !== "prefs" && words[0] !== "pref" && words[0] !== "preferences") return null;
  const [, topic, value, ...extra] = words;
  if (topic === undefined) return { op: "show" };
  const invalid = { op: "invalid" as const, problem: `I didn't understand that preference.\n${PREFS_USAGE}` };
  if (value === undefined || extra.length > 0) return invalid;
  if (/^nudges?$/.test(topic)) {
    if (ON.has(value)) return { op: "set", change: { kind: "nudges", off: false } };
    if (OFF.has(value)) return { op: "set", change: { kind: "nudges", off: true } };
  }
  if (/^(leaderboards?|rankings?|stats)$/.test(topic)) {
    if (ON.has(value)) return { op: "set", change: { kind: "rankings", hidden: false } };
    if (OFF.has(value)) return { op: "set", change: { kind: "rankings", hidden: true } };
  }
  if (/^(stories|story|sharing)$/.test(topic)) {
    if (CHANNELS.has(value)) return { op: "set", change: { kind: "stories", sharing: "channels" } };
    if (PRIVATE.has(value)) return { op: "set", change: { kind: "stories", sharing: "private" } };
  }
  return invalid;
}
