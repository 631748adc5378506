// `/delight-admin connect <source> [secret]`, `connections`, `disconnect <id>` and
// `signals [owner @person|owner off]`: the admin's side of customer signals. The admin
// listener has checked the person is an admin; every answer is the command's ephemeral ack.
import type { AppDeps } from "../../deps.ts";
import { escapeMrkdwn, mentionedUserIds, plainFromSlack } from "../../slack/text.ts";
import type { WorkspaceRef } from "../admin/settings.ts";
import { listConnections, webhookUrl, type ConnectionSummary } from "./connections.ts";
import { isSignalSource, SIGNAL_SOURCES, SOURCE_LABELS, type SignalSource } from "./model.ts";
import { signalsOwner, signalThresholds } from "./settings.ts";
import { applyChange, describeChange, parseThresholdChange, renderThresholds, THRESHOLDS_HELP } from "./thresholds.ts";
import {
  changeSignalsOwner,
  changeSignalThresholds,
  connectionSecret,
  connectSource,
  disconnectSource,
} from "./manage.ts";

export const SIGNALS_ADMIN_WORDS = new Set(["connect", "connections", "disconnect", "signals"]);

export const SIGNALS_HELP = [
  "• `/delight-admin connect zendesk <signing secret>` · `connect intercom <client secret>` · `connect generic` — receive customer signals (CSAT, NPS, customer updates) by webhook",
  "• `/delight-admin connections` — webhook connections and what they received this week · `disconnect <id>`",
  "• `/delight-admin signals owner @person` — owns recoveries opened from signals when the agent isn't found in Slack",
  "• `/delight-admin import customers` — customer records (tier, interests, notes, owner, dates) from a CSV",
].join("\n");

type AdminDeps = Pick<AppDeps, "prisma" | "clock" | "config">;

const date = (d: Date) => d.toISOString().slice(0, 10);

export function setupSteps(source: SignalSource, url: string): string {
  switch (source) {
    case "zendesk":
      return [
        "*Set it up in Zendesk:*",
        `1. Admin Center → Apps and integrations → Webhooks: edit the webhook whose signing secret you gave, set its endpoint URL to the address above, method POST, format JSON.`,
        "2. Business rules → Triggers: a trigger on “Satisfaction is Bad” or “Good” (or changed) that notifies this webhook with the JSON body from the README (“Connect your helpdesk”).",
      ].join("\n");
    case "intercom":
      return [
        "*Set it up in Intercom:*",
        `1. Developer Hub → your app → Webhooks: endpoint URL ${url}, topic \`conversation.rating.added\`.`,
        "2. The secret you gave is the app's client secret (Basic information): Intercom signs every notification with it.",
      ].join("\n");
    case "generic":
      return [
        "*Send signals from any tool or script* with the Standard Webhooks headers (`webhook-id`, `webhook-timestamp`, `webhook-signature`) and the JSON body in the README (“Connect your helpdesk”); `scripts/send-signal.ts` signs one for you.",
      ].join("\n");
  }
}

function renderConnections(rows: ConnectionSummary[], publicUrl: string | undefined): string {
  if (rows.length === 0) return "No webhook connections yet. `/delight-admin connect zendesk <secret>` creates one.";
  const lines = rows.map(({ connection: c, signalsThisWeek, refusedThisWeek }) => {
    const state = c.disconnectedAt ? ` · _disconnected ${date(c.disconnectedAt)}_` : "";
    const last = c.lastSignalAt ? date(c.lastSignalAt) : "never";
    return `• \`${c.id}\` ${SOURCE_LABELS[c.source as SignalSource] ?? c.source} · created ${date(c.createdAt)} · last signal ${last} · ${signalsThisWeek} this week · ${refusedThisWeek} refused this week${state}\n   \`${webhookUrl(publicUrl ?? "", c)}\``;
  });
  return [`*Webhook connections*`, ...lines].join("\n");
}

/**
 * Answers a signals command, or returns null when `words` is not one (the admin listener
 * goes on with its own commands).
 */
