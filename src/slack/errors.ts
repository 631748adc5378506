// One place where listener failures end: logged with context (never tokens), and the person
// is told in plain words what happened and what to do next.
import type { Logger, RespondFn } from "@slack/bolt";
import { ackStateOf } from "./ack-guard.ts";
import { keepFormOpen } from "./form-errors.ts";
import type { PrivateRequests } from "./private-requests.ts";
import type { ListenerErrorHandler } from "./router.ts";

export const SOMETHING_WENT_WRONG =
  ":warning: Sorry, something went wrong on our side and nothing was changed. Please try again in a minute; if it keeps happening, tell your Delight admin.";

/** Thrown by services for problems the person can fix; its message is shown to them as is. */
export class UserFacingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UserFacingError";
  }
}

interface ErrorContext {
  /** A private request (private-requests.ts): the user is left out. */
  private?: boolean;
  type?: string;
  command?: string;
  action?: string;
  callbackId?: string;
  event?: string;
  team?: string;
  user?: string;
}

/** What a log line says about a request; a private one's sender (and anything typed) is left out. */
export function describeRequest(body: unknown, privateRequests?: PrivateRequests): ErrorContext {
  const b = (body ?? {}) as Record<string, unknown> & {
    user?: { id?: string; team_id?: string };
    team?: { id?: string };
    actions?: Array<{ action_id?: string }>;
    view?: { callback_id?: string };
    event?: { type?: string; user?: string };
  };
  const isPrivate = privateRequests?.isPrivate(body) ?? false;
  return {
    type: typeof b.type === "string" ? b.type : typeof b.command === "string" ? "slash_command" : undefined,
    command: typeof b.command === "string" ? b.command : undefined,
    action: b.actions?.[0]?.action_id,
    callbackId: typeof b.callback_id === "string" ? b.callback_id : b.view?.callback_id,
    event: b.event?.type,
    team: typeof b.team_id === "string" ? b.team_id : (b.team?.id ?? b.user?.team_id),
    user: isPrivate ? undefined : typeof b.user_id === "string" ? b.user_id : (b.user?.id ?? b.event?.user),
    ...(isPrivate ? { private: true } : {}),
  };
}

/**
 * An error as a log line shows it: its stack, but for a private request only its kind and
 * where it happened (a database error's message can quote what was typed).
 */
export function describeError(error: unknown, isPrivate: boolean): unknown {
  if (!(error instanceof Error)) return isPrivate ? typeof error : error;
  if (!isPrivate) return error.stack ?? error.message;
  const code = (error as { code?: unknown }).code;
  const frames = (error.stack ?? "").split("\n").filter((line) => /^\s+at /.test(line));
  return [`${error.name}${typeof code === "string" ? ` (${code})` : ""}`, ...frames].join("\n");
}

/**
 * What a listener threw, answered to the person (the router calls it). A request not
 * acknowledged yet (the database was down before the ack, say) is acknowledged with the
 * answer itself, so the person sees it instead of Slack's timeout. A form is kept open with
 * everything typed and an error saying it could not be saved (form-errors.ts).
 */
export function answerListenerErrors(logger: Logger, privateRequests?: PrivateRequests): ListenerErrorHandler {
  return async (args, error) => {
    const isPrivate = privateRequests?.isPrivate(args.body) ?? false;
    const ack = (args as { ack?: (response?: unknown) => Promise<void> }).ack;
    const respond = (args as { respond?: RespondFn }).respond;
    const isUserFacing = error instanceof UserFacingError;
    if (!isUserFacing) {
      logger.error("Listener failed", describeRequest(args.body, privateRequests), describeError(error, isPrivate));
    }
    const text = isUserFacing ? error.message : SOMETHING_WENT_WRONG;
    const body = args.body as { command?: unknown; type?: unknown };
    const acked = ackStateOf(args.body)?.acked ?? true;
    try {
      if (ack && !acked && typeof body.command === "string") {
        await ack({ response_type: "ephemeral", text });
        return;
      }
      if (ack && !acked && body.type === "view_submission") {
        await ack(keepFormOpen((args.body as { view?: unknown }).view, isUserFacing ? error.message : undefined));
        return;
      }
      if (ack && !acked) await ack();
      // Only when the outbox itself may be what failed: a direct, best-effort reply.
      if (respond) await respond({ response_type: "ephemeral", replace_original: false, text });
    } catch (replyError) {
      logger.warn(
        "Could not tell the user about an error",
        describeRequest(args.body, privateRequests),
        describeError(replyError, isPrivate),
      );
    }
  };
}
