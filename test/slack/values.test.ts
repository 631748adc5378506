// Values that come back from Slack are read within Slack's bounds and with a schema; the
// stories pager's page numbers and times are among them.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { pageButtonValue, storiesPagePayload } from "../../src/features/stories/model.ts";
import { BUTTON_VALUE_MAX, parseJsonValue, recordIdOf } from "../../src/slack/values.ts";

const filter = { values: [], personIds: [], customer: null, days: null };

describe("values from Slack", () => {
  it("reads JSON with a schema, within a length, and null for anything else", () => {
    const schema = z.object({ a: z.number() });
    expect(parseJsonValue(schema, '{"a":1}', 100)).toEqual({ a: 1 });
    expect(parseJsonValue(schema, '{"a":"1"}', 100)).toBeNull();
    expect(parseJsonValue(schema, "{a:1", 100)).toBeNull();
    expect(parseJsonValue(schema, undefined, 100)).toBeNull();
    expect(parseJsonValue(schema, `{"a":1${" ".repeat(100)}}`, 100)).toBeNull();
  });

  it("takes a row id only when it is one", () => {
    expect(recordIdOf("0B0C1A9E-6B53-4A55-9D0A-1C2B3D4E5F60")).toBe("0b0c1a9e-6b53-4a55-9d0a-1c2b3d4e5f60");
    for (const bad of ["", "42", "x".repeat(2000), "0b0c1a9e-6b53-4a55-9d0a-1c2b3d4e5f60 OR 1=1", undefined, null]) {
      expect(recordIdOf(bad)).toBeNull();
    }
  });

  it("bounds the stories pager: page numbers, the list's time and the people in its filter", () => {
    const value = (v: Record<string, unknown>) =>
      JSON.stringify({ f: filter, p: 1, at: "2026-11-23T09:00:00.000Z", ...v });
    expect(parseJsonValue(pageButtonValue, value({}), BUTTON_VALUE_MAX)).toMatchObject({ p: 1 });
    for (const bad of [
      { p: -1 },
      { p: 1e9 },
      { p: 1.5 },
      { at: "garbage" },
      { at: "" },
      { at: "1900-01-01T00:00:00Z" },
      { at: "9999-01-01T00:00:00Z" },
      { f: { ...filter, personIds: ["<!channel>"] } },
      { f: { ...filter, customer: "x".repeat(101) } },
    ]) {
      expect(parseJsonValue(pageButtonValue, value(bad), BUTTON_VALUE_MAX), JSON.stringify(bad)).toBeNull();
    }
    const payload = { teamId: "T", userId: "U", responseUrl: "u", filter, replace: true };
    expect(storiesPagePayload.safeParse({ ...payload, page: 1e9, at: "2026-11-23T09:00:00Z" }).success).toBe(false);
    expect(storiesPagePayload.safeParse({ ...payload, page: 2, at: "nope" }).success).toBe(false);
  });
});
