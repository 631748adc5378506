// The answer to a form (view_submission) whose listener failed before acknowledging it: the
// form stays open with everything the person typed, and says it could not be saved and to
// try again. Not "out of date, nothing happened" (that replaces the form and loses it all).
//
// With an input block, the error goes under the first field (`response_action: "errors"`:
// Slack keeps the values). Without one, the same view is shown again with the error at the
// top (`response_action: "update"`): Slack keeps what was entered in input blocks whose
// block_id and action_id stay the same (docs.slack.dev, views.update, "Preserving input entry").

/** What a failed form shows; plain text (a field error does not render mrkdwn or emoji codes). */
export function couldNotSave(submitLabel: string | undefined): string {
  const again = submitLabel ? `press “${submitLabel}” again` : "submit it again";
  return `Sorry, this couldn't be saved because of a problem on our side. Nothing you typed is lost: ${again} in a moment.`;
}

interface SubmittedView {
  type?: string;
  title?: unknown;
  blocks?: Array<{ type?: string; block_id?: string }>;
  close?: unknown;
  submit?: { text?: string } | null;
  private_metadata?: string;
  callback_id?: string;
  clear_on_close?: boolean;
  notify_on_close?: boolean;
  external_id?: string;
  submit_disabled?: boolean;
}

/** Slack's limit on blocks in a modal. */
const MODAL_BLOCK_LIMIT = 100;

export type FormErrorResponse =
  | { response_action: "errors"; errors: Record<string, string> }
  | { response_action: "update"; view: Record<string, unknown> };

/**
 * Keeps the submitted form open with `message` (a field error, or a line at the top). A
 * message that is the person's to fix (UserFacingError) is passed as is; otherwise
 * couldNotSave().
 */
export function keepFormOpen(view: unknown, message?: string): FormErrorResponse {
  const submitted = (view ?? {}) as SubmittedView;
  const text = message ?? couldNotSave(submitted.submit?.text);
  const blocks = Array.isArray(submitted.blocks) ? submitted.blocks : [];
  const input = blocks.find((block) => block.type === "input" && typeof block.block_id === "string");
  if (input?.block_id) return { response_action: "errors", errors: { [input.block_id]: text } };
  // Only the fields a view object may carry (the payload also has id, state, hash, team_id…).
  const notice = { type: "context", elements: [{ type: "plain_text", text: `⚠️ ${text}`, emoji: true }] };
  const copy: Record<string, unknown> = {
    type: submitted.type ?? "modal",
    title: submitted.title ?? { type: "plain_text", text: "Delight" },
    blocks: blocks.length < MODAL_BLOCK_LIMIT ? [notice, ...blocks] : blocks,
  };
  for (const field of [
    "close",
    "submit",
    "private_metadata",
    "callback_id",
    "clear_on_close",
    "notify_on_close",
    "external_id",
    "submit_disabled",
  ] as const) {
    if (submitted[field] !== undefined && submitted[field] !== null) copy[field] = submitted[field];
  }
  return { response_action: "update", view: copy };
}
