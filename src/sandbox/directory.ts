// The imitation's people: users.info, users.lookupByEmail and users.list as Slack answers
// them, and the cursor pages users.list and conversations.members share.
import type { StandInUser } from "./workspace.ts";

type Answer = Record<string, unknown>;

/** Cursor pages: Slack's default for conversations.members, and the largest page Delight asks for. */
const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;

const fail = (error: string): Answer => ({ ok: false, error });

/** A person as users.info shows them (the email inside `profile`). */
export function userInfo(user: StandInUser): Answer {
  const { email, ...rest } = user;
  return {
    ...rest,
    name: user.name ?? user.id.toLowerCase(),
    real_name: user.real_name ?? user.name,
    tz: user.tz,
    profile: { display_name: user.name, real_name: user.real_name ?? user.name, ...(email ? { email } : {}) },
  };
}

/** users.*: `everyone` by id; `listed`, who users.list shows (the token's workspace). */
export function answerUsers(
  method: "users.info" | "users.lookupByEmail" | "users.list",
  args: Answer,
  everyone: Map<string, StandInUser>,
  listed: StandInUser[],
): Answer {
  switch (method) {
    case "users.info": {
      const user = everyone.get(String(args.user));
      if (!user) return fail("user_not_found");
      return { ok: true, user: userInfo(user) };
    }
    case "users.lookupByEmail": {
      // docs.slack.dev/reference/methods/users.lookupByEmail: `users_not_found` when no one in
      // the workspace has the address (deleted people are still found, with deleted: true).
      const email = typeof args.email === "string" ? args.email.toLowerCase() : "";
      if (!email) return fail("invalid_arguments");
      const user = [...everyone.values()].find((u) => u.email?.toLowerCase() === email);
      if (!user) return fail("users_not_found");
      return { ok: true, user: userInfo(user) };
    }
    case "users.list":
      // "Providing no limit value will result in Slack attempting to deliver you the entire
      // result set. If the collection is too large you may experience limit_required."
      if (args.limit === undefined && listed.length > MAX_PAGE) return fail("limit_required");
      return page(listed, args, "members", userInfo);
  }
}

/** One page of a cursor-paginated list: `limit` items (at most 1,000) from the cursor on. */
export function page<T>(all: T[], args: Answer, key: string, shown: (item: T) => unknown): Answer {
  const limit = Math.min(Number(args.limit) > 0 ? Number(args.limit) : DEFAULT_PAGE, MAX_PAGE);
  const cursor = typeof args.cursor === "string" && args.cursor ? args.cursor : "";
  const from = cursor
    ? Number(
        Buffer.from(cursor, "base64")
          .toString("utf8")
          .replace(/^offset:/, ""),
      )
    : 0;
  if (!Number.isInteger(from) || from < 0) return fail("invalid_cursor");
  const items = all.slice(from, from + limit);
  const next = from + limit < all.length ? Buffer.from(`offset:${from + limit}`).toString("base64") : "";
  return { ok: true, [key]: items.map(shown), response_metadata: { next_cursor: next } };
}
