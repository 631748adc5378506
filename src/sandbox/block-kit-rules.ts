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

/** Every element type Block Kit knows (docs.slack.dev, Block elements): anything else is refused. */
const ELEMENT_TYPES = new Set([
  "button",
  "checkboxes",
  "datepicker",
  "datetimepicker",
  "email_text_input",
  "file_input",
  "image",
  "multi_static_select",
  "multi_external_select",
  "multi_users_select",
  "multi_conversations_select",
  "multi_channels_select",
  "number_input",
  "overflow",
  "plain_text_input",
  "radio_buttons",
  "rich_text_input",
  "static_select",
  "external_select",
  "users_select",
  "conversations_select",
  "channels_select",
  "timepicker",
  "url_text_input",
  "workflow_button",
]);

/** Elements that only act (never hold a value), so an input block cannot hold them. */
const NOT_INPUT_ELEMENTS = new Set(["button", "overflow", "image", "workflow_button"]);
/** Elements that only collect values: an input block's, never an actions block's or an accessory. */
const INPUT_ONLY_ELEMENTS = new Set([
  "plain_text_input",
  "email_text_input",
  "url_text_input",
  "number_input",
  "file_input",
]);

/** The conversation filter object: `include` of im, mpim, private, public (not empty), or one of the booleans. */
const FILTER_INCLUDES = new Set(["im", "mpim", "private", "public"]);

/** Where an element sits: what it may be depends on it (input block, actions block, section accessory, context). */
type Place = "input" | "actions" | "accessory" | "context";

/** An option as the menu shows it: an `initial_*` option must be exactly one of these. */
function sameOption(a: unknown, b: unknown): boolean {
  if (!isObject(a) || !isObject(b)) return false;
  const text = (o: Json) => (isObject(o.text) ? `${String(o.text.type)}:${String(o.text.text)}` : "");
  return a.value === b.value && text(a) === text(b);
}

function allOptions(element: Json): unknown[] {
  if (Array.isArray(element.options)) return element.options;
  if (Array.isArray(element.option_groups))
    return element.option_groups.flatMap((g: unknown): unknown[] =>
      isObject(g) && Array.isArray(g.options) ? (g.options as unknown[]) : [],
    );
  return [];
}

function checkInitialOptions(problems: Problems, path: string, element: Json): void {
  const options = allOptions(element);
  if (element.initial_option !== undefined && !options.some((o) => sameOption(o, element.initial_option)))
    problems.add(`${path}.initial_option`, "must exactly match one of the options (text and value)");
  if (element.initial_options !== undefined) {
    if (!Array.isArray(element.initial_options)) problems.add(`${path}.initial_options`, "must be an array");
    else
      element.initial_options.forEach((initial: unknown, i) => {
        if (!options.some((o) => sameOption(o, initial)))
          problems.add(`${path}.initial_options[${i}]`, "must exactly match one of the options (text and value)");
      });
  }
}

function checkOptionGroups(problems: Problems, path: string, groups: unknown): void {
  if (!Array.isArray(groups) || groups.length === 0) return problems.add(path, "needs at least one option group");
  if (groups.length > 100) problems.add(path, `at most 100 option groups (has ${groups.length})`);
  groups.forEach((group: unknown, i) => {
    if (!isObject(group)) return problems.add(`${path}[${i}]`, "must be an option group object");
    checkText(problems, `${path}[${i}].label`, group.label, 75, "plain_text");
    checkOptions(problems, `${path}[${i}].options`, group.options, 100);
  });
}

function checkConversationFilter(problems: Problems, path: string, filter: unknown): void {
  if (!isObject(filter)) return problems.add(path, "must be a conversation filter object");
  const { include, exclude_external_shared_channels: shared, exclude_bot_users: bots } = filter;
  if (include === undefined && shared === undefined && bots === undefined)
    problems.add(path, "needs include, exclude_external_shared_channels or exclude_bot_users");
  if (include !== undefined) {
    if (!Array.isArray(include) || include.length === 0) problems.add(`${path}.include`, "must be a non-empty array");
    else
      include.forEach((kind: unknown, i) => {
        if (typeof kind !== "string" || !FILTER_INCLUDES.has(kind))
          problems.add(`${path}.include[${i}]`, "must be one of im, mpim, private, public");
      });
  }
  for (const [name, value] of [
    ["exclude_external_shared_channels", shared],
    ["exclude_bot_users", bots],
  ] as const)
    if (value !== undefined && typeof value !== "boolean") problems.add(`${path}.${name}`, "must be a boolean");
}

const CONVERSATION_ID = /^[CGD][A-Z0-9]+$/;
const USER_ID = /^[UW][A-Z0-9]+$/;
const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;

function checkMaxSelected(problems: Problems, path: string, element: Json): void {
  const max = element.max_selected_items;
  if (max !== undefined && (typeof max !== "number" || !Number.isInteger(max) || max < 1))
    problems.add(`${path}.max_selected_items`, "must be an integer of at least 1");
}

