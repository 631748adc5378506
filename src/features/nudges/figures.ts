// What customer signals and nudges did in a period, for the digest and insights: signals
// received, recoveries they opened (and how many of those were fixed on time), nominations by
// customers, nudges sent and acted on ("Use this" on one of their ideas within 7 days of the
// nudge: the interval in the query).
// Counted in the database; a line only when something happened.
import type { Db } from "../../db/database.ts";

export interface CustomerSignalFigures {
  signalsReceived: number;
  recoveriesOpened: number;
  /** Of the recoveries opened from signals in the period, those fixed so far, and on time. */
  recoveriesFixed: number;
  recoveriesFixedOnTime: number;
  customerNominations: number;
  nudgesSent: number;
  nudgesActedOn: number;
}

/** The figures of (from, to]. */
export async function customerSignalFigures(
  prisma: Db,
  teamId: string,
  from: Date,
  to: Date,
): Promise<CustomerSignalFigures> {
  const [signalsReceived, recoveries, customerNominations, nudges] = await Promise.all([
    prisma.inboundSignal.count({ where: { teamId, receivedAt: { gt: from, lte: to } } }),
    prisma.$queryRaw<Array<{ opened: number; fixed: number; on_time: number }>>`
      SELECT count(*)::int AS opened,
             (count(*) FILTER (WHERE status = 'resolved'))::int AS fixed,
             (count(*) FILTER (WHERE status = 'resolved' AND "resolvedAt" <= "dueAt"))::int AS on_time
      FROM "RecoveryCase"
      WHERE "teamId" = ${teamId} AND "sourceKey" LIKE 'signal:%'
        AND "reportedAt" > ${from} AND "reportedAt" <= ${to}`,
    prisma.nomination.count({ where: { teamId, nominatedBy: { not: null }, createdAt: { gt: from, lte: to } } }),
    prisma.$queryRaw<Array<{ sent: number; acted_on: number }>>`
      SELECT count(*)::int AS sent,
             (count(*) FILTER (WHERE EXISTS (
               SELECT 1 FROM "Gesture" g
               WHERE g."requestId" = n."requestId" AND g."givenAt" <= n."sentAt" + interval '7 days'
             )))::int AS acted_on
      FROM "Nudge" n
      WHERE n."teamId" = ${teamId} AND n.status = 'sent' AND n."sentAt" > ${from} AND n."sentAt" <= ${to}`,
  ]);
  return {
    signalsReceived,
    recoveriesOpened: Number(recoveries[0]?.opened ?? 0),
    recoveriesFixed: Number(recoveries[0]?.fixed ?? 0),
    recoveriesFixedOnTime: Number(recoveries[0]?.on_time ?? 0),
    customerNominations,
    nudgesSent: Number(nudges[0]?.sent ?? 0),
    nudgesActedOn: Number(nudges[0]?.acted_on ?? 0),
  };
}

/** One compact mrkdwn line, or null when there is nothing to say. */
export function customerSignalsLine(figures: CustomerSignalFigures | null | undefined): string | null {
  if (!figures) return null;
  const parts: string[] = [];
  if (figures.signalsReceived > 0) parts.push(`*${figures.signalsReceived}* received`);
  if (figures.recoveriesOpened > 0) {
    const share =
      figures.recoveriesFixed > 0
        ? ` (${Math.round((100 * figures.recoveriesFixedOnTime) / figures.recoveriesFixed)}% of those fixed were on time)`
        : "";
    parts.push(
      `*${figures.recoveriesOpened}* ${figures.recoveriesOpened === 1 ? "recovery" : "recoveries"} opened${share}`,
    );
  }
  if (figures.customerNominations > 0) {
    parts.push(
      `*${figures.customerNominations}* ${figures.customerNominations === 1 ? "nomination" : "nominations"} by customers`,
    );
  }
  if (figures.nudgesSent > 0) {
    parts.push(
      `*${figures.nudgesSent}* ${figures.nudgesSent === 1 ? "nudge" : "nudges"} sent, *${figures.nudgesActedOn}* acted on`,
    );
  }
  return parts.length > 0 ? `:satellite_antenna: Customer signals: ${parts.join(" · ")}` : null;
}
