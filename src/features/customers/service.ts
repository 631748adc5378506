// Customer records: created on first mention (/oops, a nomination's customer, /surprise) and
// found again whatever the spelling of case and spaces. Every query is scoped by workspace.
import type { Db } from "../../db/database.ts";
import type { Prisma } from "../../generated/prisma/client.ts";
import { ensureWorkspace, type WorkspaceRef } from "../admin/settings.ts";
import { cleanCustomerName, normalizeCustomerName, type Customer, type CustomerProfile } from "./model.ts";

/** The client or a transaction (signals update a customer under a lock: signals/customers.ts). */
type Client = Db | Prisma.TransactionClient;

/** Interest words recognised in notes and forms (lower case). */
const INTEREST_WORDS = [
  "coffee",
  "tea",
  "chocolate",
  "baking",
  "cooking",
  "food",
  "wine",
  "beer",
  "whisky",
  "gin",
  "cycling",
  "running",
  "golf",
  "tennis",
  "football",
  "soccer",
  "hiking",
  "yoga",
  "gardening",
  "plants",
  "flowers",
  "books",
  "reading",
  "music",
  "vinyl",
  "jazz",
  "dogs",
  "cats",
  "pets",
  "kids",
  "family",
  "photography",
  "travel",
  "art",
  "design",
  "sustainability",
  "tech",
  "gadgets",
  "gaming",
  "board games",
  "chess",
  "cinema",
  "films",
  "theatre",
  "knitting",
  "fishing",
  "sailing",
  "skiing",
  "swimming",
  "fitness",
  "climbing",
  "birdwatching",
  "history",
  "science",
] as const;

/** One pattern per word, compiled once: "dogs" also matches "dog". */
const INTEREST_PATTERNS = INTEREST_WORDS.map((word) => {
  const singular = word.endsWith("s") ? word.slice(0, -1) : word;
  return { word, pattern: new RegExp(`[\\s-](${word}|${singular})[\\s-]`) };
});

/** Interest words found in free text ("loves cycling and oat-milk coffee" → cycling, coffee). */
export function interestsIn(text: string): string[] {
  const lower = ` ${text.toLowerCase().replace(/[^a-z0-9\s-]/g, " ")} `;
  return INTEREST_PATTERNS.filter(({ pattern }) => pattern.test(lower)).map(({ word }) => word);
}

/**
 * The customer named `name` in this workspace, created if new. One INSERT … ON CONFLICT DO
 * NOTHING and one read, so two first mentions at once make one record.
 */
export async function findOrCreateCustomer(prisma: Client, workspace: WorkspaceRef, name: string): Promise<Customer> {
  const normalizedName = normalizeCustomerName(name);
  if (normalizedName === "") throw new Error("A customer needs a name");
  const create = () =>
    prisma.customer.createMany({
      data: [{ teamId: workspace.teamId, name: cleanCustomerName(name), normalizedName }],
      skipDuplicates: true,
    });
  try {
    await create();
  } catch {
    // The workspace row is made on first use only.
    await ensureWorkspace(prisma, workspace);
    await create();
  }
  return prisma.customer.findUniqueOrThrow({
    where: { teamId_normalizedName: { teamId: workspace.teamId, normalizedName } },
  });
}

/** Records which customer a recovery case is about (once; a later link is ignored). */
export async function linkCaseToCustomer(prisma: Db, caseId: string, customerId: string): Promise<void> {
  await prisma.customerCase.createMany({ data: [{ caseId, customerId }], skipDuplicates: true });
}

/**
 * Creates (or finds) the customer a new recovery case names and links the case to it. The
 * case is what matters: a failure here is swallowed (the link is made again on "Suggest a
 * surprise").
 */
export async function noteCaseCustomer(
  prisma: Db,
  workspace: WorkspaceRef,
  caseId: string,
  name: string,
): Promise<void> {
  const customer = await noteCustomerMention(prisma, workspace, name);
  if (customer) await linkCaseToCustomer(prisma, caseId, customer.id).catch(() => undefined);
}

