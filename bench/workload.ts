// Nominations as the bench sends them, and the approval cards they must produce, judged only
// from what the Slack stand-in recorded (the app's internals may change; its behaviour may not).
//
// Nominations are spread over several workspaces, each with its own approvals channel:
// Delight paces posts at about 1 message a second per channel (as Slack requires), so 1,000
// cards in one channel would take 1,000 s to appear whatever the app does. Each nomination
// carries a token (`benchref<tag>x<i>`) in its story, so a card is matched to its request.
import type { RecordedCall, SlackStandIn } from "../src/sandbox/slack-imitation.ts";
import {
  ADMIN_USER,
  burst,
  NOMINATOR,
  signedSlashCommand,
  sleep,
  loadTest,
  type LoadResult,
  type SignedRequest,
} from "./harness.ts";

export const NOMINEES = ["UALICE", "UBOB"];

export function addBenchUsers(slack: SlackStandIn): void {
  slack.addUser({ id: ADMIN_USER, name: "Admin" });
  slack.addUser({ id: NOMINATOR, name: "Nina" });
  for (const id of NOMINEES) slack.addUser({ id, name: id.slice(1) });
}

/** Time windows in which the stand-in answered every call with 503 (nothing was posted). */
const outages: Array<[number, number]> = [];

/** Makes the stand-in answer 503 for `ms`, remembering the window. */
export function slackOutage(slack: SlackStandIn, ms: number): { upAt: number } {
  const from = Date.now();
  slack.goDown(ms);
  const upAt = Date.now() + ms;
  outages.push([from, upAt]);
  return { upAt };
}

/** A chat.postMessage that took effect (not answered 429 or 503). */
function succeeded(slack: SlackStandIn, call: RecordedCall): boolean {
  if (slack.rateLimitedCalls.includes(call)) return false;
  return !outages.some(([from, to]) => call.at >= from && call.at <= to);
}

export interface CardCount {
  /** Cards per nomination index (from the story's token). */
  byIndex: Map<number, number>;
  /** Cards per nomination id (the card's metadata). */
  byNominationId: Map<string, number>;
  total: number;
  /** Time the last card was posted (ms since the epoch), 0 if none. */
  lastAt: number;
}

export interface CardVerdict {
  acknowledged: number;
  /** Acknowledged nominations without a card. */
  missing: number;
  /** Nominations with more than one card (by token or by nomination id). */
  doubled: number;
  distinctIds: number;
  total: number;
}

export class NominationWorkload {
  readonly teams: Array<{ teamId: string; channel: string }>;

  constructor(
    private readonly slack: SlackStandIn,
    /** Letters and digits only: part of channel ids and tokens. */
    readonly tag: string,
    workspaces: number,
  ) {
    this.teams = Array.from({ length: workspaces }, (_, k) => ({
      teamId: `T${tag.toUpperCase()}${k}`,
      channel: `C${tag.toUpperCase()}APPR${k}`,
    }));
  }

  /** Sets each workspace's approvals channel and waits until Delight has answered each admin. */
  async setUp(port: number, timeoutMs = 60_000): Promise<void> {
    const requests = this.teams.map((team, k) =>
      signedSlashCommand(
        "/delight-admin",
        `channel approvals <#${team.channel}|approvals-${k}>`,
        ADMIN_USER,
        `${this.slack.url}respond/${this.tag}-setup-${k}`,
        team.teamId,
      ),
    );
    // The setting is stored before the ack, which carries the answer: a 200 means it is set.
    const result = await burst(port, requests);
    if (result.errors > 0) {
      const statuses = result.answers.filter((a) => a.status !== 200).map((a) => a.status);
      throw new Error(
        `${result.errors} of ${requests.length} admin commands failed (HTTP ${[...new Set(statuses)].join(", ")})`,
      );
    }
    // Let the channel-join jobs run before the measured part starts.
    const channels = new Set(this.teams.map((team) => team.channel));
    await this.slack
      .waitFor(() => [...channels].every((channel) => this.slack.memberOf.has(channel)), timeoutMs)
      .catch(() => undefined);
    await sleep(200);
  }

  /** The manager of workspace `k` (added to the stand-in's users by `configure`). */
  manager(k: number): string {
    return `UMGR${this.tag.toUpperCase()}${k}`;
  }

