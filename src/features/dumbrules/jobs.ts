// The dumb-rules feature's work after the ack: recording a rule and posting it, refreshing
// its message after +1s and decisions, telling the reporter the outcome, and replies to
// clicks. Every write goes through the job's outbox with a key named after the job; every
// step is idempotent (the rule is found by the job that recorded it).
import type { AppDeps } from "../../deps.ts";
import type { JobQueue } from "../../jobs/queue.ts";
import { SlackWriteRefused, type Outbox } from "../../slack/outbox.ts";
import { getSettings } from "../admin/settings.ts";
import { outcomeText, recordedText, ruleMessage } from "./blocks.ts";
import {
  clickReplyPayload,
  decidedPayload,
  DUMBRULE_JOBS,
  recordPayload,
  refreshCardPayload,
  type DumbRuleView,
} from "./model.ts";
import { getRule, recordRule, setRuleMessage } from "./service.ts";

type JobDeps = Pick<AppDeps, "prisma" | "clock" | "logger">;

/** Rounds of "send, read again" before a refresh gives up (each new +1 has its own job anyway). */
const MAX_REFRESH_ROUNDS = 5;

/** What the message shows: when this differs from what was sent, the message is stale. */
const shownState = (rule: DumbRuleView) => `${rule.status}:${rule.plusOnes}:${rule.decidedBy ?? ""}`;

/**
 * Brings the rule's message up to date with the count read now, and reads again after
 * sending: when two refreshes race (two +1s at once), whichever sends last sees the final
 * count and sends it, so the message never ends on an older count. Each update's key names
 * the job and the state it shows, so a rerun repeats nothing.
 */
export async function refreshRuleMessage(
  deps: JobDeps,
  outbox: Outbox,
  keyPrefix: string,
  ruleId: string,
  /** The state the message is known to show already (just posted): no update for it. */
  alreadyShown?: string,
): Promise<void> {
  let rule = await getRule(deps.prisma, ruleId);
  if (rule && alreadyShown === shownState(rule)) return;
  for (let round = 0; rule?.channelId && rule.messageTs && round < MAX_REFRESH_ROUNDS; round += 1) {
    const sent = shownState(rule);
    await outbox.update(`${keyPrefix}:card:${sent}`, {
      channel: rule.channelId,
      ts: rule.messageTs,
      ...ruleMessage(rule),
    });
    rule = await getRule(deps.prisma, ruleId);
    if (!rule || shownState(rule) === sent) return;
  }
}

function logRefused(deps: JobDeps, what: string): (error: unknown) => void {
  return (error: unknown) => {
    if (!(error instanceof SlackWriteRefused)) throw error;
    deps.logger.warn(what, error.slackError);
  };
}

export function registerDumbRulesJobs(jobs: JobQueue, deps: JobDeps): void {
  jobs.register(DUMBRULE_JOBS.record, recordPayload, async (job, { key, outbox }) => {
    const rule = await recordRule(deps.prisma, {
      workspace: { teamId: job.teamId, enterpriseId: job.enterpriseId },
      sourceKey: key,
      reporterId: job.userId,
      rule: job.rule,
      why: job.why,
      now: deps.clock.now(),
    });
    const settings = await getSettings(deps.prisma, { teamId: job.teamId });
    let channelId = rule.channelId;
    let postedState: string | undefined;
    let refusedChannel: string | undefined;
    if (!rule.messageTs && settings.dumbRulesChannelId) {
      try {
        const posted = await outbox.postMessage(`${key}:card`, {
          channel: settings.dumbRulesChannelId,
          ...ruleMessage(rule),
        });
        await setRuleMessage(deps.prisma, rule.id, posted.channel, posted.ts);
        channelId = posted.channel;
        postedState = shownState(rule);
      } catch (error) {
        // Recorded anyway: it is listed and in the digest; the reporter hears where it is.
        logRefused(deps, "Could not post a dumb rule to its channel")(error);
        refusedChannel = settings.dumbRulesChannelId;
      }
    }
    const text = recordedText(rule, channelId, refusedChannel);
    if (job.responseUrl) await outbox.respond(`${key}:confirmation`, job.responseUrl, { text });
    else {
      await outbox
        .directMessage(`${key}:confirmation`, job.userId, { text })
        .catch(logRefused(deps, "Could not confirm a dumb rule by DM"));
    }
    // +1s clicked before the message's location was stored are shown now.
    await refreshRuleMessage(deps, outbox, `${key}:after-post`, rule.id, postedState);
  });

  jobs.register(DUMBRULE_JOBS.refreshCard, refreshCardPayload, async (job, { key, outbox }) => {
    await refreshRuleMessage(deps, outbox, key, job.ruleId);
  });

  jobs.register(DUMBRULE_JOBS.decided, decidedPayload, async (job, { key, outbox }) => {
    const rule = await getRule(deps.prisma, job.ruleId);
    if (!rule || rule.status === "open") return;
    await outbox
      .directMessage(`${key}:reporter`, rule.reporterId, { text: outcomeText(rule) })
      .catch(logRefused(deps, "Could not tell the reporter of a dumb rule the outcome"));
    await refreshRuleMessage(deps, outbox, key, rule.id);
  });

  jobs.register(DUMBRULE_JOBS.clickReply, clickReplyPayload, async (job, { key, outbox }) => {
    await outbox.respond(`${key}:reply`, job.responseUrl, { text: job.text, replace_original: false });
  });
}
