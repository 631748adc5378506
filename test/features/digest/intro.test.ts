// The model's intro: first names and story text only, checked with zod, and null (template)
// on any failure or slowness, quickly.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../../src/app.ts";
import { loadConfig } from "../../../src/config.ts";
import { introPrompt, modelIntro, storyForModel } from "../../../src/features/digest/intro.ts";
import type { DigestStory } from "../../../src/features/digest/model.ts";
import { OpenAIStandIn } from "../../support/openai-stand-in.ts";

const names = new Map([
  ["UALICE", "Alice"],
  ["UBOB", "Bob"],
]);
const stories: DigestStory[] = [
  {
    id: "n1",
    nomineeIds: ["UALICE", "UCAROL"],
    nominatorId: "UNINA",
    decidedBy: "UMARIA",
    story: "With <@UBOB> she called back mrs.chen@example.com on +33 6 12 34 56 78 and sent &lt;earmuffs&gt;",
    values: ["delight"],
    customer: "Mrs Chen",
    permalink: null,
  },
];

describe("digest intro", () => {
  const model = new OpenAIStandIn();
  let deps: Parameters<typeof modelIntro>[0];
  beforeAll(async () => {
    const baseUrl = await model.start();
    deps = {
      config: loadConfig({
        SLACK_BOT_TOKEN: "xoxb-test",
        SLACK_SIGNING_SECRET: "s",
        OPENAI_API_KEY: "sk-test",
        OPENAI_BASE_URL: baseUrl,
      }),
      logger: createLogger("error"),
    };
  });
  afterAll(() => model.stop());

  it("sends story text and first names only: no Slack ids, emails, phone numbers or customers", () => {
    const prompt = introPrompt(stories, names);
    expect(prompt).toContain("Alice, a colleague:");
    expect(prompt).toContain("With Bob she called back [email removed] on [phone removed] and sent <earmuffs>");
    expect(prompt).not.toMatch(/U[A-Z0-9]{3,}|@example|Mrs Chen/);
    expect(storyForModel("<@UXYZ|someone> helped", names)).toBe("a colleague helped");
  });

  it("returns the model's two sentences when it answers well", async () => {
    model.answerJson({ intro: "This week the team listened hard. Small gestures made big days." });
    expect(await modelIntro(deps, stories, names)).toBe(
      "This week the team listened hard. Small gestures made big days.",
    );
    const body = model.requests.at(-1)?.body as { response_format?: { type?: string } };
    expect(body.response_format?.type).toBe("json_schema");
  });

  it("falls back (null) on an error, a refusal, a bad answer or no stories", async () => {
    model.behaviour = { kind: "status", status: 500 };
    expect(await modelIntro(deps, stories, names, { timeoutMs: 2_000 })).toBeNull();
    model.behaviour = { kind: "refusal", refusal: "no" };
    expect(await modelIntro(deps, stories, names)).toBeNull();
    model.answerJson({ intro: 42 });
    expect(await modelIntro(deps, stories, names)).toBeNull();
    model.behaviour = { kind: "content", content: "not json" };
    expect(await modelIntro(deps, stories, names)).toBeNull();
    expect(await modelIntro(deps, [], names)).toBeNull();
  });

  it("gives up on a hanging model within its budget", async () => {
    model.behaviour = { kind: "hang" };
    const started = Date.now();
    expect(await modelIntro(deps, stories, names, { timeoutMs: 300, totalMs: 1_000 })).toBeNull();
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("uses no model without a key", async () => {
    const before = model.requests.length;
    const noKey = { ...deps, config: { ...deps.config, openai: { model: "gpt-4o-mini" } } };
    expect(await modelIntro(noKey, stories, names)).toBeNull();
    expect(model.requests.length).toBe(before);
  });
});
