// Saves what the Settings form changed, each change with its audit entry (the same actions as
// the `/delight-admin` commands: managers.add, channel.approvals, digest.add, settings.sla…),
// and says what happened in the words the commands use.
import type { AppDeps } from "../../deps.ts";
import { mentionChannel, mentionUser } from "../../slack/text.ts";
import { changeSettingsAudited } from "../admin/audited.ts";
import { formatDigestSchedule, formatDuration, formatMoney } from "../admin/blocks.ts";
import {
  addManagers,
  removeDigestSchedule,
  removeManagers,
  setBudget,
  setChannel,
  setReminderOffsets,
  setSla,
  upsertDigestSchedule,
  type WorkspaceRef,
} from "../admin/settings.ts";
import { nextDigestNotice } from "../digest/schedule.ts";
import { listConnections, type ConnectionSummary } from "../signals/connections.ts";
import { changeSignalsOwner, changeSignalThresholds } from "../signals/manage.ts";
import { signalsOwner, signalThresholds } from "../signals/settings.ts";
import { renderThresholds } from "../signals/thresholds.ts";
import type { SettingsChanges, SignalSettingsNow } from "./form.ts";

/** The customer-signal part of the form: owner, thresholds and the connections with their week. */
export async function loadSignalSettings(
  deps: Pick<AppDeps, "prisma" | "clock">,
  teamId: string,
): Promise<SignalSettingsNow & { connections: ConnectionSummary[] }> {
  const [owner, thresholds, connections] = await Promise.all([
    signalsOwner(deps.prisma, teamId),
    signalThresholds(deps.prisma, teamId),
    listConnections(deps.prisma, teamId, deps.clock.now()),
  ]);
  return { owner, thresholds, connections };
}

const CHANNEL_SAID = {
  approvals: (c: string) => `Nominations now go to ${mentionChannel(c)} for approval.`,
  stories: (c: string) => `Approved stories are now shared in ${mentionChannel(c)}.`,
  dumbrules: (c: string) => `New \`/dumbrule\` reports are now posted in ${mentionChannel(c)}.`,
};

/** Writes the changes (each audited); returns one line per change, for the admin's Home. */
export async function saveSettings(
  deps: Pick<AppDeps, "prisma" | "clock" | "config">,
  workspace: WorkspaceRef,
  adminId: string,
  changes: SettingsChanges,
): Promise<string[]> {
  const said: string[] = [];
  const change = (
    action: string,
    write: Parameters<typeof changeSettingsAudited>[3],
    about: { subjectIds?: string[]; target?: string } = {},
  ) => changeSettingsAudited(deps, workspace, { actorId: adminId, action, ...about }, write);

  for (const { role, channelId } of changes.channels) {
    await change(`channel.${role}`, (tx) => setChannel(tx, workspace, role, channelId), {
      ...(channelId ? { target: channelId } : {}),
    });
    said.push(channelId ? CHANNEL_SAID[role](channelId) : "`/dumbrule` reports are now recorded without being posted.");
  }
  if (changes.managersAdded.length > 0) {
    const added = changes.managersAdded;
    await change("managers.add", (tx) => addManagers(tx, workspace, added, adminId), { subjectIds: added });
    said.push(`Added ${added.map(mentionUser).join(", ")} as ${added.length === 1 ? "a manager" : "managers"}.`);
  }
  if (changes.managersRemoved.length > 0) {
    const removed = changes.managersRemoved;
    await change("managers.remove", (tx) => removeManagers(tx, workspace, removed), { subjectIds: removed });
    said.push(`${removed.map(mentionUser).join(", ")} no longer manage approvals.`);
  }
  if (changes.slaMinutes !== undefined) {
    const minutes = changes.slaMinutes;
    await change("settings.sla", (tx) => setSla(tx, workspace, minutes));
    said.push(`New recoveries are now due ${formatDuration(minutes)} after they are reported.`);
  }
  if (changes.reminderOffsetsMinutes !== undefined) {
    const offsets = changes.reminderOffsetsMinutes;
    await change("settings.reminders", (tx) => setReminderOffsets(tx, workspace, offsets));
    said.push(
      offsets.length === 0
        ? "Recovery owners are reminded at half-time and 2 hours before the deadline."
        : `Recovery owners are reminded ${offsets.map((m) => formatDuration(m)).join(", ")} before the deadline.`,
    );
  }
  if (changes.budget !== undefined) {
    const budget = changes.budget;
    await change("settings.budget", (tx) => setBudget(tx, workspace, budget));
    said.push(
      budget
        ? `Surprise ideas now stay within ${formatMoney(budget.cents, budget.currency)} per gesture.`
        : "Surprise ideas no longer have a budget cap.",
    );
  }
  for (const channelId of changes.digestsRemoved) {
    await change("digest.remove", (tx) => removeDigestSchedule(tx, workspace, channelId), { target: channelId });
    said.push(`${mentionChannel(channelId)} no longer gets a weekly digest.`);
  }
  if (changes.digestAdded) {
    const schedule = changes.digestAdded;
    await change("digest.add", (tx) => upsertDigestSchedule(tx, workspace, schedule, adminId, deps.clock.now()), {
      target: schedule.channelId,
    });
    said.push(`Weekly digest: ${formatDigestSchedule(schedule)}. ${nextDigestNotice(schedule, deps.clock.now())}`);
  }
  if (changes.signalsOwner !== undefined) {
    const owner = changes.signalsOwner;
    await changeSignalsOwner(deps, workspace, adminId, owner);
    said.push(
      owner
        ? `${mentionUser(owner)} now owns recoveries opened from customer signals when the agent isn't found in Slack.`
        : "No signals owner: a bad rating whose agent isn't found in Slack opens no case.",
    );
  }
  if (changes.signalThresholds) {
    const rules = changes.signalThresholds;
    await changeSignalThresholds(deps, workspace, adminId, rules);
    said.push(`Customer signal rules saved (signals already received keep what they did):\n${renderThresholds(rules)}`);
  }
  return said;
}
