// Rendering of nominations: user text is always escaped, and Block Kit limits hold.
import { describe, expect, it } from "vitest";
import { approvalCard, storyPost, storyPreview } from "../../../src/features/nominations/blocks.ts";
import { parseDelightCommand } from "../../../src/features/nominations/parse.ts";
import { startOfMonth } from "../../../src/features/nominations/stats.ts";

const nomination = {
  id: "n1",
  nominatorId: "UNINA",
  nomineeIds: ["UALICE", "UBOB"],
  story: "Calmed <@UCAT> down &lt;!channel&gt; <!here> <https://evil.example|https://good.example>",
  values: ["listen", "bogus"],
  customer: "Acme <!everyone> *bold*",
  link: "https://ticket.example/1",
  status: "pending" as const,
  decidedBy: null,
  rejectionReason: null,
};

describe("nomination blocks", () => {
  it("renders the card with real mentions kept and broadcasts and disguised links defused", () => {
    const card = JSON.stringify(approvalCard(nomination));
    expect(card).toContain("<@UNINA> nominated <@UALICE> and <@UBOB>");
    expect(card).toContain("<@UCAT>");
    expect(card).not.toMatch(/<!(channel|here|everyone)>/);
    expect(card).toContain("<https://evil.example>");
    expect(card).not.toContain("good.example");
    expect(card).toContain("Acme &lt;!everyone&gt;");
    expect(card).toContain("Listen");
    expect(card).not.toContain("bogus");
  });

  it("keeps a very long story within a section's 3,000 characters", () => {
    const long = { ...nomination, story: "word ".repeat(2000) };
    for (const message of [approvalCard(long), storyPost(long)]) {
      for (const block of message.blocks) {
        if (block.type === "section" && block.text) expect(block.text.text.length).toBeLessThanOrEqual(3000);
      }
    }
  });

  it("cuts previews without breaking a mention or an entity", () => {
    expect(storyPreview("thanks <@UALICE> for it", 12)).toBe("thanks…");
    expect(storyPreview("a &amp; b", 4)).toBe("a…");
    expect(storyPreview("short <@UALICE>")).toBe("short <@UALICE>");
  });

  it("takes the first link of a /delight story as the nomination's link", () => {
    const parsed = parseDelightCommand("<@UALICE> see <https://support.example/t/1|the ticket> #listen");
    expect(parsed).toMatchObject({ kind: "nominate", link: "https://support.example/t/1" });
  });
});

describe("startOfMonth", () => {
  it("finds midnight on the 1st in the person's timezone", () => {
    const now = new Date("2026-11-23T09:00:00Z");
    expect(startOfMonth(now, "UTC").toISOString()).toBe("2026-11-01T00:00:00.000Z");
    expect(startOfMonth(now, "Europe/Paris").toISOString()).toBe("2026-10-31T23:00:00.000Z");
    expect(startOfMonth(now, "America/New_York").toISOString()).toBe("2026-11-01T04:00:00.000Z");
    // Just after midnight on the 1st in Tokyo is still October in UTC.
    expect(startOfMonth(new Date("2026-10-31T16:00:00Z"), "Asia/Tokyo").toISOString()).toBe("2026-10-31T15:00:00.000Z");
  });
});
