// The sandbox's "Customer signals" panel: each button sends one webhook as the vendor sends it
// (Zendesk's trigger body and signature, a Standard Webhooks signed generic body) to the
// sandbox's own PUBLIC_URL, which passes it to the app's real /hooks/ endpoint. Connections
// are made on the first press, like an admin's `/delight-admin connect`, with secrets only
// this process knows.
import { randomBytes } from "node:crypto";
import type { Clock } from "../clock.ts";
import type { Config } from "../config.ts";
import type { Db } from "../db/database.ts";
import { createConnection, newStandardWebhooksSecret, secretsCipher } from "../features/signals/connections.ts";
import { signStandardWebhook, signZendesk } from "../features/signals/signatures.ts";
import { PEOPLE } from "./people.ts";
import type { SandboxSignalKind } from "./server.ts";
import { TEAM_ID } from "./workspace.ts";

/** The sandbox people's work emails (users.lookupByEmail maps a signal's agent to them). */
export const SANDBOX_EMAILS = {
  [PEOPLE.staff.id]: "sam@sandbox.example",
  [PEOPLE.colleague.id]: "alex@sandbox.example",
} as const;

interface Connection {
  id: string;
  secret: string;
}

export class SandboxSignals {
  private zendesk?: Connection;
  private generic?: Connection;
  private sequence = 100;

  constructor(private readonly options: { prisma: Db; config: Config; clock: Clock; publicUrl: string }) {}

  private async connect(source: "zendesk" | "generic"): Promise<Connection> {
    const existing = source === "zendesk" ? this.zendesk : this.generic;
    if (existing) return existing;
    const { prisma, config, clock } = this.options;
    const secret = source === "zendesk" ? randomBytes(24).toString("base64") : newStandardWebhooksSecret();
    const connection = await createConnection(
      prisma,
      secretsCipher(config),
      { teamId: TEAM_ID },
      {
        source,
        secret,
        createdBy: PEOPLE.admin.id,
        now: clock.now(),
      },
    );
    const made = { id: connection.id, secret };
    if (source === "zendesk") this.zendesk = made;
    else this.generic = made;
    return made;
  }

  private async post(path: string, body: string, headers: Record<string, string>): Promise<number> {
    const response = await fetch(`${this.options.publicUrl.replace(/\/$/, "")}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
    });
    await response.arrayBuffer();
    return response.status;
  }

  /** Zendesk's trigger JSON (README, "Connect your helpdesk"), signed with its scheme. */
  private async zendeskRating(rating: "Bad" | "Good", comment: string, customer: string): Promise<number> {
    const connection = await this.connect("zendesk");
    const ticket = (this.sequence += 1);
    const body = JSON.stringify({
      ticket_id: ticket,
      ticket_url: `https://sandbox.zendesk.com/agent/tickets/${ticket}`,
      rating,
      comment,
      customer,
      requester: "Jo Customer",
      assignee_email: SANDBOX_EMAILS[PEOPLE.colleague.id],
    });
    // Zendesk's timestamp: ISO 8601 to the second, as in "Anatomy of a webhook request".
    const timestamp = this.options.clock
      .now()
      .toISOString()
      .replace(/\.\d{3}Z$/, "Z");
    return this.post(`/hooks/zendesk/${connection.id}`, body, {
      ...signZendesk(connection.secret, timestamp, body),
      "x-zendesk-webhook-invocation-id": `sandbox-${ticket}`,
    });
  }

  /** The generic format, signed with Standard Webhooks. */
  private async genericSignal(body: Record<string, unknown>): Promise<number> {
    const connection = await this.connect("generic");
    const raw = JSON.stringify(body);
    const id = `msg_sandbox_${(this.sequence += 1)}`;
    const seconds = Math.floor(this.options.clock.now().getTime() / 1000);
    return this.post(`/hooks/generic/${connection.id}`, raw, signStandardWebhook(connection.secret, id, seconds, raw));
  }

  /** Sends one signal; the answer is what the person should look at next. */
  async send(kind: SandboxSignalKind): Promise<string> {
    const now = this.options.clock.now();
    const day = 24 * 3_600_000;
    let status: number;
    let next: string;
    switch (kind) {
      case "zendesk-bad":
        status = await this.zendeskRating(
          "Bad",
          "The replacement part never arrived and nobody called me back.",
          "Acme Corp",
        );
        next =
          "A recovery opened by itself for Alex (the ticket's agent): act as Alex Chen and open Delight — Messages. Mark it Fixed, then +1 hour: a nudge comes in.";
        break;
      case "zendesk-good":
        status = await this.zendeskRating(
          "Good",
          "Alex sorted our billing mess in ten minutes and followed up the next day. Brilliant service!",
          "Globex",
        );
        next = "Globex nominated Alex: see #delight-approvals (act as Maria Lopez to approve).";
        break;
      case "nps-detractor":
        status = await this.genericSignal({
          type: "feedback",
          occurred_at: now.toISOString(),
          customer: { name: "Initech", external_id: "INI-7" },
          score: { kind: "nps", value: 3 },
          comment: "Onboarding took three weeks longer than promised.",
          agent_email: SANDBOX_EMAILS[PEOPLE.staff.id],
        });
        next = "A recovery opened by itself for Sam (NPS 3): see Delight — Messages as Sam Rivera.";
        break;
      case "customer-update":
        status = await this.genericSignal({
          type: "customer",
          occurred_at: now.toISOString(),
          customer: {
            name: "Acme Corp",
            external_id: "ACME-1",
            tier: "gold",
            interests: ["coffee", "cycling"],
            notes: "Prefers a phone call to email; loves oat-milk flat whites.",
            owner_email: SANDBOX_EMAILS[PEOPLE.staff.id],
            customer_since: new Date(now.getTime() - 3 * 365 * day).toISOString().slice(0, 10),
            renewal_at: new Date(now.getTime() + 30 * day).toISOString().slice(0, 10),
          },
        });
        next =
          "Acme Corp's record now has its tier, interests, notes, owner (Sam) and renewal date: /surprise ideas for Acme Corp use them.";
        break;
    }
    return status === 200 ? `Sent (HTTP 200). ${next}` : `The app answered HTTP ${status}.`;
  }
}
