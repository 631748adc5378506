// Start-up failures explained in one message that says what to change.
import type { Config } from "./config.ts";

export function explainStartFailure(error: unknown, config: Config): string {
  const code = (error as { code?: string; data?: { error?: string } } | null)?.code;
  const slackError = (error as { data?: { error?: string } } | null)?.data?.error ?? (error as Error)?.message ?? "";
  const during = (error as { during?: string } | null)?.during;
  if (during === "metrics") {
    const where = `${config.metrics.host}:${config.metrics.port ?? ""}`;
    return code === "EADDRINUSE"
      ? `Delight can't serve /metrics on ${where}: another program uses that port. Set METRICS_PORT to a free port.`
      : `Delight can't serve /metrics on ${where} (${code ?? (error as Error)?.message ?? String(error)}). Check METRICS_HOST (an address of this machine, such as 127.0.0.1) and METRICS_PORT.`;
  }
  if (code === "EADDRINUSE") {
    return `Delight can't listen on port ${config.port}: another program uses it. Stop that program or set PORT to a free port.`;
  }
  const authProblem = /invalid_auth|not_authed|account_inactive|token_revoked/.exec(slackError)?.[0];
  if (authProblem && during === "socket-mode") {
    return (
      `Slack rejected SLACK_APP_TOKEN (${authProblem}). Generate an app-level token (xapp-…) with the ` +
      "connections:write scope on your Slack app's Basic Information page → App-Level Tokens, and check that Socket Mode is on."
    );
  }
  if (authProblem) {
    return (
      `Slack rejected SLACK_BOT_TOKEN (${authProblem}). ` +
      "Copy the Bot User OAuth Token (xoxb-…) again from your Slack app's OAuth & Permissions page; reinstall the app if it was removed."
    );
  }
  if (/ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN/.test(`${code ?? ""} ${slackError}`)) {
    return `Delight can't reach Slack's Web API${config.slack.apiUrl ? ` at ${config.slack.apiUrl}` : ""}: ${slackError}. Check the network (and SLACK_API_URL if you set it).`;
  }
  return `Delight could not start: ${slackError || String(error)}`;
}
