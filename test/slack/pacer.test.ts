// Pacing per lane (GCRA), in one process and shared through the database by several
// instances: together they still allow one lane's rate and burst, not one each.
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/db/database.ts";
import { Pacer, type Lane } from "../../src/slack/pacer.ts";
import { databaseTargets } from "../support/databases.ts";

const channel: Lane = { name: "channel:C1", rate: { perSecond: 1, burst: 3 } };
const workspace: Lane = { name: "team:T1", rate: { perSecond: 10, burst: 20 } };
const waits = (admissions: Array<{ waitMs: number } | { deferUntil: Date }>) =>
  admissions.map((a) => ("waitMs" in a ? a.waitMs : `defer ${a.deferUntil.getTime()}`));

describe.each(databaseTargets())("pacing on $name", (target) => {
  let database: Database;
  let now = 1_000_000;
  const clock = () => now;

  afterAll(() => target.cleanup());
  beforeEach(async () => {
    now = 1_000_000;
    database = await openDatabase(await target.create());
  });
  afterEach(() => database.close());

  it("lets a burst through, then one a second, and defers what would wait too long", async () => {
    const pacer = new Pacer(database.prisma, { now: clock });
    const admitted = [];
    for (let i = 0; i < 6; i++) admitted.push(await pacer.admit([channel, workspace], 2_500));
    expect(waits(admitted)).toEqual([0, 0, 0, 1000, 2000, `defer ${now + 3000}`]);
    now += 10_000; // quiet for a while: the burst is back
    expect(waits([await pacer.admit([channel], 0)])).toEqual([0]);
  });

  it("shares one pace between two instances on the same database", async () => {
    const first = new Pacer(database.prisma, { now: clock, shared: true });
    const second = new Pacer(database.prisma, { now: clock, shared: true });
    const admitted = [];
    for (let i = 0; i < 5; i++) admitted.push(await (i % 2 === 0 ? first : second).admit([channel, workspace], 10_000));
    // Unshared, each would allow its own burst of three: [0, 0, 0, 0, 0].
    expect(waits(admitted)).toEqual([0, 0, 0, 1000, 2000]);
    // Concurrent admissions from both serialise on the lane's row: every slot taken once.
    now += 60_000;
    const together = await Promise.all(
      Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? first : second).admit([channel], 10_000)),
    );
    expect(
      waits(together)
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual([0, 0, 0, 1000, 2000, 3000]);
  });
});
