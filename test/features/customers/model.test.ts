import { describe, expect, it } from "vitest";
import { cleanCustomerName, normalizeCustomerName } from "../../../src/features/customers/model.ts";
import { interestsIn } from "../../../src/features/customers/service.ts";

describe("customer names", () => {
  it("match case- and whitespace-insensitively", () => {
    expect(normalizeCustomerName("ACME  corp")).toBe(normalizeCustomerName("Acme Corp"));
    expect(normalizeCustomerName(" Acme\tCorp\n")).toBe("acme corp");
    expect(normalizeCustomerName("Ｆｕｌｌ width")).toBe("full width");
    expect(normalizeCustomerName("Acme Corp")).not.toBe(normalizeCustomerName("Acme Corporation"));
  });

  it("are stored as typed, tidied", () => {
    expect(cleanCustomerName("  ACME   corp ")).toBe("ACME corp");
    expect(cleanCustomerName("x".repeat(200))).toHaveLength(150);
  });
});

describe("interestsIn", () => {
  it("finds interest words in free text", () => {
    expect(interestsIn("Loves cycling and oat-milk coffee; has two dogs")).toEqual(["coffee", "cycling", "dogs"]);
    expect(interestsIn("Into board games and books")).toEqual(["books", "board games"]);
    expect(interestsIn("Nothing to see")).toEqual([]);
  });
});
