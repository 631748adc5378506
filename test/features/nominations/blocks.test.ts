// Rendering of nominations: user text is always escaped, and Block Kit limits hold.
import { describe, expect, it } from "vitest";
import {
  approvalCard,
  nominatorRejectedMessage,
  quotedStory,
  storyPost,
  storyPreview,
} from "../../../src/features/nominations/blocks.ts";
import { MAX_REASON_LENGTH, MAX_STORY_LENGTH } from "../../../src/features/nominations/parse.ts";
import { nomineeProblem } from "../../../src/features/nominations/intake.ts";
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

/** Every text of every block, with its limit. */
function blockTexts(blocks: unknown[]): string[] {
  return blocks.flatMap((b) => {
    const block = b as {
      text?: { text: string };
      elements?: Array<{ text?: string }>;
      fields?: Array<{ text: string }>;
    };
    return [
      ...(block.text ? [block.text.text] : []),
      ...(block.elements ?? []).flatMap((e) => (e.text ? [e.text] : [])),
      ...(block.fields ?? []).map((f) => f.text),
    ];
  });
}

describe("Block Kit limits with worst-case input", () => {
  it("keeps a rejection reason full of & < > within a section, without a broken entity", () => {
    const reason = "&<>".repeat(MAX_REASON_LENGTH / 3);
    const message = nominatorRejectedMessage({
      ...nomination,
      status: "rejected",
      decidedBy: "UMARIA",
      rejectionReason: reason,
    });
    const texts = blockTexts(message.blocks);
    for (const text of texts) expect(text.length).toBeLessThanOrEqual(3000);
    const quoted = texts.find((t) => t.includes("Their reason"))!;
    expect(quoted).toMatch(/(&amp;|&lt;|&gt;)…$/);
  });

  it("keeps a story of many short lines within a section once each line is quoted", () => {
    const story = "a\n".repeat(MAX_STORY_LENGTH / 2);
    expect(quotedStory(story).length).toBeLessThanOrEqual(2800);
    const card = approvalCard({ ...nomination, story });
    for (const text of blockTexts(card.blocks)) expect(text.length).toBeLessThanOrEqual(3000);
    const entities = "&amp;".repeat(700);
    const cut = quotedStory(entities);
    expect(cut.length).toBeLessThanOrEqual(2800);
    expect(cut).toMatch(/&amp;…$/);
  });
});

describe("nomineeProblem", () => {
  const profile = (id: string) => ({ id, isBot: false, isAdmin: false, deleted: false, name: id });
  const platformError = (code: string) => Object.assign(new Error(code), { data: { ok: false, error: code } });

  it("refuses unknown accounts but not people Slack could not look up just now", async () => {
    const users = {
      profile: async (id: string) => {
        if (id === "UGONE") throw platformError("user_not_found");
        if (id === "UBUSY") throw platformError("ratelimited");
        if (id === "UNET") throw new Error("socket hang up");
        return profile(id);
      },
    };
    expect(await nomineeProblem(users, "UNINA", ["UALICE", "UBUSY", "UNET"])).toBeNull();
    expect((await nomineeProblem(users, "UNINA", ["UALICE", "UGONE"]))?.plain).toContain(
      "@UGONE is no longer in this workspace",
    );
  });

  it("skips the check rather than hold the form past Slack's 3 seconds", async () => {
    const slow = { profile: () => new Promise<never>(() => undefined) };
    const started = Date.now();
    expect(await nomineeProblem(slow, "UNINA", ["UALICE"], { timeoutMs: 50 })).toBeNull();
    expect(Date.now() - started).toBeLessThan(1000);
    // Self-nomination needs no lookup and is still refused.
    expect(await nomineeProblem(slow, "UNINA", ["UNINA"], { timeoutMs: 50 })).not.toBeNull();
  });
});