export async function signalsAdminCommand(
  deps: AdminDeps,
  workspace: WorkspaceRef,
  adminId: string,
  escapedText: string,
): Promise<string | null> {
  const words = escapedText.trim().split(/\s+/).filter(Boolean);
  const first = (words[0] ?? "").toLowerCase();
  if (!SIGNALS_ADMIN_WORDS.has(first)) return null;
  const now = deps.clock.now();
  const publicUrl = deps.config.publicUrl;
  const noPublicUrl = publicUrl
    ? ""
    : "\n:warning: `PUBLIC_URL` is not set, so this is only the path: put the app's public address in front of it (and set `PUBLIC_URL` so Delight shows the whole URL).";

  switch (first) {
    case "connect": {
      const sourceWord = (words[1] ?? "").toLowerCase();
      if (!isSignalSource(sourceWord)) {
        return `Say which tool sends the signals: ${SIGNAL_SOURCES.map((s) => `\`connect ${s}\``).join(", ")}.\n${SIGNALS_HELP}`;
      }
      const given = words[2] ? plainFromSlack(words[2]) : undefined;
      if (words.length > 3) return "Give the secret as one word, without spaces: `connect zendesk <signing secret>`.";
      const secret = connectionSecret(sourceWord, given);
      if (!secret.ok) return secret.problem;
      const { connection, shownSecret } = await connectSource(deps, workspace, adminId, {
        source: sourceWord,
        secret: secret.secret,
        generated: secret.generated,
      });
      const url = webhookUrl(publicUrl ?? "", connection);
      const secretLine = shownSecret
        ? `\n*Signing secret* (shown this once; keep it in your sender's secrets): \`${shownSecret}\``
        : "";
      return [
        `:white_check_mark: Connected ${SOURCE_LABELS[sourceWord]} (connection \`${connection.id}\`).`,
        `*Webhook URL:* \`${url}\`${noPublicUrl}${secretLine}`,
        setupSteps(sourceWord, url),
        "`/delight-admin connections` shows what it receives; `/delight-admin disconnect " +
          connection.id +
          "` stops it.",
      ].join("\n");
    }
    case "connections":
      return renderConnections(await listConnections(deps.prisma, workspace.teamId, now), publicUrl);
    case "disconnect": {
      const id = words[1];
      if (!id || !/^[A-Za-z0-9_-]{8,64}$/.test(id)) {
        return "Give the connection's id: `/delight-admin disconnect <id>` (`/delight-admin connections` lists them).";
      }
      const done = await disconnectSource(deps, workspace, adminId, id);
      return done
        ? `:white_check_mark: Disconnected \`${id}\`: its webhooks are refused within a few seconds (HTTP 410, so the sender stops).`
        : `This workspace has no active connection \`${escapeMrkdwn(id)}\`. \`/delight-admin connections\` lists them.`;
    }
    case "signals": {
      const sub = (words[1] ?? "").toLowerCase();
      if (sub === "owner") {
        if ((words[2] ?? "").toLowerCase() === "off") {
          await changeSignalsOwner(deps, workspace, adminId, null);
          return ":white_check_mark: No signals owner: a bad rating whose agent isn't found in Slack opens no case.";
        }
        const [ownerId] = mentionedUserIds(words.slice(2).join(" "));
        if (!ownerId) return "Name the person: `/delight-admin signals owner @person` (type `@` and pick them).";
        await changeSignalsOwner(deps, workspace, adminId, ownerId);
        return `:white_check_mark: <@${ownerId}> now owns recoveries opened from customer signals when the agent isn't found in Slack.`;
      }
      if (sub) {
        // Thresholds: parsed and checked by the module App Home Settings shares (thresholds.ts).
        const current = await signalThresholds(deps.prisma, workspace.teamId);
        const parsed = parseThresholdChange(words.slice(1), current, `/delight-admin ${escapedText}`);
        if (!parsed.ok) return parsed.problem;
        const rules = applyChange(current, parsed.change);
        await changeSignalThresholds(deps, workspace, adminId, rules);
        return `${describeChange(parsed.change, rules)}\n${renderThresholds(rules)}`;
      }
      const [owner, rules] = await Promise.all([
        signalsOwner(deps.prisma, workspace.teamId),
        signalThresholds(deps.prisma, workspace.teamId),
      ]);
      return [
        "*Customer signals*",
        renderThresholds(rules),
        `• Signals owner (when the agent isn't found in Slack): ${owner ? `<@${owner}>` : "_none_ (`signals owner @person`)"}`,
        SIGNALS_HELP,
        THRESHOLDS_HELP,
      ].join("\n");
    }
  }
  return null;
}
