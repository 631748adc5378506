// Taking a nomination in: who may be nominated, and saving it exactly once. Runs in the
// `nomination.submit` job (after the ack) for /delight, and before the ack for the form
// (whose field errors must come with the ack).
import type { AppDeps } from "../../deps.ts";
import { Prisma } from "../../generated/prisma/client.ts";
import type { SlackUsers } from "../../slack/roles.ts";
import { mentionUser } from "../../slack/text.ts";
import { ensureWorkspace } from "../admin/settings.ts";
import { noteCustomerMention } from "../customers/service.ts";
import type { NewNomination, Nomination, NomineeProblem } from "./model.ts";

type ServiceDeps = Pick<AppDeps, "prisma" | "clock">;

/** Slack says this account does not exist (as opposed to a rate limit or a network error). */
function isUnknownUser(error: unknown): boolean {
  const code = (error as { data?: { error?: unknown } } | null)?.data?.error;
  return code === "user_not_found" || code === "user_not_visible" || code === "account_inactive";
}

// The modal asks before ack(), which must come within 3 seconds: the profile lookups get
// this long, then the bot/deleted check is skipped rather than the submission failing.
export const NOMINEE_CHECK_TIMEOUT_MS = 2_000;

/**
 * Says why these people can't be nominated by this person, or returns null when they can.
 * Bots, deleted accounts and people Slack doesn't know are refused, and so is oneself.
 * When Slack can't answer (rate limit, network, too slow) nobody is refused for it: a real
 * colleague must not be turned away, and a manager still sees the card before anything is
 * shared.
 */
export async function nomineeProblem(
  users: Pick<SlackUsers, "profile">,
  nominatorId: string,
  nomineeIds: string[],
  options: { timeoutMs?: number } = {},
): Promise<NomineeProblem | null> {
  if (nomineeIds.includes(nominatorId)) {
    const text =
      "You can't nominate yourself — recognition means most when a colleague notices. Ask a teammate who saw it to nominate you, or nominate someone who helped you.";
    return { mrkdwn: text, plain: text };
  }
  type Looked = { id: string; isBot: boolean; deleted: boolean; name?: string | undefined };
  const lookups = Promise.all(
    nomineeIds.map((id): Promise<Looked | null> =>
      users.profile(id).catch((error: unknown) => (isUnknownUser(error) ? { id, isBot: false, deleted: true } : null)),
    ),
  );
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), options.timeoutMs ?? NOMINEE_CHECK_TIMEOUT_MS);
  });
  const answered = await Promise.race([lookups, timedOut]).finally(() => clearTimeout(timer));
  if (!answered) return null;
  const profiles = answered.filter((p): p is Looked => p !== null);
  const describe = (people: typeof profiles) => ({
    mrkdwn: people.map((p) => mentionUser(p.id)).join(", "),
    plain: people.map((p) => `@${p.name ?? p.id}`).join(", "),
  });
  const bots = profiles.filter((p) => p.isBot);
  if (bots.length > 0) {
    const who = describe(bots);
    const rest = `${bots.length === 1 ? "is an app" : "are apps"}, and apps can't be recognised. Nominate the people behind the work instead.`;
    return { mrkdwn: `${who.mrkdwn} ${rest}`, plain: `${who.plain} ${rest}` };
  }
  const gone = profiles.filter((p) => p.deleted);
  if (gone.length > 0) {
    const who = describe(gone);
    // A deactivated account (Slack's users.info says `deleted`) or one Slack doesn't know.
    const rest = `${gone.length === 1 ? "is" : "are"} no longer in this workspace. Nominate people who are still here; stories already about them stay.`;
    return { mrkdwn: `${who.mrkdwn} ${rest}`, plain: `${who.plain} ${rest}` };
  }
  return null;
}

/** The PostgreSQL adapter reports P2003; the PGlite adapter passes on SQLSTATE 23503. */
function isForeignKeyViolation(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError) return error.code === "P2003";
  return (error as { cause?: { code?: unknown } } | null)?.cause?.code === "23503";
}

/** Same for unique keys: P2002, or SQLSTATE 23505 through PGlite. */
function isUniqueViolation(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError) return error.code === "P2002";
  return (error as { cause?: { code?: unknown } } | null)?.cause?.code === "23505";
}

/**
 * Saves a nomination once: the same form view or the same job (run again after a crash)
 * finds the nomination it saved before. Returns it and whether this call created it.
 */
export async function saveNomination(
  deps: ServiceDeps,
  input: NewNomination,
): Promise<{ nomination: Nomination; created: boolean }> {
  const create = () =>
    deps.prisma.nomination.create({
      data: {
        teamId: input.workspace.teamId,
        enterpriseId: input.workspace.enterpriseId ?? null,
        nominatorId: input.nominatorId,
        nomineeIds: input.nomineeIds,
        story: input.story,
        values: input.values,
        customer: input.customer ?? null,
        link: input.link ?? null,
        sourceViewId: input.sourceViewId ?? null,
        intakeKey: input.intakeKey ?? null,
        nominatedBy: input.nominatedBy ?? null,
        createdAt: deps.clock.now(),
      },
    });
  let nomination: Nomination;
  try {
    try {
      nomination = await create();
    } catch (error) {
      // The workspace row is made on first use only: a busy workspace saves a query per nomination.
      if (!isForeignKeyViolation(error)) throw error;
      await ensureWorkspace(deps.prisma, input.workspace);
      nomination = await create();
    }
  } catch (error) {
    if (!isUniqueViolation(error) || (!input.sourceViewId && !input.intakeKey)) throw error;
    const earlier = await deps.prisma.nomination.findFirst({
      where: {
        OR: [
          ...(input.sourceViewId ? [{ sourceViewId: input.sourceViewId }] : []),
          ...(input.intakeKey ? [{ intakeKey: input.intakeKey }] : []),
        ],
      },
    });
    if (!earlier) throw error;
    return { nomination: earlier, created: false };
  }
  // Customers are records: the first mention creates one (src/features/customers).
  if (input.customer) await noteCustomerMention(deps.prisma, input.workspace, input.customer);
  return { nomination, created: true };
}