  /**
   * Configures every workspace as an admin does on day one: an approvals channel and a manager
   * each (two signed `/delight-admin` commands per workspace, `concurrency` at a time: admins
   * typing, not a burst). Unlike setUp it does not wait for the follow-up work (joining the
   * channels), which is still queued when the caller's next requests arrive, as in real use.
   */
  async configure(port: number, concurrency = 10): Promise<LoadResult> {
    this.teams.forEach((_, k) => this.slack.addUser({ id: this.manager(k), name: `Manager ${k}` }));
    const requests = this.teams.flatMap((team, k) => [
      signedSlashCommand(
        "/delight-admin",
        `channel approvals <#${team.channel}|approvals-${k}>`,
        ADMIN_USER,
        `${this.slack.url}respond/${this.tag}-setup-${k}`,
        team.teamId,
      ),
      signedSlashCommand(
        "/delight-admin",
        `managers add <@${this.manager(k)}|manager-${k}>`,
        ADMIN_USER,
        `${this.slack.url}respond/${this.tag}-managers-${k}`,
        team.teamId,
      ),
    ]);
    const statuses = new Set<number>();
    const result = await loadTest(port, {
      total: requests.length,
      concurrency,
      makeRequest: (i) => requests[i]!,
      onAnswer: (_, status) => void (status !== 200 && statuses.add(status)),
    });
    if (result.errors > 0) {
      // Bolt answers 404 to a command not acknowledged within 3 s; its listener still finishes
      // (the settings are then stored a little later). Said, not fatal: the run goes on.
      console.log(
        `  (${result.errors} of ${requests.length} admin commands were not acknowledged in time: HTTP ${[...statuses].join(", ")})`,
      );
    }
    return result;
  }

  token(i: number): string {
    return `benchref${this.tag}x${i}`;
  }

  /** Nominations `from` … `from + count - 1`, spread round-robin over the workspaces. */
  requests(count: number, from = 0): SignedRequest[] {
    return Array.from({ length: count }, (_, n) => {
      const i = from + n;
      const team = this.teams[i % this.teams.length]!;
      return signedSlashCommand(
        "/delight",
        `<@UALICE|alice> <@UBOB|bob> ${this.token(i)} re-shipped the order overnight with a handwritten note #attention #delight`,
        NOMINATOR,
        `${this.slack.url}respond/${this.tag}-n${i}`,
        team.teamId,
      );
    });
  }

  /** Successful posts to this workload's approvals channels (cards and thread replies). */
  posts(): RecordedCall[] {
    const channels = new Set(this.teams.map((t) => t.channel));
    return this.slack
      .callsTo("chat.postMessage")
      .filter((call) => channels.has(String(call.args.channel)) && succeeded(this.slack, call));
  }

  cards(): CardCount {
    const pattern = new RegExp(`benchref${this.tag}x(\\d+)`);
    const byIndex = new Map<number, number>();
    const byNominationId = new Map<string, number>();
    let total = 0;
    let lastAt = 0;
    for (const call of this.posts()) {
      if (call.args.thread_ts !== undefined) continue;
      total++;
      lastAt = Math.max(lastAt, call.at);
      const index = pattern.exec(JSON.stringify(call.args))?.[1];
      if (index !== undefined) byIndex.set(Number(index), (byIndex.get(Number(index)) ?? 0) + 1);
      const metadata = call.args.metadata as { event_payload?: { nomination_id?: unknown } } | undefined;
      const id = metadata?.event_payload?.nomination_id;
      if (typeof id === "string") byNominationId.set(id, (byNominationId.get(id) ?? 0) + 1);
    }
    return { byIndex, byNominationId, total, lastAt };
  }

  verdict(acknowledged: number[]): CardVerdict {
    const cards = this.cards();
    const missing = acknowledged.filter((i) => !cards.byIndex.has(i)).length;
    const doubledByIndex = [...cards.byIndex.values()].filter((n) => n > 1).length;
    const doubledById = [...cards.byNominationId.values()].filter((n) => n > 1).length;
    return {
      acknowledged: acknowledged.length,
      missing,
      doubled: Math.max(doubledByIndex, doubledById),
      distinctIds: cards.byNominationId.size,
      total: cards.total,
    };
  }

  /**
   * Waits until every acknowledged nomination has a card (or `timeoutMs`), then `settleMs`
   * more so a card posted twice shows up. Returns the seconds it took, or undefined.
   */
  async waitForCards(acknowledged: number[], timeoutMs: number, settleMs = 3_000): Promise<number | undefined> {
    const started = Date.now();
    let done = false;
    while (Date.now() - started < timeoutMs) {
      const cards = this.cards();
      if (acknowledged.every((i) => cards.byIndex.has(i))) {
        done = true;
        break;
      }
      await sleep(100);
    }
    const seconds = (Date.now() - started) / 1000;
    await sleep(settleMs);
    return done ? seconds : undefined;
  }
}

export function describeVerdict(v: CardVerdict): string {
  return `${v.acknowledged} acknowledged → ${v.total} cards posted, ${v.distinctIds} distinct nomination ids; ${v.missing} without a card, ${v.doubled} posted twice`;
}
