// Block Kit's rules as Slack enforces them, so the imitation refuses what Slack would refuse
// (`invalid_blocks`) instead of letting a broken message pass in tests and in the sandbox.
// Limits from Slack's Block Kit reference; only the rules a bot like Delight can break.

type Json = Record<string, unknown>;

const BLOCK_TYPES = new Set([
  "header",
  "section",
  "context",
  "divider",
  "image",
  "actions",
  "input",
  "rich_text",
  "file",
  "video",
  "markdown",
  "context_actions",
]);

const MAX_BLOCKS = { message: 50, modal: 100, home: 100 } as const;

class Problems {
  readonly list: string[] = [];
  readonly actionIds = new Set<string>();
  readonly blockIds = new Set<string>();
  add(path: string, message: string): void {
    this.list.push(`${path}: ${message}`);
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkText(problems: Problems, path: string, text: unknown, max: number, only?: "plain_text" | "mrkdwn"): void {
  if (!isObject(text)) return problems.add(path, "must be a text object");
  if (text.type !== "plain_text" && text.type !== "mrkdwn")
    return problems.add(path, "type must be plain_text or mrkdwn");
  if (only && text.type !== only) problems.add(path, `must be ${only}`);
  if (typeof text.text !== "string" || text.text.length === 0) return problems.add(path, "text must not be empty");
  if (text.text.length > max) problems.add(path, `text must be at most ${max} characters (is ${text.text.length})`);
}

function checkOptions(problems: Problems, path: string, options: unknown, max: number): void {
  if (!Array.isArray(options) || options.length === 0) return problems.add(path, "needs at least one option");
  if (options.length > max) problems.add(path, `at most ${max} options (has ${options.length})`);
  options.forEach((option: unknown, i) => {
    if (!isObject(option)) return problems.add(`${path}[${i}]`, "must be an option object");
    checkText(problems, `${path}[${i}].text`, option.text, 75);
    if (typeof option.value !== "string" || option.value.length > 150)
      problems.add(`${path}[${i}].value`, "must be a string of at most 150 characters");
  });
}

function checkElement(problems: Problems, path: string, element: unknown): void {
  if (!isObject(element) || typeof element.type !== "string") return problems.add(path, "element needs a type");
  if (typeof element.action_id === "string") {
    if (element.action_id.length > 255) problems.add(`${path}.action_id`, "at most 255 characters");
    if (problems.actionIds.has(element.action_id))
      problems.add(`${path}.action_id`, `duplicate action_id "${element.action_id}" in one block`);
    problems.actionIds.add(element.action_id);
  }
  switch (element.type) {
    case "button":
      checkText(problems, `${path}.text`, element.text, 75, "plain_text");
      if (typeof element.value === "string" && element.value.length > 2000)
        problems.add(`${path}.value`, "at most 2000 characters");
      if (typeof element.url === "string" && element.url.length > 3000)
        problems.add(`${path}.url`, "at most 3000 characters");
      break;
    case "static_select":
    case "multi_static_select":
      if (!element.option_groups) checkOptions(problems, `${path}.options`, element.options, 100);
      break;
    case "overflow":
      checkOptions(problems, `${path}.options`, element.options, 5);
      break;
    case "checkboxes":
    case "radio_buttons":
      checkOptions(problems, `${path}.options`, element.options, 10);
      break;
    case "plain_text_input":
      if (typeof element.max_length === "number" && element.max_length > 3000)
        problems.add(`${path}.max_length`, "at most 3000");
      break;
    case "image":
      if (typeof element.alt_text !== "string") problems.add(`${path}.alt_text`, "is required");
      break;
    // docs.slack.dev/reference/block-kit/block-elements/file-input-element: in an input block
    // only; max_files 1–10; filetypes a list of extensions.
    case "file_input":
      if (!path.endsWith(".element")) problems.add(path, "file_input is only allowed in an input block");
      if (
        element.max_files !== undefined &&
        (typeof element.max_files !== "number" ||
          !Number.isInteger(element.max_files) ||
          element.max_files < 1 ||
          element.max_files > 10)
      )
        problems.add(`${path}.max_files`, "must be a whole number from 1 to 10");
      if (
        element.filetypes !== undefined &&
        (!Array.isArray(element.filetypes) || element.filetypes.some((t) => typeof t !== "string"))
      )
        problems.add(`${path}.filetypes`, "must be a list of file extensions");
      break;
    default:
      break;
  }
  if (element.placeholder !== undefined)
    checkText(problems, `${path}.placeholder`, element.placeholder, 150, "plain_text");
}

function checkBlock(problems: Problems, path: string, block: unknown, surface: keyof typeof MAX_BLOCKS): void {
  if (!isObject(block) || typeof block.type !== "string") return problems.add(path, "block needs a type");
  if (!BLOCK_TYPES.has(block.type)) return problems.add(`${path}.type`, `unknown block type "${block.type}"`);
  // Slack wants action ids unique within their block (an input block's "input" may repeat).
  problems.actionIds.clear();
  if (typeof block.block_id === "string") {
    if (block.block_id.length > 255) problems.add(`${path}.block_id`, "at most 255 characters");
    if (problems.blockIds.has(block.block_id))
      problems.add(`${path}.block_id`, `duplicate block_id "${block.block_id}"`);
    problems.blockIds.add(block.block_id);
  }
  switch (block.type) {
    case "header":
      checkText(problems, `${path}.text`, block.text, 150, "plain_text");
      break;
    case "section":
      if (block.text === undefined && block.fields === undefined) problems.add(path, "needs text or fields");
      if (block.text !== undefined) checkText(problems, `${path}.text`, block.text, 3000);
      if (block.fields !== undefined) {
        if (!Array.isArray(block.fields) || block.fields.length > 10)
          problems.add(`${path}.fields`, "at most 10 fields");
        else block.fields.forEach((f, i) => checkText(problems, `${path}.fields[${i}]`, f, 2000));
      }
      if (block.accessory !== undefined) checkElement(problems, `${path}.accessory`, block.accessory);
      break;
    case "context":
      if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 10)
        problems.add(`${path}.elements`, "needs 1 to 10 elements");
      else
        block.elements.forEach((e: unknown, i) =>
          isObject(e) && e.type === "image"
            ? checkElement(problems, `${path}.elements[${i}]`, e)
            : checkText(problems, `${path}.elements[${i}]`, e, 3000),
        );
      break;
    case "actions":
      if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 25)
        problems.add(`${path}.elements`, "needs 1 to 25 elements");
      else block.elements.forEach((e, i) => checkElement(problems, `${path}.elements[${i}]`, e));
      break;
    case "image":
      if (typeof block.alt_text !== "string" || block.alt_text.length === 0 || block.alt_text.length > 2000)
        problems.add(`${path}.alt_text`, "is required (at most 2000 characters)");
      if (typeof block.image_url !== "string" && !isObject(block.slack_file))
        problems.add(path, "needs image_url or slack_file");
      if (
        isObject(block.slack_file) &&
        typeof block.slack_file.id !== "string" &&
        typeof block.slack_file.url !== "string"
      )
        problems.add(`${path}.slack_file`, "needs id or url");
      if (block.title !== undefined) checkText(problems, `${path}.title`, block.title, 2000, "plain_text");
      break;
    case "input":
      if (surface === "message") problems.add(path, "input blocks are only allowed in modals and App Home");
      checkText(problems, `${path}.label`, block.label, 2000, "plain_text");
      if (block.hint !== undefined) checkText(problems, `${path}.hint`, block.hint, 2000, "plain_text");
      if (block.element === undefined) problems.add(`${path}.element`, "is required");
      else checkElement(problems, `${path}.element`, block.element);
      break;
    case "rich_text":
      if (!Array.isArray(block.elements)) problems.add(`${path}.elements`, "is required");
      break;
    default:
      break;
  }
}