/** The customer a case is linked to, if any. */
export async function customerOfCase(prisma: Db, caseId: string): Promise<Customer | null> {
  const link = await prisma.customerCase.findUnique({ where: { caseId }, include: { customer: true } });
  return link?.customer ?? null;
}

/** Like findOrCreateCustomer, for callers whose own work must not fail because of it: null on error. */
export async function noteCustomerMention(
  prisma: Db,
  workspace: WorkspaceRef,
  name: string | null | undefined,
): Promise<Customer | null> {
  if (!name || normalizeCustomerName(name) === "") return null;
  try {
    return await findOrCreateCustomer(prisma, workspace, name);
  } catch {
    return null;
  }
}

export async function findCustomer(prisma: Db, teamId: string, name: string): Promise<Customer | null> {
  return prisma.customer.findUnique({
    where: { teamId_normalizedName: { teamId, normalizedName: normalizeCustomerName(name) } },
  });
}

/** Adds interest words to the customer's record (kept unique and sorted). */
export async function addInterests(prisma: Client, customer: Customer, interests: string[]): Promise<Customer> {
  const merged = [...new Set([...customer.interests, ...interests.map((i) => i.trim().toLowerCase()).filter(Boolean)])]
    .sort()
    .slice(0, 30);
  if (merged.length === customer.interests.length) return customer;
  return prisma.customer.update({ where: { id: customer.id }, data: { interests: merged } });
}

/**
 * Adds a note (plain text) and the interests it mentions. `sourceKey` makes a retried job
 * add it once.
 */
export async function addCustomerNote(
  prisma: Client,
  input: { customer: Customer; authorId: string; text: string; sourceKey: string; now: Date },
): Promise<void> {
  await prisma.customerNote.createMany({
    data: [
      {
        customerId: input.customer.id,
        authorId: input.authorId,
        text: input.text,
        sourceKey: input.sourceKey,
        createdAt: input.now,
      },
    ],
    skipDuplicates: true,
  });
  await addInterests(prisma, input.customer, interestsIn(input.text));
}

/** Sets (or clears, with null) the customer's tier ("gold", "key account"…). */
export async function setCustomerTier(prisma: Db, customerId: string, tier: string | null): Promise<void> {
  await prisma.customer.update({ where: { id: customerId }, data: { tier } });
}

const HISTORY_LIMIT = 20;

/** Everything known about one customer, for `/surprise customer` and the suggesters. */
export async function customerProfile(prisma: Db, customerId: string): Promise<CustomerProfile | null> {
  const customer = await prisma.customer.findUnique({
    where: { id: customerId },
    include: {
      notes: { orderBy: { createdAt: "desc" }, take: HISTORY_LIMIT },
      gestures: { orderBy: { givenAt: "desc" }, take: 100 },
      caseLinks: {
        orderBy: { createdAt: "desc" },
        take: HISTORY_LIMIT,
        select: {
          recoveryCase: {
            select: {
              id: true,
              number: true,
              description: true,
              status: true,
              reportedAt: true,
              surpriseGiven: true,
              ownerId: true,
              reporterId: true,
            },
          },
        },
      },
      surpriseRequests: {
        orderBy: { createdAt: "desc" },
        take: HISTORY_LIMIT,
        select: { suggestions: true, feedback: { select: { suggestionIndex: true, gestureKey: true, vote: true } } },
      },
    },
  });
  if (!customer) return null;
  const { notes, gestures, caseLinks, surpriseRequests, ...record } = customer;
  const recoveryCases = caseLinks.map((link) => link.recoveryCase);
  const feedback = surpriseRequests.flatMap((request) =>
    request.feedback.map((f) => {
      const shown = Array.isArray(request.suggestions) ? request.suggestions[f.suggestionIndex] : undefined;
      const title =
        shown && typeof shown === "object" && "title" in shown && typeof shown.title === "string"
          ? shown.title
          : f.gestureKey;
      return { gestureKey: f.gestureKey, title, vote: f.vote };
    }),
  );
  return { customer: record, notes, gestures, recoveryCases, feedback };
}
