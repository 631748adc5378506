// Customer signals end to end: an admin connects a helpdesk, the helpdesk posts signed
// webhooks to the app's real receiver, and the job workers turn them into recoveries,
// nominations by the customer and customer records. Answers and their rules (401, 404, 410,
// 413, 400) are checked on the real endpoint.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { addManagers, setChannel } from "../../src/features/admin/settings.ts";
import { CONNECTION_CACHE_MS } from "../../src/features/signals/hooks.ts";
import { signIntercom, signStandardWebhook, signZendesk } from "../../src/features/signals/signatures.ts";
import { TEAM_ID, type RecordedCall } from "../../src/sandbox/slack-imitation.ts";
import { databaseTargets } from "../support/databases.ts";
import { whileJobInsertsFail } from "../support/failures.ts";
import { buttonClick } from "../support/payloads.ts";
import { drainJobs, startTestApp, TestClock, type TestApp } from "../support/test-app.ts";

const APPROVALS = "C0APPROVE";
const STORIES = "C0STORIES";
const START = new Date("2026-11-23T09:00:00Z");
const PUBLIC_URL = "https://delight.example.com";

describe.each(databaseTargets())("customer signals on $name", (target) => {
  let t: TestApp;
  const clock = new TestClock(START);
  let zendesk: { id: string; secret: string };
  let generic: { id: string; secret: string };
  let intercom: { id: string; secret: string };

  beforeAll(async () => {
    t = await startTestApp({
      clock,
      admins: ["UADMIN"],
      databaseUrl: await target.create(),
      env: { PUBLIC_URL },
      users: [
        { id: "UADMIN", name: "Ada" },
        { id: "UAGENT", name: "Alex", email: "alex@example.com" },
        { id: "UMANAGER", name: "Maria" },
        { id: "UFALLBACK", name: "Fran" },
      ],
    });
    await addManagers(t.database.prisma, { teamId: TEAM_ID }, ["UMANAGER"], "UADMIN");
    await setChannel(t.database.prisma, { teamId: TEAM_ID }, "approvals", APPROVALS);
    await setChannel(t.database.prisma, { teamId: TEAM_ID }, "stories", STORIES);
  });
  afterAll(async () => {
    await t.stop();
    await target.cleanup();
  });
  beforeEach(() => {
    t.slack.reset();
    clock.set(START);
  });

  const text = (call: RecordedCall | undefined) => (call ? JSON.stringify(call.args) : "");

  async function admin(commandText: string, userId = "UADMIN") {
    const response = await t.sender.command("/delight-admin", commandText, userId);
    expect(response.status).toBe(200);
    const ack = JSON.parse(response.body || "{}") as { response_type?: string; text?: string };
    expect(ack.response_type).toBe("ephemeral");
    return ack.text ?? "";
  }

  async function post(path: string, body: string | Buffer, headers: Record<string, string> = {}) {
    const response = await fetch(`${t.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
    });
    return { status: response.status, body: await response.text() };
  }

  function zendeskHook(body: Record<string, unknown>, options: { invocationId?: string; timestamp?: string } = {}) {
    const raw = JSON.stringify(body);
    const timestamp =
      options.timestamp ??
      clock
        .now()
        .toISOString()
        .replace(/\.\d{3}Z$/, "Z");
    return post(`/hooks/zendesk/${zendesk.id}`, raw, {
      ...signZendesk(zendesk.secret, timestamp, raw),
      ...(options.invocationId ? { "x-zendesk-webhook-invocation-id": options.invocationId } : {}),
    });
  }

  function genericHook(body: Record<string, unknown>, id: string) {
    const raw = JSON.stringify(body);
    return post(
      `/hooks/generic/${generic.id}`,
      raw,
      signStandardWebhook(generic.secret, id, Math.floor(clock.now().getTime() / 1000), raw),
    );
  }

  describe("connections", () => {
    it("connects a source for an admin, with its webhook URL and set-up steps", async () => {
      const answer = await admin("connect zendesk zd-signing-secret-1");
      const [, id] = /`https:\/\/delight\.example\.com\/hooks\/zendesk\/([A-Za-z0-9_-]+)`/.exec(answer) ?? [];
      expect(id).toBeTruthy();
      expect(answer).toContain("Set it up in Zendesk");
      expect(answer).not.toContain("zd-signing-secret-1");
      zendesk = { id: id ?? "", secret: "zd-signing-secret-1" };

      const genericAnswer = await admin("connect generic");
      const [, genericId] = /\/hooks\/generic\/([A-Za-z0-9_-]+)`/.exec(genericAnswer) ?? [];
      const [, secret] = /`(whsec_[A-Za-z0-9+/=]+)`/.exec(genericAnswer) ?? [];
      expect(genericId && secret).toBeTruthy();
      expect(genericAnswer).toContain("shown this once");
      generic = { id: genericId ?? "", secret: secret ?? "" };

      const intercomAnswer = await admin("connect intercom ic-client-secret");
      const [, intercomId] = /\/hooks\/intercom\/([A-Za-z0-9_-]+)`/.exec(intercomAnswer) ?? [];
      intercom = { id: intercomId ?? "", secret: "ic-client-secret" };

      const stored = await t.database.prisma.signalConnection.findUniqueOrThrow({ where: { id: zendesk.id } });
      expect(stored).toMatchObject({ teamId: TEAM_ID, source: "zendesk", createdBy: "UADMIN" });
    });

    it("keeps signing secrets encrypted: no secret is in clear anywhere in the table", async () => {
      const rows = await t.database.prisma.$queryRawUnsafe<unknown[]>(`SELECT * FROM "SignalConnection"`);
      const dump = JSON.stringify(rows);
      expect(rows.length).toBeGreaterThanOrEqual(3);
      for (const secret of [zendesk.secret, generic.secret, intercom.secret, generic.secret.slice("whsec_".length)]) {
        expect(dump).not.toContain(secret);
      }
      for (const row of rows as Array<{ secret: string }>) expect(row.secret).toMatch(/^v1\.[0-9a-f]{8}\./);
    });

    it("reads a secret stored in clear before encryption, and encrypts it on first use", async () => {
      const plain = "zd-legacy-plain-secret";
      await t.database.prisma.signalConnection.create({
        data: { id: "legacyPlainConn1", teamId: TEAM_ID, source: "zendesk", secret: plain, createdBy: "UADMIN" },
      });
      // A body without a ticket: 400 (not 401) shows the signature was checked with the clear secret.
      const raw = JSON.stringify({ rating: "Offered" });
      const timestamp = clock
        .now()
        .toISOString()
        .replace(/\.\d{3}Z$/, "Z");
      const answer = await post("/hooks/zendesk/legacyPlainConn1", raw, signZendesk(plain, timestamp, raw));
      expect(answer.status).toBe(400);
      const stored = await t.database.prisma.signalConnection.findUniqueOrThrow({ where: { id: "legacyPlainConn1" } });
      expect(stored.secret).not.toContain(plain);
      expect(stored.secret).toMatch(/^v1\./);
      await t.database.prisma.signalConnection.update({
        where: { id: "legacyPlainConn1" },
        data: { disconnectedAt: clock.now() },
      });
    });

    it("refuses non-admins and explains a missing secret", async () => {
      expect(await admin("connect zendesk whatever-secret", "UAGENT")).toContain("Only Slack workspace admins");
      expect(await admin("connect zendesk")).toContain("Paste the webhook's signing secret");
      expect(await admin("connect fax")).toContain("connect zendesk");
    });

    it("lists connections with their counts", async () => {
      const list = await admin("connections");
      expect(list).toContain(zendesk.id);
      expect(list).toContain("Zendesk");
      expect(list).toContain("this week");
      expect(list).toContain(`${PUBLIC_URL}/hooks/generic/${generic.id}`);
    });
  });

  describe("the endpoint's answers", () => {
    const bad = { ticket_id: 7, rating: "Bad", customer: "Acme Corp", assignee_email: "alex@example.com" };

    it("404 for an unknown connection or a source that doesn't match", async () => {
      expect((await post("/hooks/zendesk/doesNotExist123", "{}")).status).toBe(404);
      expect((await post(`/hooks/generic/${zendesk.id}`, "{}")).status).toBe(404);
      expect((await post(`/hooks/fax/${zendesk.id}`, "{}")).status).toBe(404);
    });

    it("401 with no detail for a tampered body, a wrong secret, a stale timestamp or missing headers", async () => {
      const raw = JSON.stringify(bad);
      const timestamp = "2026-11-23T09:00:00Z";
      const headers = signZendesk(zendesk.secret, timestamp, raw);
      const tampered = await post(`/hooks/zendesk/${zendesk.id}`, raw.replace("Bad", "Good"), headers);
      expect(tampered).toEqual({ status: 401, body: "" });
      const wrong = await post(`/hooks/zendesk/${zendesk.id}`, raw, signZendesk("not-the-secret", timestamp, raw));
      expect(wrong.status).toBe(401);
      const staleStamp = "2026-11-23T08:54:00Z";
      const stale = await post(`/hooks/zendesk/${zendesk.id}`, raw, signZendesk(zendesk.secret, staleStamp, raw));
      expect(stale.status).toBe(401);
      expect((await post(`/hooks/zendesk/${zendesk.id}`, raw)).status).toBe(401);
      expect((await post(`/hooks/generic/${generic.id}`, "{}")).status).toBe(401);
      expect(await t.database.prisma.inboundSignal.count()).toBe(0);
    });

    it("413 for a body over 256 KB", async () => {
      const huge = JSON.stringify({ ...bad, comment: "x".repeat(300 * 1024) });
      expect((await zendeskHook(JSON.parse(huge) as Record<string, unknown>)).status).toBe(413);
    });

    it("400 with a short reason for malformed JSON or a body that fails the schema, counted on the connection", async () => {
      const raw = "{not json";
      const malformed = await post(
        `/hooks/generic/${generic.id}`,
        raw,
        signStandardWebhook(generic.secret, "msg_bad1", Math.floor(clock.now().getTime() / 1000), raw),
      );
      expect(malformed.status).toBe(400);
      expect(malformed.body).toContain("not JSON");
      const invalid = await genericHook({ type: "feedback", customer: { name: "Acme" } }, "msg_bad2");
      expect(invalid.status).toBe(400);
      expect(invalid.body).toContain("occurred_at");
      expect(await t.database.prisma.signalRefusal.count({ where: { connectionId: generic.id } })).toBe(2);
      expect(await admin("connections")).toContain("2 refused this week");
    });
  });

  describe("what a signal does", () => {
    it("a Zendesk 'bad' rating opens one case owned by the mapped agent, even sent three times", async () => {
      const rating = {
        ticket_id: 123,
        ticket_url: "https://acme.zendesk.com/agent/tickets/123",
        rating: "Bad",
        comment: "Waited <b>two weeks</b> @channel",
        customer: "Acme Corp",
        requester: "Jo Customer",
        assignee_email: "Alex@Example.com",
      };
      const ratedAt = new Date(START.getTime() - 60 * 60_000);
      clock.set(ratedAt);
      const first = await zendeskHook(rating, { invocationId: "inv-1" });
      expect(first.status).toBe(200);
      clock.set(START);
      // A sender's retry (same invocation), and the trigger firing again (a new invocation).
      expect((await zendeskHook(rating, { invocationId: "inv-1", timestamp: ratedAt.toISOString() })).status).toBe(401);
      expect((await zendeskHook(rating, { invocationId: "inv-1" })).status).toBe(200);
      expect((await zendeskHook(rating, { invocationId: "inv-2" })).status).toBe(200);
      await drainJobs(t);

      const cases = await t.database.prisma.recoveryCase.findMany({ where: { teamId: TEAM_ID } });
      expect(cases).toHaveLength(1);
      const opened = cases[0];
      expect(opened).toMatchObject({
        ownerId: "UAGENT",
        customer: "Acme Corp",
        link: "https://acme.zendesk.com/agent/tickets/123",
        origin: "Opened from Zendesk ticket #123",
      });
      // The deadline counts from the rating, not from its arrival.
      expect(opened?.dueAt.toISOString()).toBe(new Date(ratedAt.getTime() + 24 * 3_600_000).toISOString());
      expect(opened?.description).toBe("Waited &lt;b&gt;two weeks&lt;/b&gt; @\u200Bchannel");
      expect(await t.database.prisma.inboundSignal.count({ where: { connectionId: zendesk.id } })).toBe(2);

      const dms = t.slack.postsTo("DUAGENT");
      expect(dms).toHaveLength(1);
      const card = text(dms[0]);
      expect(card).toContain("Opened from Zendesk ticket #123");
      expect(card).toContain("recovery_fixed");
      expect(card).not.toContain("@channel");
      expect(card).not.toContain("<b>");
      const customer = await t.database.prisma.customer.findFirstOrThrow({ where: { normalizedName: "acme corp" } });
      expect(await t.database.prisma.customerCase.count({ where: { customerId: customer.id } })).toBe(1);
    });

    it("a detractor without a mapped agent goes to the signals owner, and nowhere without one", async () => {
      const nps = {
        type: "feedback",
        occurred_at: START.toISOString(),
        customer: { name: "Globex" },
        score: { kind: "nps", value: 3 },
        agent_email: "nobody@example.com",
      };
      expect((await genericHook(nps, "msg_nps_1")).status).toBe(200);
      await drainJobs(t);
      expect(await t.database.prisma.recoveryCase.count({ where: { customer: "Globex" } })).toBe(0);
      const row = await t.database.prisma.inboundSignal.findFirstOrThrow({ where: { eventId: "msg_nps_1" } });
      expect(row.outcome).toBe("no-owner");
      // The admin who configured Delight hears that nobody got it.
      expect(text(t.slack.postsTo("DUADMIN").at(-1))).toContain("signals owner");

      expect(await admin("signals owner <@UFALLBACK|fran>")).toContain("<@UFALLBACK>");
      expect((await genericHook(nps, "msg_nps_2")).status).toBe(200);
      // The same event id again: one effect.
      expect((await genericHook(nps, "msg_nps_2")).status).toBe(200);
      await drainJobs(t);
      const cases = await t.database.prisma.recoveryCase.findMany({ where: { customer: "Globex" } });
      expect(cases).toHaveLength(1);
      expect(cases[0]).toMatchObject({ ownerId: "UFALLBACK", origin: "Opened from a customer signal" });
      expect(text(t.slack.postsTo("DUFALLBACK")[0])).toContain("gave an NPS of 3");
    });

    it("follows the workspace's thresholds, which admins change with validation and an audit entry", async () => {
      const rules = await admin("signals");
      expect(rules).toContain("CSAT ≤ 2 of 5");
      expect(rules).toContain("NPS ≤ 6");
      expect(rules).toContain("CSAT ≥ 4 of 5");
      expect(rules).toContain("NPS ≥ 9");
      expect(rules).toContain("at most 3 per person per day");

      const refused = await admin("signals detractor nps 12");
      expect(refused).toContain("from 0 to 10");
      expect(refused).toContain("> /delight-admin signals detractor nps 12");
      expect(await admin("signals praise nps 5")).toContain("must stay below praise");
      expect(await admin("signals detractor nps 4", "UAGENT")).toContain("Only Slack workspace admins");

      const changed = await admin("signals detractor nps 4");
      expect(changed).toContain("An NPS of 4 or less now opens a recovery");
      expect(changed).toContain("NPS ≤ 4 _(default 6)_");
      const entry = await t.database.prisma.auditEntry.findFirstOrThrow({
        where: { teamId: TEAM_ID, action: "signals.thresholds" },
      });
      expect(entry).toMatchObject({ actorId: "UADMIN", before: { detractorNps: 6 }, after: { detractorNps: 4 } });

      const five = {
        type: "feedback",
        occurred_at: START.toISOString(),
        customer: { name: "Initech" },
        score: { kind: "nps", value: 5 },
        agent_email: "alex@example.com",
      };
      expect((await genericHook(five, "msg_threshold_5")).status).toBe(200);
      expect((await genericHook({ ...five, score: { kind: "nps", value: 4 } }, "msg_threshold_4")).status).toBe(200);
      await drainJobs(t);
      const outcomes = await t.database.prisma.inboundSignal.findMany({
        where: { eventId: { in: ["msg_threshold_5", "msg_threshold_4"] } },
        orderBy: { eventId: "asc" },
      });
      expect(outcomes.map((o) => [o.eventId, o.outcome])).toEqual([
        ["msg_threshold_4", "detractor"],
        ["msg_threshold_5", "counted"],
      ]);
      expect(await admin("signals defaults")).toContain("back to the defaults");
      expect(await admin("signals")).toContain("NPS ≤ 6.");
    });

    it("'good' with a comment becomes a nomination by the customer that a manager approves into a story", async () => {
      const praise = {
        ticket_id: 456,
        ticket_url: "https://acme.zendesk.com/agent/tickets/456",
        rating: "Good",
        comment: "Alex fixed it in ten minutes!",
        customer: "Acme Corp",
        assignee_email: "alex@example.com",
      };
      expect((await zendeskHook(praise, { invocationId: "inv-good" })).status).toBe(200);
      await drainJobs(t);
      const nomination = await t.database.prisma.nomination.findFirstOrThrow({ where: { nominatedBy: { not: null } } });
      expect(nomination).toMatchObject({
        nomineeIds: ["UAGENT"],
        nominatedBy: "Acme Corp (via Zendesk)",
        story: "Alex fixed it in ten minutes!",
        customer: "Acme Corp",
        status: "pending",
      });
      const card = t.slack.postsTo(APPROVALS).find((c) => !c.args.thread_ts);
      expect(text(card)).toContain("Nominated by Acme Corp (via Zendesk)");

      const click = await t.sender.interaction(
        buttonClick({
          userId: "UMANAGER",
          actionId: "nomination_approve",
          value: nomination.id,
          responseUrl: t.slack.responseUrl("approve"),
        }),
      );
      expect(click.status).toBe(200);
      await drainJobs(t);
      const approved = await t.database.prisma.nomination.findUniqueOrThrow({ where: { id: nomination.id } });
      expect(approved).toMatchObject({ status: "approved", decidedBy: "UMANAGER", storyChannelId: STORIES });
      const story = text(t.slack.postsTo(STORIES)[0]);
      expect(story).toContain("Nominated by Acme Corp (via Zendesk)");
      expect(text(t.slack.postsTo("DUAGENT").at(-1))).toContain("Acme Corp (via Zendesk) nominated you");
    });

    it("praise without a comment is only counted", async () => {
      const before = await t.database.prisma.nomination.count();
      expect(
        (
          await zendeskHook(
            { ticket_id: 789, rating: "Good", customer: "Acme Corp", assignee_email: "alex@example.com" },
            { invocationId: "inv-quiet" },
          )
        ).status,
      ).toBe(200);
      await drainJobs(t);
      expect(await t.database.prisma.nomination.count()).toBe(before);
      const row = await t.database.prisma.inboundSignal.findFirstOrThrow({ where: { eventId: "inv-quiet" } });
      expect(row.outcome).toBe("counted");
    });

    it("a customer update fills the customer record, found again by its external id", async () => {
      const update = {
        type: "customer",
        occurred_at: START.toISOString(),
        customer: {
          name: "Initech",
          external_id: "crm-42",
          tier: "gold",
          interests: ["cycling", "coffee"],
          notes: "Prefers calls before 10am",
          owner_email: "alex@example.com",
          customer_since: "2021-03-01",
          renewal_at: "2027-01-15",
        },
      };
      expect((await genericHook(update, "msg_cust_1")).status).toBe(200);
      // Renamed in the CRM: the external id finds the same record.
      const renamed = {
        ...update,
        customer: { ...update.customer, name: "Initech Ltd", tier: "platinum", notes: undefined },
      };
      expect((await genericHook(renamed, "msg_cust_2")).status).toBe(200);
      await drainJobs(t);
      const customers = await t.database.prisma.customer.findMany({
        where: { normalizedName: { startsWith: "initech" } },
        include: { notes: true, externalIds: true },
      });
      expect(customers).toHaveLength(1);
      expect(customers[0]).toMatchObject({
        name: "Initech",
        tier: "platinum",
        interests: ["coffee", "cycling"],
        ownerEmail: "alex@example.com",
      });
      expect(customers[0]?.renewalAt?.toISOString()).toBe("2027-01-15T00:00:00.000Z");
      expect(customers[0]?.notes.map((n) => n.text)).toEqual(["Prefers calls before 10am"]);
      expect(customers[0]?.externalIds).toMatchObject([{ source: "generic", externalId: "crm-42" }]);
    });

    it("an Intercom conversation rating of 1 opens a case; its ping is answered and ignored", async () => {
      const ping = JSON.stringify({ type: "notification_event", id: "notif_ping", topic: "ping", data: { item: {} } });
      expect((await post(`/hooks/intercom/${intercom.id}`, ping, signIntercom(intercom.secret, ping))).status).toBe(
        200,
      );
      const rated = JSON.stringify({
        type: "notification_event",
        id: "notif_rating_1",
        topic: "conversation.rating.added",
        created_at: Math.floor(START.getTime() / 1000),
        data: {
          item: {
            type: "conversation",
            id: "9001",
            conversation_rating: { rating: 1, remark: "Nobody answered" },
            assignee: { type: "admin", id: "814860", email: "alex@example.com" },
            source: { author: { type: "user", name: "Hooli" } },
          },
        },
      });
      expect((await post(`/hooks/intercom/${intercom.id}`, rated, signIntercom(intercom.secret, rated))).status).toBe(
        200,
      );
      await drainJobs(t);
      const opened = await t.database.prisma.recoveryCase.findFirstOrThrow({ where: { customer: "Hooli" } });
      expect(opened).toMatchObject({
        ownerId: "UAGENT",
        description: "Nobody answered",
        origin: "Opened from Intercom conversation 9001",
      });
    });

    it("answers 503 (never 500) when the signal can't be recorded, and the sender's retry finishes it once", async () => {
      const update = {
        type: "customer",
        occurred_at: START.toISOString(),
        customer: { name: "Umbrella", tier: "silver" },
      };
      const failed = await whileJobInsertsFail(t.database.prisma, ["signals.process"], () =>
        genericHook(update, "msg_retry_1"),
      );
      expect(failed.status).toBe(503);
      const retried = await genericHook(update, "msg_retry_1");
      expect(retried.status).toBe(200);
      await drainJobs(t);
      const row = await t.database.prisma.inboundSignal.findFirstOrThrow({ where: { eventId: "msg_retry_1" } });
      expect(row.outcome).toBe("customer");
      expect(
        await t.database.prisma.job.count({ where: { kind: "signals.process", key: { endsWith: "msg_retry_1" } } }),
      ).toBe(1);
    });

    it("a Zendesk 'bad' rating opens a case owned by the mapped agent within 5 s of the webhook, by the app's own workers", async () => {
      const rating = {
        ticket_id: 777,
        ticket_url: "https://acme.zendesk.com/agent/tickets/777",
        rating: "Bad",
        comment: "Still no refund",
        customer: "Pied Piper",
        assignee_email: "alex@example.com",
      };
      const sentAt = performance.now();
      expect((await zendeskHook(rating, { invocationId: "inv-timed" })).status).toBe(200);
      // No drainJobs here: the job workers' own loop picks the signal up.
      let opened = null;
      while (performance.now() - sentAt < 10_000) {
        opened = await t.database.prisma.recoveryCase.findFirst({
          where: { origin: "Opened from Zendesk ticket #777" },
        });
        if (opened && t.slack.postsTo("DUAGENT").length > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const elapsedMs = performance.now() - sentAt;
      console.log(`signals: Zendesk bad rating → case opened and its owner told in ${elapsedMs.toFixed(0)} ms`);
      expect(opened).toMatchObject({ ownerId: "UAGENT", origin: "Opened from Zendesk ticket #777" });
      expect(text(t.slack.postsTo("DUAGENT")[0])).toContain("Opened from Zendesk ticket #777");
      expect(elapsedMs).toBeLessThan(5_000);
    });

    it("a disconnected connection answers 410", async () => {
      expect(await admin(`disconnect ${intercom.id}`)).toContain("Disconnected");
      // Every instance sees it within the endpoint's few seconds of caching.
      clock.advance(CONNECTION_CACHE_MS + 1);
      const ping = JSON.stringify({ type: "notification_event", id: "notif_after", topic: "ping" });
      expect((await post(`/hooks/intercom/${intercom.id}`, ping, signIntercom(intercom.secret, ping))).status).toBe(
        410,
      );
      expect(await admin("connections")).toContain("disconnected");
    });
  });
});