function checkElement(
  problems: Problems,
  path: string,
  element: unknown,
  place: Place = "actions",
  surface: keyof typeof MAX_BLOCKS = "message",
): void {
  if (!isObject(element) || typeof element.type !== "string") return problems.add(path, "element needs a type");
  if (!ELEMENT_TYPES.has(element.type)) return problems.add(`${path}.type`, `unknown element type "${element.type}"`);
  if (place === "input" && NOT_INPUT_ELEMENTS.has(element.type))
    problems.add(`${path}.type`, `"${element.type}" cannot be an input block's element`);
  if (place !== "input" && INPUT_ONLY_ELEMENTS.has(element.type) && place !== "actions")
    problems.add(`${path}.type`, `"${element.type}" can only be in an input or actions block`);
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
      if (element.options !== undefined && element.option_groups !== undefined)
        problems.add(path, "options and option_groups cannot both be set");
      if (element.option_groups !== undefined)
        checkOptionGroups(problems, `${path}.option_groups`, element.option_groups);
      else checkOptions(problems, `${path}.options`, element.options, 100);
      checkInitialOptions(problems, path, element);
      if (element.type === "multi_static_select") checkMaxSelected(problems, path, element);
      break;
    case "overflow":
      checkOptions(problems, `${path}.options`, element.options, 5);
      break;
    case "checkboxes":
    case "radio_buttons":
      checkOptions(problems, `${path}.options`, element.options, 10);
      checkInitialOptions(problems, path, element);
      break;
    case "conversations_select":
    case "multi_conversations_select":
      if (element.filter !== undefined) checkConversationFilter(problems, `${path}.filter`, element.filter);
      if (
        element.initial_conversation !== undefined &&
        (typeof element.initial_conversation !== "string" || !CONVERSATION_ID.test(element.initial_conversation))
      )
        problems.add(`${path}.initial_conversation`, "must be a conversation id");
      if (
        element.initial_conversations !== undefined &&
        (!Array.isArray(element.initial_conversations) ||
          element.initial_conversations.some((id: unknown) => typeof id !== "string" || !CONVERSATION_ID.test(id)))
      )
        problems.add(`${path}.initial_conversations`, "must be an array of conversation ids");
      if (element.response_url_enabled !== undefined && (place !== "input" || surface !== "modal"))
        problems.add(`${path}.response_url_enabled`, "only works in a modal's input block");
      if (element.type === "multi_conversations_select") checkMaxSelected(problems, path, element);
      break;
    case "users_select":
      if (
        element.initial_user !== undefined &&
        (typeof element.initial_user !== "string" || !USER_ID.test(element.initial_user))
      )
        problems.add(`${path}.initial_user`, "must be a user id");
      break;
    case "multi_users_select":
      if (
        element.initial_users !== undefined &&
        (!Array.isArray(element.initial_users) ||
          element.initial_users.some((id: unknown) => typeof id !== "string" || !USER_ID.test(id)))
      )
        problems.add(`${path}.initial_users`, "must be an array of user ids");
      checkMaxSelected(problems, path, element);
      break;
    case "timepicker":
      if (
        element.initial_time !== undefined &&
        (typeof element.initial_time !== "string" || !TIME_OF_DAY.test(element.initial_time))
      )
        problems.add(`${path}.initial_time`, 'must be "HH:mm" (24-hour, two digits each)');
      if (element.timezone !== undefined && !isTimezone(element.timezone))
        problems.add(`${path}.timezone`, "must be an IANA time zone name");
      break;
    case "plain_text_input":
      if (typeof element.max_length === "number" && element.max_length > 3000)
        problems.add(`${path}.max_length`, "at most 3000");
      if (
        typeof element.initial_value === "string" &&
        typeof element.max_length === "number" &&
        element.initial_value.length > element.max_length
      )
        problems.add(`${path}.initial_value`, "longer than max_length");
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

function isTimezone(value: unknown): boolean {
  if (typeof value !== "string") return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
    return true;
  } catch {
    return false;
  }
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
      if (block.accessory !== undefined)
        checkElement(problems, `${path}.accessory`, block.accessory, "accessory", surface);
      break;
    case "context":
      if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 10)
        problems.add(`${path}.elements`, "needs 1 to 10 elements");
      else
        block.elements.forEach((e: unknown, i) =>
          isObject(e) && e.type === "image"
            ? checkElement(problems, `${path}.elements[${i}]`, e, "context", surface)
            : checkText(problems, `${path}.elements[${i}]`, e, 3000),
        );
      break;
    case "actions":
      if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 25)
        problems.add(`${path}.elements`, "needs 1 to 25 elements");
      else block.elements.forEach((e, i) => checkElement(problems, `${path}.elements[${i}]`, e, "actions", surface));
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
      else checkElement(problems, `${path}.element`, block.element, "input", surface);
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

/**
 * What is wrong with a view submission's `response_action: errors`: Slack shows each error
 * under the input block whose block_id is its key, so a key that is not an input block of the
 * view is refused (the form shows a generic error instead), and so is an empty message.
 */
export function viewErrorsProblems(view: unknown, errors: unknown): string[] {
  if (!isObject(errors) || Object.keys(errors).length === 0) return ["errors: must be an object of block_id → message"];
  const blocks = isObject(view) && Array.isArray(view.blocks) ? view.blocks : [];
  const inputs = new Set(
    blocks.flatMap((b: unknown) =>
      isObject(b) && b.type === "input" && typeof b.block_id === "string" ? [b.block_id] : [],
    ),
  );
  const problems: string[] = [];
  for (const [blockId, message] of Object.entries(errors)) {
    if (!inputs.has(blockId)) problems.push(`errors.${blockId}: no input block has this block_id`);
    if (typeof message !== "string" || message.length === 0)
      problems.push(`errors.${blockId}: must be a non-empty string`);
  }
  return problems;
}
