// `/delight-admin connect <source> [secret]`, `connections`, `disconnect <id>` and
// `signals [owner @person|owner off]`: the admin's side of customer signals. The admin
// listener has checked the person is an admin; every answer is the command's ephemeral ack.
import type { AppDeps } from "../../deps.ts";
import { escapeMrkdwn, mentionedUserIds, plainFromSlack } from "../../slack/text.ts";
import type { WorkspaceRef } from "../admin/settings.ts";
import {
  createConnection,
  disconnect,
  isSealed,
  listConnections,
  newStandardWebhooksSecret,
  secretsCipher,
  webhookUrl,
  type ConnectionSummary,
} from "./connections.ts";
import { isSignalSource, SIGNAL_SOURCES, SOURCE_LABELS, type SignalSource } from "./model.ts";
import { setSignalsOwner, setSignalThresholds, signalsOwner, signalThresholds } from "./settings.ts";
import { applyChange, describeChange, parseThresholdChange, renderThresholds, THRESHOLDS_HELP } from "./thresholds.ts";
import { diffSnapshots, recordAudit } from "../audit/service.ts";
import type { AuditValue } from "../audit/model.ts";
import type { Prisma } from "../../generated/prisma/client.ts";
import { standardWebhooksKey } from "./signatures.ts";

export const SIGNALS_ADMIN_WORDS = new Set(["connect", "connections", "disconnect", "signals"]);

export const SIGNALS_HELP = [
  "• `/delight-admin connect zendesk <signing secret>` · `connect intercom <client secret>` · `connect generic` — receive customer signals (CSAT, NPS, customer updates) by webhook",
  "• `/delight-admin connections` — webhook connections and what they received this week · `disconnect <id>`",
  "• `/delight-admin signals owner @person` — owns recoveries opened from signals when the agent isn't found in Slack",
  "• `/delight-admin import customers` — customer records (tier, interests, notes, owner, dates) from a CSV",
].join("\n");

type AdminDeps = Pick<AppDeps, "prisma" | "clock" | "config">;
type Db = Prisma.TransactionClient;
type AuditRecord = Record<string, AuditValue>;

const date = (d: Date) => d.toISOString().slice(0, 10);

function setupSteps(source: SignalSource, url: string): string {
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
      let secret: string;
      if (sourceWord === "generic") {
        if (given && !standardWebhooksKey(given)) {
          return "A Standard Webhooks secret is `whsec_` followed by base64 (at least 16 bytes). Leave it out and Delight makes one.";
        }
        secret = given ?? newStandardWebhooksSecret();
      } else {
        if (!given || given.length < 8 || isSealed(given)) {
          return sourceWord === "zendesk"
            ? "Paste the webhook's signing secret: Zendesk Admin Center → Webhooks → your webhook → Signing secret → Reveal. `connect zendesk <signing secret>`."
            : "Paste your Intercom app's client secret (Developer Hub → your app → Basic information): `connect intercom <client secret>`.";
        }
        secret = given;
      }
      const connection = await createConnection(deps.prisma, secretsCipher(deps.config), workspace, {
        source: sourceWord,
        secret,
        createdBy: adminId,
        now,
      });
      // Audited without the secret: which connection, from which tool.
      await recordAudit(deps.prisma, {
        teamId: workspace.teamId,
        actorId: adminId,
        action: "signals.connect",
        target: connection.id,
        after: { source: sourceWord },
        at: now,
      });
      const url = webhookUrl(publicUrl ?? "", connection);
      const secretLine =
        sourceWord === "generic" && !given
          ? `\n*Signing secret* (shown this once; keep it in your sender's secrets): \`${secret}\``
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
      const done = await disconnect(deps.prisma, workspace.teamId, id, now);
      if (done) {
        await recordAudit(deps.prisma, {
          teamId: workspace.teamId,
          actorId: adminId,
          action: "signals.disconnect",
          target: id,
          at: now,
        });
      }
      return done
        ? `:white_check_mark: Disconnected \`${id}\`: its webhooks are refused within a few seconds (HTTP 410, so the sender stops).`
        : `This workspace has no active connection \`${escapeMrkdwn(id)}\`. \`/delight-admin connections\` lists them.`;
    }
    case "signals": {
      const sub = (words[1] ?? "").toLowerCase();
      const audit = (tx: Db, action: string, before: AuditRecord, after: AuditRecord, subjectIds: string[] = []) =>
        recordAudit(tx, { teamId: workspace.teamId, actorId: adminId, action, before, after, subjectIds, at: now });
      if (sub === "owner") {
        const before = await signalsOwner(deps.prisma, workspace.teamId);
        if ((words[2] ?? "").toLowerCase() === "off") {
          await deps.prisma.$transaction(async (tx) => {
            await setSignalsOwner(tx, workspace.teamId, null);
            await audit(tx, "signals.owner", { owner: before }, { owner: null }, before ? [before] : []);
          });
          return ":white_check_mark: No signals owner: a bad rating whose agent isn't found in Slack opens no case.";
        }
        const [ownerId] = mentionedUserIds(words.slice(2).join(" "));
        if (!ownerId) return "Name the person: `/delight-admin signals owner @person` (type `@` and pick them).";
        await deps.prisma.$transaction(async (tx) => {
          await setSignalsOwner(tx, workspace.teamId, ownerId);
          await audit(tx, "signals.owner", { owner: before }, { owner: ownerId }, [ownerId]);
        });
        return `:white_check_mark: <@${ownerId}> now owns recoveries opened from customer signals when the agent isn't found in Slack.`;
      }
      if (sub) {
        // Thresholds: parsed and checked by the module App Home Settings will share.
        const current = await signalThresholds(deps.prisma, workspace.teamId);
        const parsed = parseThresholdChange(words.slice(1), current, `/delight-admin ${escapedText}`);
        if (!parsed.ok) return parsed.problem;
        const rules = applyChange(current, parsed.change);
        await deps.prisma.$transaction(async (tx) => {
          const before = await signalThresholds(tx, workspace.teamId);
          await setSignalThresholds(tx, workspace.teamId, rules);
          const diff = diffSnapshots({ ...before }, { ...rules });
          if (diff) await audit(tx, "signals.thresholds", diff.before, diff.after);
        });
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
