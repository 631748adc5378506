// One place where listener failures end: logged with context (never tokens), and the person
// is told in plain words what happened and what to do next.
import type { Logger, RespondFn } from "@slack/bolt";
import { ackStateOf } from "./ack-guard.ts";
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
  type?: string;
  command?: string;
  action?: string;
  callbackId?: string;
  event?: string;
  team?: string;
  user?: string;
}

export function describeRequest(body: unknown): ErrorContext {
  const b = (body ?? {}) as Record<string, unknown> & {
    user?: { id?: string; team_id?: string };
    team?: { id?: string };
    actions?: Array<{ action_id?: string }>;
    view?: { callback_id?: string };
    event?: { type?: string; user?: string };
  };
  return {
    type: typeof b.type === "string" ? b.type : typeof b.command === "string" ? "slash_command" : undefined,
    command: typeof b.command === "string" ? b.command : undefined,
    action: b.actions?.[0]?.action_id,
    callbackId: typeof b.callback_id === "string" ? b.callback_id : b.view?.callback_id,
    event: b.event?.type,
    team: typeof b.team_id === "string" ? b.team_id : (b.team?.id ?? b.user?.team_id),
    user: typeof b.user_id === "string" ? b.user_id : (b.user?.id ?? b.event?.user),
  };
}

/**
 * What a listener threw, answered to the person (the router calls it). A request not
 * acknowledged yet (the database was down before the ack, say) is acknowledged with the
 * answer itself, so the person sees it instead of Slack's timeout. A form is left
 * unacknowledged: Slack then keeps it open with everything typed, and says it failed.
 */
export function answerListenerErrors(logger: Logger): ListenerErrorHandler {
  return async (args, error) => {
    const ack = (args as { ack?: (response?: unknown) => Promise<void> }).ack;
    const respond = (args as { respond?: RespondFn }).respond;
    const isUserFacing = error instanceof UserFacingError;
    if (!isUserFacing) {
      logger.error(
        "Listener failed",
        describeRequest(args.body),
        error instanceof Error ? (error.stack ?? error.message) : error,
      );
    }
    const text = isUserFacing ? error.message : SOMETHING_WENT_WRONG;
    const body = args.body as { command?: unknown; type?: unknown };
    const acked = ackStateOf(args.body)?.acked ?? true;
    try {
      if (ack && !acked && typeof body.command === "string") {
        await ack({ response_type: "ephemeral", text });
        return;
      }
      if (ack && !acked && body.type === "view_submission") return;
      if (ack && !acked) await ack();
      // Only when the outbox itself may be what failed: a direct, best-effort reply.
      if (respond) await respond({ response_type: "ephemeral", replace_original: false, text });
    } catch (replyError) {
      logger.warn("Could not tell the user about an error", describeRequest(args.body), String(replyError));
    }
  };
}
