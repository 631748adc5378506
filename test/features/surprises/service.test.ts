// The surprise service against a real database (PGlite, and PostgreSQL with TEST_DATABASE_URL).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createModelClient } from "../../../src/ai/openai-client.ts";
import { createLogger } from "../../../src/app.ts";
import { openDatabase, type Database } from "../../../src/db/database.ts";
import { setBudget } from "../../../src/features/admin/settings.ts";
import { customerProfile, findOrCreateCustomer, linkCaseToCustomer } from "../../../src/features/customers/service.ts";
import { openCase, resolveCase } from "../../../src/features/recoveries/service.ts";
import {
  answerRequest,
  contextFrom,
  countSurprisesDelivered,
  feedbackScores,
  recordFeedback,
  recordGestureUse,
  suggestGestures,
  surprisesGivenBy,
  type SuggestDeps,
} from "../../../src/features/surprises/service.ts";
import type { SuggestionContext } from "../../../src/features/surprises/model.ts";
import { databaseTargets } from "../../support/databases.ts";
import { OpenAIStandIn } from "../../support/openai-stand-in.ts";

const TEAM = "T0SURPRISE";
const NOW = new Date("2026-11-23T09:00:00Z");
const HOUR = 3_600_000;
const logger = createLogger("error");
const noModel: SuggestDeps = { model: null, logger, modelDeadlineMs: 10_000 };

describe.each(databaseTargets())("surprise service on $name", (target) => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase(await target.create());
    await setBudget(database.prisma, { teamId: TEAM }, { cents: 4000, currency: "EUR" });
  });
  afterAll(async () => {
    await database.close();
    await target.cleanup();
  });

  it("makes one customer of concurrent first mentions in any spelling, per workspace", async () => {
    const names = ["Wayne Enterprises", "WAYNE  enterprises", " wayne Enterprises "];
    const customers = await Promise.all(names.map((n) => findOrCreateCustomer(database.prisma, { teamId: TEAM }, n)));
    expect(new Set(customers.map((c) => c.id)).size).toBe(1);
    const elsewhere = await findOrCreateCustomer(database.prisma, { teamId: "T0OTHER" }, "Wayne Enterprises");
    expect(elsewhere.id).not.toBe(customers[0]?.id);
  });

  it("answers a job once: a second run gets the stored ideas", async () => {
    const input = {
      jobKey: "job-1",
      workspace: { teamId: TEAM },
      userId: "U1",
      seesAllCases: false,
      customerName: "Stark Industries",
      context: "Thanks for the referral, they love chess",
    };
    const first = await answerRequest({ ...noModel, prisma: database.prisma }, input);
    const second = await answerRequest({ ...noModel, prisma: database.prisma }, input);
    expect(second.request.id).toBe(first.request.id);
    expect(second.suggestions).toEqual(first.suggestions);
    expect(first.request.occasion).toBe("thank_you");
    expect(first.budget).toEqual({ amount: 40, currency: "EUR" });
    expect(first.customer.interests).toContain("chess");
  });

  it("records Use this once, on the customer and the case, and counts surprises delivered once", async () => {
    const recoveryCase = await openCase(database.prisma, NOW, {
      workspace: { teamId: TEAM },
      reporterId: "UREP",
      ownerId: "UOWN",
      customer: "Oscorp",
      description: "Shipped the wrong part",
    });
    const answered = await answerRequest(
      { ...noModel, prisma: database.prisma },
      {
        jobKey: "job-case",
        workspace: { teamId: TEAM },
        userId: "UOWN",
        seesAllCases: false,
        customerName: "Oscorp",
        caseId: recoveryCase.id,
        context: "Shipped the wrong part",
      },
    );
    const use = (viewId: string) =>
      recordGestureUse(database.prisma, new Date(NOW.getTime() + HOUR), {
        teamId: TEAM,
        requestId: answered.request.id,
        index: 1,
        userId: "UOWN",
        costCents: 1500,
        sourceViewId: viewId,
      });
    const [a, b] = await Promise.all([use("V1"), use("V2")]);
    expect([a.ok, b.ok].filter(Boolean)).toHaveLength(1);
    expect(await use("V1")).toMatchObject({ ok: false, reason: "already_recorded" });
    const gesture = await database.prisma.gesture.findFirstOrThrow({ where: { caseId: recoveryCase.id } });
    expect(gesture).toMatchObject({ costCents: 1500, currency: "EUR", title: answered.suggestions[1]?.title });

    const after = await database.prisma.recoveryCase.findUniqueOrThrow({
      where: { id: recoveryCase.id },
      include: { timeline: true },
    });
    expect(after.surpriseGiven).toBeTruthy();
    expect(after.timeline.filter((e) => e.kind === "surprise")).toHaveLength(1);

    // Fixed later with the same surprise: still one surprise delivered.
    await resolveCase(database.prisma, new Date(NOW.getTime() + 2 * HOUR), {
      caseId: recoveryCase.id,
      actorId: "UOWN",
      fixSummary: "Sent the right part",
      surpriseGiven: after.surpriseGiven,
    });
    // Another case fixed with a surprise typed into the Fixed form counts too.
    const other = await openCase(database.prisma, NOW, {
      workspace: { teamId: TEAM },
      reporterId: "UREP",
      ownerId: "UOWN",
      customer: "Oscorp",
      description: "Late again",
    });
    await resolveCase(database.prisma, new Date(NOW.getTime() + 3 * HOUR), {
      caseId: other.id,
      actorId: "UOWN",
      fixSummary: "Expedited",
      surpriseGiven: "Handwritten card",
    });
    const week = [new Date(NOW.getTime() - 24 * HOUR), new Date(NOW.getTime() + 24 * HOUR)] as const;
    expect(await countSurprisesDelivered(database.prisma, TEAM, ...week)).toBe(2);
    expect(await countSurprisesDelivered(database.prisma, "T0OTHER", ...week)).toBe(0);
    expect(
      await countSurprisesDelivered(
        database.prisma,
        TEAM,
        new Date(NOW.getTime() + 24 * HOUR),
        new Date(NOW.getTime() + 48 * HOUR),
      ),
    ).toBe(0);

    const given = await surprisesGivenBy(database.prisma, TEAM, "UOWN", 5);
    expect(given.total).toBe(1);
    expect(given.recent[0]).toMatchObject({ customerName: "Oscorp", caseNumber: recoveryCase.number });

    // The customer's history now holds the gesture and both recoveries: none is suggested again.
    const next = await answerRequest(
      { ...noModel, prisma: database.prisma },
      {
        jobKey: "job-case-2",
        workspace: { teamId: TEAM },
        userId: "UOWN",
        seesAllCases: false,
        customerName: "OSCORP",
        context: "Wrong part again",
      },
    );
    expect(next.suggestions.map((s) => s.key)).not.toContain(answered.suggestions[1]?.key);
    expect(next.suggestions.map((s) => s.title)).not.toContain("Handwritten card");
  });

  it("tells the model a past case's text only when the asker may read the case", async () => {
    const recoveryCase = await openCase(database.prisma, NOW, {
      workspace: { teamId: TEAM },
      reporterId: "UREP",
      ownerId: "UOWN",
      customer: "Tyrell",
      description: "Replicant shipped to the wrong address",
    });
    const customer = await findOrCreateCustomer(database.prisma, { teamId: TEAM }, "Tyrell");
    await linkCaseToCustomer(database.prisma, recoveryCase.id, customer.id);
    const profile = await customerProfile(database.prisma, customer.id);
    if (!profile) throw new Error("no profile");
    const contextFor = (userId: string, seesAllCases: boolean) =>
      contextFrom(profile, { context: "", userId, seesAllCases, occasion: "thank_you" }, null, {}).pastRecoveries;
    const label = `OOPS-${recoveryCase.number}`;
    expect(contextFor("UOTHER", false)).toEqual([label]);
    expect(contextFor("UOWN", false)).toEqual([`${label}: Replicant shipped to the wrong address`]);
    expect(contextFor("UREP", false)[0]).toContain("Replicant");
    expect(contextFor("UMANAGER", true)[0]).toContain("Replicant");
  });

  it("turns 👍 / 👎 and uses into scores for the occasion; a second vote replaces the first", async () => {
    const answered = await answerRequest(
      { ...noModel, prisma: database.prisma },
      {
        jobKey: "job-vote",
        workspace: { teamId: TEAM },
        userId: "U1",
        seesAllCases: false,
        customerName: "Cyberdyne",
        context: "Their 5th anniversary",
        occasion: "milestone",
      },
    );
    const key = answered.suggestions[0]?.key ?? "";
    await recordFeedback(database.prisma, { request: answered.request, index: 0, userId: "U1", vote: 1 });
    await recordFeedback(database.prisma, { request: answered.request, index: 0, userId: "U2", vote: 1 });
    await recordFeedback(database.prisma, { request: answered.request, index: 0, userId: "U2", vote: -1 });
    const scores = await feedbackScores(database.prisma, TEAM, "milestone");
    expect(scores[key]).toBe(0);
    expect((await feedbackScores(database.prisma, TEAM, "hardship"))[key]).toBeUndefined();
  });
});

