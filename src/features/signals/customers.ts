// Customer context from signals (and imports): the customer record found by its id in the
// sending tool, else by name, and filled with what the signal says. Fields the signal leaves
// out keep what the record had. Two signals about one customer can be processed at once (two
// workers): each runs in a transaction holding an advisory lock on the customer's identity,
// so the second finds what the first created instead of creating a second record.
import type { Db } from "../../db/database.ts";
import type { Customer, Prisma } from "../../generated/prisma/client.ts";
import type { WorkspaceRef } from "../admin/settings.ts";
import { normalizeCustomerName } from "../customers/model.ts";
import { addCustomerNote, addInterests, findOrCreateCustomer } from "../customers/service.ts";
import type { SignalCustomer } from "./model.ts";

export async function upsertSignalCustomer(
  prisma: Db,
  workspace: WorkspaceRef,
  input: { source: string; customer: SignalCustomer; sourceKey: string; now: Date },
): Promise<Customer> {
  const identity = input.customer.externalId
    ? `${input.source}:${input.customer.externalId}`
    : `name:${normalizeCustomerName(input.customer.name)}`;
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`signal-customer:${workspace.teamId}:${identity}`}))`;
    return upsertLocked(tx, workspace, input);
  });
}

async function upsertLocked(
  prisma: Prisma.TransactionClient,
  workspace: WorkspaceRef,
  input: { source: string; customer: SignalCustomer; sourceKey: string; now: Date },
): Promise<Customer> {
  const { customer: fields, source } = input;
  let customer: Customer | null = null;
  if (fields.externalId) {
    const known = await prisma.customerExternalId.findUnique({
      where: { teamId_source_externalId: { teamId: workspace.teamId, source, externalId: fields.externalId } },
      include: { customer: true },
    });
    customer = known?.customer ?? null;
  }
  customer ??= await findOrCreateCustomer(prisma, workspace, fields.name);
  if (fields.externalId) {
    await prisma.customerExternalId.createMany({
      data: [{ teamId: workspace.teamId, source, externalId: fields.externalId, customerId: customer.id }],
      skipDuplicates: true,
    });
  }
  const changes = {
    ...(fields.tier ? { tier: fields.tier } : {}),
    ...(fields.ownerEmail ? { ownerEmail: fields.ownerEmail } : {}),
    ...(fields.customerSince ? { customerSince: new Date(fields.customerSince) } : {}),
    ...(fields.renewalAt ? { renewalAt: new Date(fields.renewalAt) } : {}),
  };
  if (Object.keys(changes).length > 0) {
    customer = await prisma.customer.update({ where: { id: customer.id }, data: changes });
  }
  if (fields.interests.length > 0) customer = await addInterests(prisma, customer, fields.interests);
  if (fields.notes) {
    await addCustomerNote(prisma, {
      customer,
      authorId: `signal:${source}`,
      text: fields.notes,
      sourceKey: `${input.sourceKey}:note`,
      now: input.now,
    });
  }
  return customer;
}
