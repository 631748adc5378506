// Values that come back from Slack (button values, a modal's private_metadata) are input like
// any other: Slack returns what the app set, but an old message, an older version of the app
// or a mistake can put anything there. They are read within Slack's own bounds, with a schema.
import type { z } from "zod";

/** Slack's limits: a button's value, a view's private_metadata (Block Kit reference). */
export const BUTTON_VALUE_MAX = 2000;
export const PRIVATE_METADATA_MAX = 3000;

/** JSON in a value, checked with `schema`; null when it is missing, too long, not JSON or not its shape. */
export function parseJsonValue<T>(schema: z.ZodType<T>, text: string | undefined, max: number): T | null {
  if (!text || text.length > max) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

const RECORD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A row's id (every table's ids are uuids) carried in a value, or null. */
export function recordIdOf(value: string | undefined | null): string | null {
  return value && RECORD_ID.test(value) ? value.toLowerCase() : null;
}