/** The problems with a list of blocks on a surface; empty when Slack would accept it. */
export function blockProblems(blocks: unknown, surface: keyof typeof MAX_BLOCKS, problems = new Problems()): string[] {
  if (blocks === undefined) return problems.list;
  if (!Array.isArray(blocks)) {
    problems.add("blocks", "must be an array");
    return problems.list;
  }
  const max = MAX_BLOCKS[surface];
  if (blocks.length > max) problems.add("blocks", `at most ${max} blocks (has ${blocks.length})`);
  blocks.forEach((block: unknown, i) => checkBlock(problems, `blocks[${i}]`, block, surface));
  return problems.list;
}

/** The problems with a modal or Home tab view. */
export function viewProblems(view: unknown): string[] {
  const problems = new Problems();
  if (!isObject(view)) return ["view: is required"];
  const surface = view.type === "home" ? "home" : view.type === "modal" ? "modal" : undefined;
  if (!surface) return ['view.type: must be "modal" or "home"'];
  if (surface === "modal") {
    checkText(problems, "view.title", view.title, 24, "plain_text");
    if (view.submit !== undefined) checkText(problems, "view.submit", view.submit, 24, "plain_text");
    if (view.close !== undefined) checkText(problems, "view.close", view.close, 24, "plain_text");
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObject(b) && b.type === "input");
    if (hasInput && view.submit === undefined)
      problems.add("view.submit", "is required when the view has input blocks");
  }
  if (typeof view.private_metadata === "string" && view.private_metadata.length > 3000)
    problems.add("view.private_metadata", "at most 3000 characters");
  if (typeof view.callback_id === "string" && view.callback_id.length > 255)
    problems.add("view.callback_id", "at most 255 characters");
  return blockProblems(view.blocks ?? [], surface, problems);
}
