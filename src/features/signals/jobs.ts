// What a saved signal does, in its job: the customer record is filled in; a detractor opens a
// recovery case by itself; praise with a comment becomes a nomination by the customer. Each
// effect is keyed by what it is about (the ticket, else the event), so the job running again,
// or the same ticket rated bad three times, opens one case and makes one nomination.
import type { webApi } from "@slack/bolt";
import { z } from "zod";
import type { AppDeps } from "../../deps.ts";
import type { Outbox } from "../../slack/outbox.ts";
import { SlackWriteRefused } from "../../slack/outbox.ts";
import { escapeMrkdwn } from "../../slack/text.ts";
import { publishApprovalCard } from "../nominations/cards.ts";
import { saveNomination } from "../nominations/intake.ts";
import { schedulePraiseNudge } from "../nudges/service.ts";
import { sendCaseCardByDm } from "../recoveries/cards.ts";
import { findCaseBySource, isUniqueViolation, openCase } from "../recoveries/service.ts";
import { upsertSignalCustomer } from "./customers.ts";
import { PROCESS_SIGNAL_JOB } from "./hooks.ts";
import { SOURCE_LABELS, storedSignal, verdictOf, type StoredSignal } from "./model.ts";
import { slackUserByEmail } from "./people.ts";
import { signalsOwner, signalThresholds } from "./settings.ts";

const MINUTE_MS = 60_000;

