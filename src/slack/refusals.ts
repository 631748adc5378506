// Slack's answers that no retry can change: the work fails at once (no back-off, no
// redrawing a chart every few seconds), and an admin is told, once, what to fix. Each code
// comes with that advice, for the notice and for `/delight-admin outbox`.
import { mentionChannel, mentionUser } from "./text.ts";

/** Refusals that need a person to fix something in Slack (or the app's installation). */
export const PERMANENT_SLACK_ERRORS: ReadonlySet<string> = new Set([
  "missing_scope",
  "channel_not_found",
  "not_in_channel",
  "is_archived",
  "account_inactive",
  "invalid_auth",
  "user_not_found",
]);

/** The permanent Slack error code an error carries (a Web API platform error, or the outbox's refusal), if any. */
export function permanentSlackError(error: unknown): string | null {
  const e = error as { code?: unknown; data?: { error?: unknown }; slackError?: unknown } | null;
  const code =
    typeof e?.slackError === "string"
      ? e.slackError
      : e?.code === "slack_webapi_platform_error" && typeof e.data?.error === "string"
        ? e.data.error
        : null;
  return code && PERMANENT_SLACK_ERRORS.has(code) ? code : null;
}

/** The permanent code named in a stored error text (a dead job's lastError), if any. */
export function permanentSlackErrorIn(text: string): string | null {
  for (const code of PERMANENT_SLACK_ERRORS) if (new RegExp(`\\b${code}\\b`).test(text)) return code;
  return null;
}

/** A channel (C…, G…, D…) or a person (U…, W…) the refused write was for. */
function mention(target: string | null): string {
  if (!target) return "";
  return /^[UW][A-Z0-9]+$/.test(target) ? mentionUser(target) : mentionChannel(target);
}

/** What an admin should do about a refusal, in one sentence (mrkdwn). */
export function refusalAdvice(code: string, target: string | null): string {
  const where = mention(target) || "the channel";
  switch (code) {
    case "not_in_channel":
      return `Delight is not a member of ${where}: type \`/invite @Delight\` there.`;
    case "channel_not_found":
      return `Delight can't see ${where}: it was deleted, or it is private and Delight was never invited. Invite the app there, or pick another channel with \`/delight-admin channel …\`.`;
    case "is_archived":
      return `${where} is archived: unarchive it, or pick another channel with \`/delight-admin channel …\`.`;
    case "user_not_found":
      return `${mention(target) || "That person"} is not in the workspace any more; Delight stops writing to them. Reassign what they owned (\`/oops list all\`).`;
    case "missing_scope":
      return "Delight is missing a permission it needs: reinstall it from `manifest.yml` (Slack app settings → OAuth & Permissions → Reinstall to Workspace).";
    case "account_inactive":
    case "invalid_auth":
      return "Slack no longer accepts Delight's bot token: reinstall the app and set the new `SLACK_BOT_TOKEN`.";
    default:
      return "Slack refused it for good; fix the cause, then `/delight-admin outbox retry`.";
  }
}
