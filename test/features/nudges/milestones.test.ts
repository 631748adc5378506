// Which renewals and anniversaries a day nudges about, on the database: the renewal's 14 days,
// 29 February in other years, a missed day or two caught up under the same occurrence key.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../../src/db/database.ts";
import { ensureWorkspace } from "../../../src/features/admin/settings.ts";
import { occurrencesOn } from "../../../src/features/nudges/milestones.ts";
import { milestoneKey, milestoneOf } from "../../../src/features/nudges/service.ts";
import { databaseTargets } from "../../support/databases.ts";

const TEAM = "TMILESTONE";

describe.each(databaseTargets())("milestones on $name", (target) => {
  let database: Database;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    database = await openDatabase(await target.create());
    await ensureWorkspace(database.prisma, { teamId: TEAM });
    const add = async (name: string, data: { customerSince?: string; renewalAt?: string; owner?: boolean }) => {
      const row = await database.prisma.customer.create({
        data: {
          teamId: TEAM,
          name,
          normalizedName: name.toLowerCase(),
          ownerEmail: data.owner === false ? null : "olga@example.com",
          customerSince: data.customerSince ? new Date(data.customerSince) : null,
          renewalAt: data.renewalAt ? new Date(data.renewalAt) : null,
        },
      });
      ids[name] = row.id;
    };
    await add("Leap", { customerSince: "2024-02-29T00:00:00Z" });
    await add("Soon", { renewalAt: "2027-03-10T00:00:00Z" });
    await add("Later", { renewalAt: "2027-03-20T00:00:00Z" });
    await add("Ownerless", { renewalAt: "2027-03-05T00:00:00Z", owner: false });
    await add("New", { customerSince: "2027-01-15T00:00:00Z" });
  });
  afterAll(async () => {
    await database.close();
    await target.cleanup();
  });

  it("a renewal within 14 days, an anniversary of 29 February on the 28th, nothing without an owner", async () => {
    const found = await occurrencesOn(database.prisma, TEAM, "2027-02-28");
    expect(found.map((o) => `${o.kind}:${o.date}`).sort()).toEqual(["anniversary:2027-02-28", "renewal:2027-03-10"]);
    expect(found.find((o) => o.kind === "renewal")?.customerId).toBe(ids.Soon);
  });

  it("a day or two late still finds the anniversary, under the same occurrence date", async () => {
    const late = await occurrencesOn(database.prisma, TEAM, "2027-03-02");
    const anniversary = late.find((o) => o.kind === "anniversary");
    expect(anniversary).toMatchObject({ customerId: ids.Leap, date: "2027-02-28" });
    expect(await occurrencesOn(database.prisma, TEAM, "2027-03-04")).toEqual(
      expect.not.arrayContaining([expect.objectContaining({ kind: "anniversary" })]),
    );
  });

  it("a customer of less than a year has no anniversary yet", async () => {
    const found = await occurrencesOn(database.prisma, TEAM, "2027-01-15");
    expect(found.filter((o) => o.kind === "anniversary")).toEqual([]);
  });

  it("keys name one occurrence and read back", () => {
    const key = milestoneKey("renewal", "c-1", "2027-03-10");
    expect(milestoneOf(key)).toEqual({ kind: "renewal", date: "2027-03-10" });
    expect(milestoneOf("fix:case-1")).toBeNull();
  });
});
