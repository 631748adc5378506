// Start-up failures explained in one message that says what to change.
import type { Config } from "./config.ts";

export function explainStartFailure(error: unknown, config: Config): string {
  const code = (error as { code?: string; data?: { error?: string } } | null)?.code;
  const slackError = (error as { data?: { error?: string } } | null)?.data?.error ?? (error as Error)?.message ?? "";
  if (code === "EADDRINUSE") {
    return `Delight can't listen on port ${config.port}: another program uses it. Stop that program or set PORT to a free port.`;
  }
  if (/invalid_auth|not_authed|account_inactive|token_revoked/.test(slackError)) {
    return (
      `Slack rejected SLACK_BOT_TOKEN (${slackError.replace(/^.*(invalid_auth|not_authed|account_inactive|token_revoked).*$/s, "$1")}). ` +
      "Copy the Bot User OAuth Token (xoxb-…) again from your Slack app's OAuth & Permissions page; reinstall the app if it was removed."
    );
  }
  if (/ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN/.test(`${code ?? ""} ${slackError}`)) {
    return `Delight can't reach Slack's Web API${config.slack.apiUrl ? ` at ${config.slack.apiUrl}` : ""}: ${slackError}. Check the network (and SLACK_API_URL if you set it).`;
  }
  return `Delight could not start: ${slackError || String(error)}`;
}
