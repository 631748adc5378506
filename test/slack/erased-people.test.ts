// The record that keeps erased people out of the directory (src/slack/erased-people.ts): no id
// in clear, found again after a key rotation, lifted only by the person's own use.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/db/database.ts";
import { erasedAmong, ErasureWatch, recordErasure } from "../../src/slack/erased-people.ts";

const TEAM = "TERASE";
const silent = { warn: () => undefined, info: () => undefined };

describe("erasure records", () => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase("memory://");
  });
  afterAll(() => database.close());

  it("hold a keyed hash, not the id, and still match after the key is rotated", async () => {
    const oldKey = randomBytes(32);
    await recordErasure(database.prisma, { current: oldKey, old: [] }, TEAM, "UERIN", new Date());
    const rows = await database.prisma.erasedPerson.findMany({ where: { teamId: TEAM } });
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain("UERIN");
    const rotated = { current: randomBytes(32), old: [oldKey] };
    expect([...(await erasedAmong(database.prisma, rotated, TEAM, ["UERIN", "USAM"]))]).toEqual(["UERIN"]);
    // Another workspace's Erin is someone else; a lost key forgets the record.
    expect((await erasedAmong(database.prisma, rotated, "TOTHER", ["UERIN"])).size).toBe(0);
    expect((await erasedAmong(database.prisma, { current: randomBytes(32), old: [] }, TEAM, ["UERIN"])).size).toBe(0);
  });

  it("is lifted when the person uses Delight again, not when someone else does", async () => {
    const keys = { current: randomBytes(32), old: [] };
    await recordErasure(database.prisma, keys, TEAM, "UMIA", new Date());
    const watch = new ErasureWatch(database.prisma, keys, silent);
    const still = async (id: string) => (await erasedAmong(database.prisma, keys, TEAM, [id])).has(id);
    watch.noteOwnUse(TEAM, "USAM");
    await new Promise((r) => setTimeout(r, 200));
    expect(await still("UMIA")).toBe(true);
    watch.noteOwnUse(TEAM, "UMIA");
    for (let i = 0; i < 50 && (await still("UMIA")); i++) await new Promise((r) => setTimeout(r, 20));
    expect(await still("UMIA")).toBe(false);
  });
});
