// views.update with `hash` is refused with hash_conflict when the view changed since the app
// read it (docs.slack.dev/reference/methods/views.update). That is the race the hash exists
// for, not a fault: callers log it quietly and leave the newer view alone.

/** Whether a Web API error is Slack's hash_conflict. */
export function isHashConflict(error: unknown): boolean {
  const data = (error as { data?: { error?: unknown } } | null)?.data;
  return data?.error === "hash_conflict";
}
