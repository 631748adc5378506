// The Slack imitation's rate limits: Tier 2 methods per minute, and chat.postMessage per
// channel when a test or benchmark asks for Slack's pace. Past a limit: 429 + Retry-After.

/**
 * Slack's Tier 2 (about 20 calls a minute per method and workspace): users.list, and
 * conversations.members here too, which Slack lists as Tier 4. The imitation is stricter on
 * purpose: a sweep of a big channel's members must be paced like users.list.
 */
const TIER_2_PER_MINUTE = 20;
const DEFAULT_TIERED: Record<string, number> = {
  "users.list": TIER_2_PER_MINUTE,
  "conversations.members": TIER_2_PER_MINUTE,
};

export interface ChannelRateLimit {
  perSecond: number;
  burst: number;
}

export class RateLimits {
  /** Calls per minute allowed for tiered read methods (Tier 2); beyond, 429 + Retry-After. */
  readonly tierLimits = new Map<string, number>(Object.entries(DEFAULT_TIERED));
  private readonly tierCalls = new Map<string, number[]>();
  /** Answers 429 (per channel, like Slack's chat.postMessage limit) past this rate. */
  private channelRateLimit?: ChannelRateLimit;
  private readonly channelBuckets = new Map<string, number>();

  limitPostsPerChannel(limit: ChannelRateLimit | undefined): void {
    this.channelRateLimit = limit;
    this.channelBuckets.clear();
  }

  /** Sliding minute per tiered method: the wait before this call would be allowed (0 = now, counted). */
  tierDelayMs(method: string): number {
    const perMinute = this.tierLimits.get(method);
    if (!perMinute) return 0;
    const now = Date.now();
    const recent = (this.tierCalls.get(method) ?? []).filter((at) => at > now - 60_000);
    this.tierCalls.set(method, recent);
    if (recent.length >= perMinute) return (recent[0] ?? now) + 60_000 - now;
    recent.push(now);
    return 0;
  }

  /** GCRA per channel: the delay before this post would be allowed (0 = now), taking the slot if allowed. */
  channelDelayMs(channel: string): number {
    const limit = this.channelRateLimit;
    if (!limit) return 0;
    const interval = 1000 / limit.perSecond;
    const now = Date.now();
    const tat = Math.max(this.channelBuckets.get(channel) ?? now, now);
    const allowedAt = tat - (limit.burst - 1) * interval;
    if (allowedAt > now) return allowedAt - now;
    this.channelBuckets.set(channel, tat + interval);
    return 0;
  }
}