const CONTEXT: SuggestionContext = {
  customerName: "Acme",
  occasion: "recovery",
  text: "late",
  interests: [],
  tier: null,
  notes: [],
  budget: null,
  given: [],
  pastRecoveries: [],
  worked: [],
  disliked: [],
  scores: {},
};

describe("suggestGestures with a model that hangs", () => {
  const model = new OpenAIStandIn();
  afterAll(() => model.stop());

  it("answers from the catalogue at the deadline, whatever the SDK's own timeout", async () => {
    const baseUrl = await model.start();
    model.behaviour = { kind: "hang" };
    // A client with a long timeout of its own: the deadline still wins.
    const client = createModelClient({ apiKey: "sk-test", baseUrl, model: "m" }, { timeoutMs: 60_000, maxRetries: 2 });
    const started = Date.now();
    const result = await suggestGestures({ model: client, logger, modelDeadlineMs: 800 }, CONTEXT);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(result.source).toBe("builtin");
    expect(result.suggestions).toHaveLength(3);
  });

  it("does not ask the model when too little of the 15 s is left (a job that started late)", async () => {
    model.behaviour = { kind: "hang" };
    const asked = model.requests.length;
    const client = createModelClient(
      { apiKey: "sk-test", baseUrl: model.baseUrl, model: "m" },
      { timeoutMs: 5_000, maxRetries: 1 },
    );
    const result = await suggestGestures(
      { model: client, logger, modelDeadlineMs: 10_000, answerByMs: Date.now() + 200 },
      { ...CONTEXT, occasion: "thank_you" },
    );
    expect(result.source).toBe("builtin");
    expect(model.requests.length).toBe(asked);
  });
});
