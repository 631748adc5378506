// What each kind of nudge is about, read when it is delivered (so a nudge deferred overnight
// sees the case, nomination or customer as they are then): its customer, until when it is
// worth sending, what the suggester is asked, and the DM's lead. Or why it is no longer sent.
import type { Db } from "../../db/database.ts";
import type { Customer, Nudge } from "../../generated/prisma/client.ts";
import { plainFromSlack } from "../../slack/text.ts";
import { customerOfCase, findCustomer } from "../customers/service.ts";
import { caseLabel } from "../recoveries/blocks.ts";
import { getCase } from "../recoveries/service.ts";
import type { Occasion } from "../surprises/model.ts";
import { anniversaryLead, fixNudgeLead, praiseNudgeLead, renewalLead } from "./blocks.ts";
import { milestoneOf, PRAISE_WINDOW_MS, RECOVERY_WINDOW_MS } from "./service.ts";

const DAY_MS = 24 * 3_600_000;

export interface NudgeSubject {
  enterpriseId: string | null;
  customer: Customer | null;
  /** Plain text. */
  customerName: string;
  /** After this the nudge has no point; it is dropped as too late. */
  lastUsefulAt: Date;
  caseId: string | null;
  caseLabel: string | null;
  /** Plain text: what the suggester is told about the occasion. */
  context: string;
  occasion: Occasion;
  /** How many of the suggester's ideas the DM shows. */
  ideas: number;
  /** The DM's first section (mrkdwn, escaped) and its notification text (plain). */
  lead: (customerName: string) => string;
  summary: string;
}

export type Prepared = { ok: true; subject: NudgeSubject } | { ok: false; drop: string };

const drop = (why: string): Prepared => ({ ok: false, drop: why });

async function enterpriseOf(prisma: Db, teamId: string): Promise<string | null> {
  const row = await prisma.workspace.findUnique({ where: { teamId }, select: { enterpriseId: true } });
  return row?.enterpriseId ?? null;
}

/** A recovery fixed without a surprise: only while the case is within 24 h of the OOPS. */
async function fixSubject(prisma: Db, nudge: Nudge): Promise<Prepared> {
  if (!nudge.caseId) return drop("no-case");
  const recoveryCase = await getCase(prisma, nudge.caseId);
  if (!recoveryCase || recoveryCase.status !== "resolved") return drop("not-fixed");
  const gestures = await prisma.gesture.count({ where: { caseId: recoveryCase.id } });
  if (recoveryCase.surpriseGiven?.trim() || gestures > 0) return drop("surprise-given");
  const customer = await customerOfCase(prisma, recoveryCase.id);
  const label = caseLabel(recoveryCase);
  return {
    ok: true,
    subject: {
      enterpriseId: recoveryCase.enterpriseId,
      customer,
      customerName: customer?.name ?? plainFromSlack(recoveryCase.customer),
      lastUsefulAt: new Date(recoveryCase.reportedAt.getTime() + RECOVERY_WINDOW_MS),
      caseId: recoveryCase.id,
      caseLabel: label,
      context: plainFromSlack(recoveryCase.description),
      occasion: "recovery",
      ideas: 3,
      lead: (name) => fixNudgeLead(label, name),
      summary: "Now turn the OOPS into a WOW",
    },
  };
}

/** Praise from a customer: their words, and ideas to thank them back, within a week. */
async function praiseSubject(prisma: Db, nudge: Nudge): Promise<Prepared> {
  const nominationId = nudge.subjectKey.slice("praise:".length);
  const nomination = await prisma.nomination.findUnique({ where: { id: nominationId } });
  if (!nomination || nomination.teamId !== nudge.teamId || !nomination.customer) return drop("no-praise");
  // The record the signal filled (found by the sender's id, whatever the name), else by name.
  const customer =
    (nudge.customerId ? await prisma.customer.findUnique({ where: { id: nudge.customerId } }) : null) ??
    (await findCustomer(prisma, nudge.teamId, nomination.customer));
  const customerName = customer?.name ?? nomination.customer;
  const words = plainFromSlack(nomination.story);
  return {
    ok: true,
    subject: {
      enterpriseId: nomination.enterpriseId ?? null,
      customer,
      customerName,
      lastUsefulAt: new Date(nudge.createdAt.getTime() + PRAISE_WINDOW_MS),
      caseId: null,
      caseLabel: null,
      context: `Thank the customer for their kind words: ${words}`,
      occasion: "thank_you",
      ideas: 2,
      lead: (name) => praiseNudgeLead(name, words),
      summary: `${customerName} praised you`,
    },
  };
}

/** 14 days before a renewal (until the day), or a customer's anniversary (for a week). */
async function milestoneSubject(prisma: Db, nudge: Nudge): Promise<Prepared> {
  const milestone = milestoneOf(nudge.subjectKey);
  if (!milestone || !nudge.customerId) return drop("no-milestone");
  const customer = await prisma.customer.findUnique({ where: { id: nudge.customerId } });
  if (!customer || customer.teamId !== nudge.teamId) return drop("no-customer");
  const renewal = milestone.kind === "renewal";
  // A renewal moved since the nudge was planned: this occurrence is gone (the new date gets its own).
  if (renewal && customer.renewalAt?.toISOString().slice(0, 10) !== milestone.date) return drop("moved");
  const day = new Date(`${milestone.date}T00:00:00Z`);
  const years = renewal ? 0 : day.getUTCFullYear() - (customer.customerSince?.getUTCFullYear() ?? day.getUTCFullYear());
  return {
    ok: true,
    subject: {
      enterpriseId: await enterpriseOf(prisma, nudge.teamId),
      customer,
      customerName: customer.name,
      lastUsefulAt: renewal ? day : new Date(day.getTime() + 7 * DAY_MS),
      caseId: null,
      caseLabel: null,
      context: renewal
        ? `Their renewal is on ${milestone.date}: thank them for their loyalty before it comes up.`
        : `Their anniversary as a customer: ${years} ${years === 1 ? "year" : "years"} with us.`,
      occasion: renewal ? "loyalty" : "milestone",
      ideas: 3,
      lead: (name) => (renewal ? renewalLead(name, milestone.date) : anniversaryLead(name, years)),
      summary: renewal ? `${customer.name} renews on ${milestone.date}` : `${customer.name}'s anniversary`,
    },
  };
}

export function nudgeSubject(prisma: Db, nudge: Nudge): Promise<Prepared> {
  switch (nudge.kind) {
    case "fix":
      return fixSubject(prisma, nudge);
    case "praise":
      return praiseSubject(prisma, nudge);
    case "renewal":
    case "anniversary":
      return milestoneSubject(prisma, nudge);
    default:
      return Promise.resolve(drop("unknown-kind"));
  }
}
