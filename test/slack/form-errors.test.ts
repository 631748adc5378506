// What a form whose saving failed answers: kept open, everything typed kept, an error saying
// to try again (never "out of date", which replaced the form and lost what was typed).
import { describe, expect, it } from "vitest";
import { couldNotSave, keepFormOpen } from "../../src/slack/form-errors.ts";

const submitted = {
  id: "V123",
  team_id: "T1",
  type: "modal",
  callback_id: "some_form",
  private_metadata: '{"caseId":"c1"}',
  title: { type: "plain_text", text: "Some form" },
  submit: { type: "plain_text", text: "Send" },
  close: { type: "plain_text", text: "Cancel" },
  hash: "h",
  state: { values: { a: { input: { type: "plain_text_input", value: "typed" } } } },
};

describe("keepFormOpen", () => {
  it("puts the error under the first input, naming the form's own button", () => {
    const answer = keepFormOpen({
      ...submitted,
      blocks: [
        { type: "section", block_id: "intro", text: { type: "mrkdwn", text: "Hi" } },
        { type: "input", block_id: "first", label: { type: "plain_text", text: "A" }, element: {} },
        { type: "input", block_id: "second", label: { type: "plain_text", text: "B" }, element: {} },
      ],
    });
    expect(answer).toEqual({ response_action: "errors", errors: { first: couldNotSave("Send") } });
    expect(couldNotSave("Send")).toBe(
      "Sorry, this couldn't be saved because of a problem on our side. Nothing you typed is lost: press “Send” again in a moment.",
    );
  });

  it("shows a person's own problem as it is", () => {
    const answer = keepFormOpen(
      { ...submitted, blocks: [{ type: "input", block_id: "first" }] },
      "That customer name is too long.",
    );
    expect(answer).toEqual({ response_action: "errors", errors: { first: "That customer name is too long." } });
  });

  it("without an input, shows the same view again with the error on top, keeping its blocks and metadata", () => {
    const blocks = [{ type: "section", block_id: "s", text: { type: "mrkdwn", text: "Confirm?" } }];
    const answer = keepFormOpen({ ...submitted, blocks });
    expect(answer.response_action).toBe("update");
    if (answer.response_action !== "update") return;
    expect(answer.view).toMatchObject({
      type: "modal",
      callback_id: "some_form",
      private_metadata: '{"caseId":"c1"}',
      submit: { type: "plain_text", text: "Send" },
      blocks: [{ type: "context" }, ...blocks],
    });
    expect(JSON.stringify(answer.view.blocks)).toContain("couldn't be saved");
    // Only what a view object may carry: not the payload's id, hash, state or team.
    expect(Object.keys(answer.view)).not.toContain("id");
    expect(Object.keys(answer.view)).not.toContain("state");
    expect(Object.keys(answer.view)).not.toContain("hash");
  });
});
