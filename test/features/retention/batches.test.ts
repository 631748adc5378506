// Batch sizes adapted to time (src/features/retention/batches.ts): small first, sized from the
// last batch's time per row, never more than doubling, within the bounds.
import { describe, expect, it } from "vitest";
import { BATCH_BUDGET_MS, BatchSizer, FIRST_BATCH, inBatches } from "../../../src/features/retention/batches.ts";

describe("retention batch sizes", () => {
  it("starts small, grows at most twofold while fast, and aims at half the budget", () => {
    const sizer = new BatchSizer(5_000);
    expect(sizer.limit).toBe(FIRST_BATCH);
    sizer.took(FIRST_BATCH, 1); // 0.01 ms a row: could take 2,000 in 20 ms, but only doubles
    expect(sizer.limit).toBe(FIRST_BATCH * 2);
    sizer.took(sizer.limit, 200); // 1 ms a row: half the budget is 20 rows
    expect(sizer.limit).toBe(BATCH_BUDGET_MS / 2);
    sizer.took(20, 2_000); // a stall: never below the minimum
    expect(sizer.limit).toBe(10);
  });

  it("never exceeds the largest size asked for (tests ask for tiny batches)", () => {
    const sizer = new BatchSizer(3);
    expect(sizer.limit).toBe(3);
    sizer.took(3, 0);
    expect(sizer.limit).toBe(3);
  });

  it("stops when a batch walks fewer rows than its limit, counting what changed", async () => {
    let left = 250;
    const limits: number[] = [];
    const changed = await inBatches(1_000, (limit) => {
      limits.push(limit);
      const walked = Math.min(limit, left);
      left -= walked;
      return Promise.resolve({ walked, changed: walked - 1 });
    });
    expect(left).toBe(0);
    expect(limits[0]).toBe(FIRST_BATCH);
    expect(changed).toBe(250 - limits.length);
  });
});