/** Slack-escaped text (the convention of stored case and nomination texts) from plain text. */
export function slackEscaped(plain: string): string {
  return plain.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** "Zendesk ticket #123", "Intercom conversation 42", or the source's name alone. */
export function originOf(signal: Pick<StoredSignal, "source" | "reference">): string {
  const label = signal.source === "generic" ? "a customer signal" : SOURCE_LABELS[signal.source];
  return signal.reference ? `${label} ${signal.reference}` : label;
}

function scoreText(signal: StoredSignal): string {
  const score = signal.score;
  if (!score) return "";
  if (score.label) return `rated “${score.label}”`;
  if (score.kind === "nps") return `gave an NPS of ${score.value ?? "?"}`;
  return `rated ${score.value ?? "?"} of ${score.scaleMax ?? 5}`;
}

export type Outcome = "detractor" | "praise" | "counted" | "customer" | "no-owner";

type JobDeps = Pick<AppDeps, "prisma" | "clock" | "logger" | "users" | "jobs">;

async function openRecovery(
  deps: JobDeps,
  outbox: Outbox,
  client: webApi.WebClient,
  row: { id: string; teamId: string; enterpriseId: string | null; connectionId: string; eventId: string },
  signal: StoredSignal,
): Promise<Outcome> {
  // One case per ticket (or per event when the source names no ticket), however often it comes.
  const sourceKey = `signal:${row.connectionId}:${signal.subjectKey ?? `event:${row.eventId}`}:recovery`;
  let recoveryCase = await findCaseBySource(deps.prisma, sourceKey);
  if (!recoveryCase) {
    const agent = signal.agentEmail ? await slackUserByEmail(client, signal.agentEmail) : null;
    const ownerId = agent ?? (await signalsOwner(deps.prisma, row.teamId));
    if (!ownerId) return "no-owner";
    const workspace = await deps.prisma.workspace.findUniqueOrThrow({ where: { teamId: row.teamId } });
    const occurredAt = new Date(signal.occurredAt);
    // The 24 hours count from the customer's rating, not from when it reached us.
    const dueAt = new Date(
      Math.min(occurredAt.getTime(), deps.clock.now().getTime()) + workspace.slaMinutes * MINUTE_MS,
    );
    // Case texts are stored as safe mrkdwn (recoveries/parse.ts): nothing the customer wrote can act.
    const what = escapeMrkdwn(signal.comment ?? `The customer ${scoreText(signal)} on ${originOf(signal)}.`);
    try {
      recoveryCase = await openCase(deps.prisma, deps.clock.now(), {
        workspace: { teamId: row.teamId, enterpriseId: row.enterpriseId },
        reporterId: ownerId,
        ownerId,
        customer: escapeMrkdwn(signal.customer.name),
        description: what,
        link: signal.url,
        dueAt,
        sourceKey,
        origin: `Opened from ${escapeMrkdwn(originOf(signal))}`,
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      recoveryCase = await findCaseBySource(deps.prisma, sourceKey);
      if (!recoveryCase) throw error;
    }
  }
  const lead = `:rotating_light: A customer ${scoreText(signal)} on ${escapeMrkdwn(originOf(signal))}, so I opened this service recovery for you. Fix it before the deadline and keep the customer in the loop.`;
  await sendCaseCardByDm(
    deps,
    outbox,
    `case:${recoveryCase.id}:owner-dm`,
    recoveryCase,
    recoveryCase.ownerId,
    lead,
  ).catch((error: unknown) => {
    if (!(error instanceof SlackWriteRefused)) throw error;
    deps.logger.warn("Could not DM the owner of a case opened from a signal", error.slackError);
  });
  return "detractor";
}

async function nominateFromPraise(
  deps: JobDeps,
  outbox: Outbox,
  client: webApi.WebClient,
  row: { teamId: string; enterpriseId: string | null; connectionId: string; eventId: string },
  signal: StoredSignal,
  customerId: string,
): Promise<Outcome> {
  // Without the customer's words there is no story; without a colleague, nobody to recognise.
  if (!signal.comment || !signal.agentEmail) return "counted";
  const agent = await slackUserByEmail(client, signal.agentEmail);
  if (!agent) return "counted";
  const via = signal.source === "generic" ? "" : ` (via ${SOURCE_LABELS[signal.source]})`;
  const { nomination } = await saveNomination(deps, {
    workspace: { teamId: row.teamId, enterpriseId: row.enterpriseId },
    nominatorId: `signal:${row.connectionId}`,
    nominatedBy: `${signal.customer.name}${via}`,
    nomineeIds: [agent],
    story: slackEscaped(signal.comment),
    values: ["delight"],
    customer: signal.customer.name,
    link: signal.url,
    intakeKey: `signal:${row.connectionId}:${signal.subjectKey ?? `event:${row.eventId}`}:praise`,
  });
  await publishApprovalCard(deps, outbox, nomination.id);
  // The praised person hears the customer's words with ideas to thank them back (nudges).
  await schedulePraiseNudge(deps.prisma, {
    teamId: row.teamId,
    nominationId: nomination.id,
    userId: agent,
    customerId,
    now: deps.clock.now(),
  });
  return "praise";
}

/**
 * A bad rating that nobody could be given: the admin who last configured Delight hears (once
 * per signal), so the customer is not left waiting unseen.
 */
async function tellAdminNoOwner(
  deps: JobDeps,
  outbox: Outbox,
  key: string,
  teamId: string,
  signal: StoredSignal,
): Promise<void> {
  const workspace = await deps.prisma.workspace.findUnique({ where: { teamId }, select: { adminContactId: true } });
  if (!workspace?.adminContactId) {
    deps.logger.warn("A detractor signal found no owner and no admin to tell", { teamId });
    return;
  }
  const who = signal.agentEmail ? "its agent isn't in this Slack workspace (by email)" : "it names no agent";
  const text = `:warning: ${escapeMrkdwn(signal.customer.name)} ${scoreText(signal)} on ${escapeMrkdwn(originOf(signal))}, but ${who} and no signals owner is set, so no recovery was opened. Set one with \`/delight-admin signals owner @person\`.`;
  await outbox.directMessage(key, workspace.adminContactId, { text }).catch((error: unknown) => {
    if (!(error instanceof SlackWriteRefused)) throw error;
  });
}

/** Each workspace's Web API client (its own token in distribution mode): `router.clientFor`. */
export type ClientFor = (teamId: string) => webApi.WebClient;

export function registerSignalJobs(deps: JobDeps, clientFor: ClientFor): void {
  const payload = z.object({
    connectionId: z.string(),
    eventId: z.string(),
    receivedAt: z.iso.datetime(),
    signal: storedSignal,
  });
  deps.jobs.register(PROCESS_SIGNAL_JOB, payload, async (job, { key, outbox }) => {
    const connection = await deps.prisma.signalConnection.findUnique({ where: { id: job.connectionId } });
    if (!connection) return;
    // The event, remembered for as long as the connection (jobs are pruned after days): a
    // replay after that finds it processed and does nothing.
    await deps.prisma.inboundSignal.createMany({
      data: [
        {
          connectionId: job.connectionId,
          teamId: connection.teamId,
          eventId: job.eventId,
          signal: job.signal,
          occurredAt: new Date(job.signal.occurredAt),
          receivedAt: new Date(job.receivedAt),
        },
      ],
      skipDuplicates: true,
    });
    const found = await deps.prisma.inboundSignal.findUnique({
      where: { connectionId_eventId: { connectionId: job.connectionId, eventId: job.eventId } },
    });
    if (!found || found.processedAt) return;
    const row = { ...found, connection: { enterpriseId: connection.enterpriseId } };
    const signal = storedSignal.parse(row.signal);
    const workspace = { teamId: row.teamId, enterpriseId: row.connection.enterpriseId };
    const customer = await upsertSignalCustomer(deps.prisma, workspace, {
      source: signal.source,
      customer: signal.customer,
      sourceKey: key,
      now: deps.clock.now(),
    });
    let outcome: Outcome = "customer";
    if (signal.type === "feedback") {
      const target = { ...row, enterpriseId: row.connection.enterpriseId };
      const client = clientFor(row.teamId);
      const verdict = verdictOf(signal, await signalThresholds(deps.prisma, row.teamId));
      outcome =
        verdict === "detractor"
          ? await openRecovery(deps, outbox, client, target, signal)
          : verdict === "praise"
            ? await nominateFromPraise(deps, outbox, client, target, signal, customer.id)
            : "counted";
    }
    if (outcome === "no-owner") await tellAdminNoOwner(deps, outbox, `${key}:no-owner`, row.teamId, signal);
    const now = deps.clock.now();
    await deps.prisma.inboundSignal.update({ where: { id: row.id }, data: { processedAt: now, outcome } });
    await deps.prisma.signalConnection.update({ where: { id: row.connectionId }, data: { lastSignalAt: now } });
  });
}
