// Customers as records: what Delight knows about a customer of a workspace.
import type { Customer, CustomerNote, Gesture, RecoveryCase } from "../../generated/prisma/client.ts";
import { cutText } from "../../slack/text.ts";

export type { Customer, CustomerNote };

/** The longest customer name kept (the same limit as a recovery case's customer). */
export const CUSTOMER_NAME_MAX = 150;
export const NOTE_MAX = 1000;

/** A customer with the history the surprise feature and `/surprise customer` show. */
export interface CustomerProfile {
  customer: Customer;
  notes: CustomerNote[];
  /** Gestures given, newest first. */
  gestures: Gesture[];
  /** Recovery cases about this customer, newest first (owner and reporter: who may see their texts). */
  recoveryCases: Pick<
    RecoveryCase,
    "id" | "number" | "description" | "status" | "reportedAt" | "surpriseGiven" | "ownerId" | "reporterId"
  >[];
  /** 👍 / 👎 given on suggestions for this customer. */
  feedback: Array<{ gestureKey: string; title: string; vote: number }>;
}

/**
 * The key names are matched on: Unicode-normalised, lower case, whitespace collapsed, so
 * "ACME  corp" and "Acme Corp" are one customer.
 */
export function normalizeCustomerName(name: string): string {
  return name.normalize("NFKC").trim().replace(/\s+/g, " ").toLowerCase();
}

/** The name as it is stored and shown: trimmed, inner whitespace collapsed, cut to the limit. */
export function cleanCustomerName(name: string): string {
  return cutText(name.normalize("NFKC").trim().replace(/\s+/g, " "), CUSTOMER_NAME_MAX, "");
}
