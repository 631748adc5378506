// Pacing for writes to Slack, so we never have to be told to slow down: a token bucket per
// lane (GCRA: a rate and a small burst), plus "not before" gates set by Slack's 429
// Retry-After, which are stored in the database so every instance honours them. On
// PostgreSQL the lanes themselves are in the database too, so several instances share one pace.
//
// A write names its lanes (its channel, its workspace, its method); it may go when all of
// them allow it. A short wait is slept inline; a longer one is returned so the job can be
// rescheduled without holding a worker.
import type { Db } from "../db/database.ts";

export interface LaneRate {
  /** Writes per second, sustained. */
  perSecond: number;
  /** Writes allowed back to back after a quiet period. */
  burst: number;
}

/** Slack's documented limits, with a small margin. */
export const LANE_RATES = {
  /** chat.postMessage: about 1 message a second per channel, short bursts tolerated. */
  channel: { perSecond: 1, burst: 3 },
  /** Every post and update of one workspace together. */
  workspace: { perSecond: 10, burst: 20 },
  /** Tier 3 methods (chat.update, conversations.open): 50+ a minute. */
  tier3: { perSecond: 50 / 60, burst: 20 },
  /** Tier 4 methods (views.publish, files): 100+ a minute. */
  tier4: { perSecond: 100 / 60, burst: 20 },
} satisfies Record<string, LaneRate>;

export interface Lane {
  name: string;
  rate: LaneRate;
}

export type Admission = { waitMs: number } | { deferUntil: Date };

const GATE_REFRESH_MS = 2_000;

export type LaneRates = typeof LANE_RATES;

export class Pacer {
  readonly rates: LaneRates;
  /** Theoretical arrival time per lane (GCRA), in ms since the epoch, when not shared. */
  private readonly tat = new Map<string, number>();
  private readonly gates = new Map<string, number>();
  /** Deferred writes still to come back, per lane: spreads them instead of a stampede. */
  private readonly deferred = new Map<string, number[]>();
  private gatesReadAt = 0;
  private gatesReading: Promise<void> | undefined;
  private readonly shared: boolean;

  constructor(
    private readonly prisma: Db,
    options: {
      rates?: Partial<LaneRates>;
      now?: () => number;
      /**
       * Keep the lanes' arrival times in the database, so that every instance on it shares one
       * pace (PostgreSQL; PGlite has one process). Costs a short transaction per write.
       */
      shared?: boolean;
    } = {},
  ) {
    this.rates = { ...LANE_RATES, ...options.rates };
    this.now = options.now ?? Date.now;
    this.shared = options.shared ?? false;
  }

  private readonly now: () => number;

  /**
   * Takes a slot in every lane. Returns how long to wait before sending (slept by the
   * caller), or, past `maxWaitMs`, when to try again (nothing is taken then).
   */
  async admit(lanes: Lane[], maxWaitMs: number): Promise<Admission> {
    await this.refreshGates();
    if (!this.shared) return this.take(lanes, maxWaitMs, this.tat);
    const names = [...new Set(lanes.map((lane) => lane.name))].sort();
    // Rows locked in name order, so two writes sharing lanes never wait on each other crosswise.
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(
        `INSERT INTO "SlackPaceLane" ("lane", "tatMs") SELECT unnest($1::text[]), 0 ON CONFLICT DO NOTHING`,
        names,
      );
      const rows = await tx.$queryRawUnsafe<Array<{ lane: string; tatMs: number }>>(
        `SELECT "lane", "tatMs" FROM "SlackPaceLane" WHERE "lane" = ANY($1::text[]) ORDER BY "lane" FOR UPDATE`,
        names,
      );
      const tats = new Map(rows.map((row) => [row.lane, Number(row.tatMs)]));
      const admission = this.take(lanes, maxWaitMs, tats);
      if ("waitMs" in admission) {
        await tx.$executeRawUnsafe(
          `UPDATE "SlackPaceLane" AS p SET "tatMs" = v."tatMs"
             FROM (SELECT unnest($1::text[]) AS "lane", unnest($2::float8[]) AS "tatMs") AS v
            WHERE p."lane" = v."lane"`,
          names,
          names.map((name) => tats.get(name) ?? 0),
        );
      }
      return admission;
    });
  }

  /** GCRA over `tats` (updated in place when the write is admitted). */
  private take(lanes: Lane[], maxWaitMs: number, tats: Map<string, number>): Admission {
    const now = this.now();
    let sendAt = now;
    for (const lane of lanes) {
      const interval = 1000 / lane.rate.perSecond;
      const tat = Math.max(tats.get(lane.name) ?? now, now);
      const allowedAt = tat - (lane.rate.burst - 1) * interval;
      sendAt = Math.max(sendAt, allowedAt, this.gates.get(lane.name) ?? 0);
    }
    if (sendAt - now > maxWaitMs) {
      const slowest = lanes.reduce((a, b) => (a.rate.perSecond <= b.rate.perSecond ? a : b));
      const queue = (this.deferred.get(slowest.name) ?? []).filter((t) => t > now);
      const at = sendAt + queue.length * (1000 / slowest.rate.perSecond);
      queue.push(at);
      this.deferred.set(slowest.name, queue);
      return { deferUntil: new Date(at) };
    }
    for (const lane of lanes) {
      const interval = 1000 / lane.rate.perSecond;
      tats.set(lane.name, Math.max(tats.get(lane.name) ?? sendAt, sendAt) + interval);
    }
    return { waitMs: sendAt - now };
  }

  /** Slack answered 429: nothing goes to this lane before `retryAfterMs` from now, on any instance. */
  async rateLimited(lane: string, retryAfterMs: number): Promise<Date> {
    const notBefore = new Date(this.now() + retryAfterMs);
    this.gates.set(lane, notBefore.getTime());
    await this.prisma.slackRateGate.upsert({
      where: { lane },
      create: { lane, notBefore },
      update: { notBefore },
    });
    return notBefore;
  }

  private async refreshGates(): Promise<void> {
    if (this.now() - this.gatesReadAt < GATE_REFRESH_MS) return;
    this.gatesReading ??= (async () => {
      try {
        const rows = await this.prisma.slackRateGate.findMany({ where: { notBefore: { gt: new Date(this.now()) } } });
        for (const row of rows) {
          this.gates.set(row.lane, Math.max(this.gates.get(row.lane) ?? 0, row.notBefore.getTime()));
        }
        this.gatesReadAt = this.now();
      } finally {
        this.gatesReading = undefined;
      }
    })();
    await this.gatesReading;
  }
}
