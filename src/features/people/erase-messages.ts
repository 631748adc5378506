// After an erasure: the app's own Slack messages that named the person are updated (chat.update
// through the outbox) to show what the database now says — "a former colleague" — where Slack
// lets the app: approval cards and their buttons, shared stories, recovery case cards. Found
// by the tombstone the erasure put in place of the person's id. Each update has its own key
// under the erase job's, so a job run again repeats none. What Slack refuses (a message deleted
// since, a channel the app left) is logged and skipped; other people's messages are theirs.
import type { AppDeps } from "../../deps.ts";
import { getSettings } from "../admin/settings.ts";
import { enqueueHomePublish } from "../home/publish.ts";
import { SlackWriteRefused, type Outbox } from "../../slack/outbox.ts";
import { TOMBSTONE_PREFIX } from "../../slack/text.ts";
import { approvalCard, approvalControls, storyPost } from "../nominations/blocks.ts";
import { nominationPatterns } from "../nominations/pattern.ts";
import { renderCaseCard } from "../recoveries/blocks.ts";
import { getCase, parseCardMessageRef } from "../recoveries/service.ts";

type Deps = Pick<AppDeps, "prisma" | "clock" | "logger">;

export async function refreshErasedMessages(
  deps: Deps,
  outbox: Outbox,
  key: string,
  teamId: string,
  tombstone: string,
): Promise<number> {
  let updated = 0;
  const update = async (writeKey: string, args: { channel: string; ts: string; text: string; blocks?: unknown }) => {
    try {
      await outbox.update(writeKey, args);
      updated += 1;
    } catch (error) {
      if (!(error instanceof SlackWriteRefused)) throw error;
      deps.logger.warn(`After an erasure, Slack refused to update a message (${error.slackError})`);
    }
  };

  const nominations = await deps.prisma.nomination.findMany({
    where: {
      teamId,
      OR: [{ nominatorId: tombstone }, { nomineeIds: { has: tombstone } }, { decidedBy: tombstone }],
    },
  });
  for (const n of nominations) {
    if (n.approvalChannelId && n.approvalMessageTs) {
      const card = approvalCard(n, await nominationPatterns(deps.prisma, n));
      await update(`${key}:card:${n.id}`, { channel: n.approvalChannelId, ts: n.approvalMessageTs, ...card });
      if (n.controlsMessageTs) {
        await update(`${key}:controls:${n.id}`, {
          channel: n.approvalChannelId,
          ts: n.controlsMessageTs,
          ...approvalControls(n),
        });
      }
    }
    if (n.storyChannelId && n.storyMessageTs) {
      await update(`${key}:story:${n.id}`, { channel: n.storyChannelId, ts: n.storyMessageTs, ...storyPost(n) });
    }
  }

  const cases = await deps.prisma.recoveryCase.findMany({
    where: { teamId, OR: [{ ownerId: tombstone }, { reporterId: tombstone }, { resolvedBy: tombstone }] },
    select: { id: true },
  });
  for (const { id } of cases) {
    const recoveryCase = await getCase(deps.prisma, id);
    if (!recoveryCase) continue;
    for (const stored of recoveryCase.cardMessages) {
      const ref = parseCardMessageRef(stored);
      if (!ref) continue;
      const message = renderCaseCard(recoveryCase, { now: deps.clock.now(), timezone: ref.timezone });
      await update(`${key}:case:${id}:${ref.channel}:${ref.ts}`, {
        channel: ref.channel,
        ts: ref.ts,
        text: message.text,
        blocks: message.blocks,
      });
    }
  }
  return updated;
}

/**
 * Whose App Home showed the erased person: the people on stories with them (nominators,
 * co-recipients, deciders), the owners and reporters of cases they owned, reported or fixed,
 * and the managers (approvals, /holdingback themes, insight charts). Home is a view Slack
 * keeps as last published: it changes only when published again.
 */
export async function homesNamingErased(
  deps: Pick<AppDeps, "prisma">,
  teamId: string,
  tombstone: string,
): Promise<string[]> {
  const [nominations, cases, settings] = await Promise.all([
    deps.prisma.nomination.findMany({
      where: {
        teamId,
        OR: [{ nominatorId: tombstone }, { nomineeIds: { has: tombstone } }, { decidedBy: tombstone }],
      },
      select: { nominatorId: true, nomineeIds: true, decidedBy: true },
    }),
    deps.prisma.recoveryCase.findMany({
      where: { teamId, OR: [{ ownerId: tombstone }, { reporterId: tombstone }, { resolvedBy: tombstone }] },
      select: { ownerId: true, reporterId: true, resolvedBy: true },
    }),
    getSettings(deps.prisma, { teamId }),
  ]);
  const people = new Set<string>([
    ...nominations.flatMap((n) => [n.nominatorId, ...n.nomineeIds, n.decidedBy ?? ""]),
    ...cases.flatMap((c) => [c.ownerId, c.reporterId, c.resolvedBy ?? ""]),
    ...settings.managerIds,
  ]);
  return [...people].filter((id) => id && !id.startsWith(TOMBSTONE_PREFIX)).sort();
}

/** Publishes again every Home that showed the erased person (one job each, keyed under `key`). */
export async function republishHomes(
  deps: Pick<AppDeps, "prisma" | "jobs">,
  key: string,
  teamId: string,
  tombstone: string,
): Promise<string[]> {
  const people = await homesNamingErased(deps, teamId, tombstone);
  for (const userId of people) await enqueueHomePublish(deps, teamId, userId, undefined, `${key}:${userId}`);
  return people;
}
