// The Slack imitation refuses what Slack refuses around file_input: the element outside an
// input block or with max_files out of 1–10, a file over 10 MB, and a private file download
// without a token (Slack answers its sign-in page, not the file).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { viewProblems } from "../../src/sandbox/block-kit-rules.ts";
import { FILE_INPUT_MAX_BYTES } from "../../src/sandbox/slack-files.ts";
import { SlackStandIn } from "../../src/sandbox/slack-imitation.ts";

const modal = (blocks: unknown[]) => ({
  type: "modal",
  title: { type: "plain_text", text: "Import" },
  submit: { type: "plain_text", text: "Import" },
  blocks,
});
const fileInput = (extra: Record<string, unknown> = {}) => ({ type: "file_input", action_id: "file", ...extra });

describe("file_input in the Slack imitation", () => {
  const slack = new SlackStandIn();
  beforeAll(() => slack.start());
  afterAll(() => slack.stop());

  it("takes file_input in an input block with max_files 1–10, and refuses it elsewhere", () => {
    const input = (element: unknown) => ({
      type: "input",
      block_id: "f",
      label: { type: "plain_text", text: "CSV" },
      element,
    });
    expect(viewProblems(modal([input(fileInput({ filetypes: ["csv"], max_files: 1 }))]))).toEqual([]);
    expect(viewProblems(modal([input(fileInput({ max_files: 11 }))])).join()).toContain("max_files");
    expect(viewProblems(modal([input(fileInput({ max_files: 0 }))])).join()).toContain("max_files");
    expect(viewProblems(modal([input(fileInput({ filetypes: "csv" }))])).join()).toContain("filetypes");
    expect(viewProblems(modal([{ type: "actions", elements: [fileInput()] }])).join()).toContain(
      "only allowed in an input block",
    );
  });

  it("keeps an upload like Slack and serves it only with a token", async () => {
    expect(slack.userUpload("U1", "big.csv", Buffer.alloc(FILE_INPUT_MAX_BYTES + 1))).toEqual({
      error: "file_too_large",
    });
    const file = slack.userUpload("U1", "customers.csv", Buffer.from("name\nAcme\n")) as Record<string, string>;
    expect(file).toMatchObject({ name: "customers.csv", filetype: "csv", size: 10, user: "U1" });
    const anonymous = await fetch(file.url_private_download ?? "");
    expect(anonymous.status).toBe(200);
    expect(anonymous.headers.get("content-type")).toContain("text/html");
    expect(await anonymous.text()).toContain("Sign in");
    const withToken = await fetch(file.url_private_download ?? "", { headers: { authorization: "Bearer xoxb-test" } });
    expect(withToken.headers.get("content-type")).toBe("text/csv");
    expect(await withToken.text()).toBe("name\nAcme\n");
    // A rotating bot token (token rotation on) is a bot token too.
    const rotating = await fetch(file.url_private_download ?? "", {
      headers: { authorization: "Bearer xoxe.xoxb-1-test" },
    });
    expect(await rotating.text()).toBe("name\nAcme\n");
  });
});
