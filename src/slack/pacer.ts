// Pacing for writes to Slack, so we never have to be told to slow down: a token bucket per
// lane (GCRA: a rate and a small burst), plus "not before" gates set by Slack's 429
// Retry-After, which are stored in the database so every instance honours them.
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
  /** Tier 3 methods (chat.update, reactions.add, conversations.open): 50+ a minute. */
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
  /** Theoretical arrival time per lane (GCRA), in ms since the epoch. */
  private readonly tat = new Map<string, number>();
  private readonly gates = new Map<string, number>();
  /** Deferred writes still to come back, per lane: spreads them instead of a stampede. */
  private readonly deferred = new Map<string, number[]>();
  private gatesReadAt = 0;
  private gatesReading: Promise<void> | undefined;

  constructor(
    private readonly prisma: Db,
    options: { rates?: Partial<LaneRates>; now?: () => number } = {},
  ) {
    this.rates = { ...LANE_RATES, ...options.rates };
    this.now = options.now ?? Date.now;
  }

  private readonly now: () => number;

  /**
   * Takes a slot in every lane. Returns how long to wait before sending (slept by the
   * caller), or, past `maxWaitMs`, when to try again (nothing is taken then).
   */
  async admit(lanes: Lane[], maxWaitMs: number): Promise<Admission> {
    await this.refreshGates();
    const now = this.now();
    let sendAt = now;
    for (const lane of lanes) {
      const interval = 1000 / lane.rate.perSecond;
      const tat = Math.max(this.tat.get(lane.name) ?? now, now);
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
      this.tat.set(lane.name, Math.max(this.tat.get(lane.name) ?? sendAt, sendAt) + interval);
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
