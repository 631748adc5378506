import { describe, expect, it } from "vitest";
import { customerSignalsLine, type CustomerSignalFigures } from "../../../src/features/nudges/figures.ts";

const none: CustomerSignalFigures = {
  signalsReceived: 0,
  recoveriesOpened: 0,
  recoveriesFixed: 0,
  recoveriesFixedOnTime: 0,
  customerNominations: 0,
  nudgesSent: 0,
  nudgesActedOn: 0,
};

describe("customerSignalsLine", () => {
  it("says nothing when nothing happened", () => {
    expect(customerSignalsLine(none)).toBeNull();
    expect(customerSignalsLine(undefined)).toBeNull();
  });

  it("shows only what is non-zero, with the on-time share of the fixed recoveries", () => {
    expect(
      customerSignalsLine({
        ...none,
        signalsReceived: 12,
        recoveriesOpened: 3,
        recoveriesFixed: 2,
        recoveriesFixedOnTime: 1,
      }),
    ).toBe(
      ":satellite_antenna: Customer signals: *12* received · *3* recoveries opened (50% of those fixed were on time)",
    );
    expect(customerSignalsLine({ ...none, customerNominations: 1, nudgesSent: 4, nudgesActedOn: 0 })).toBe(
      ":satellite_antenna: Customer signals: *1* nomination by customers · *4* nudges sent, *0* acted on",
    );
  });
});
