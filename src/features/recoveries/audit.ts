// The audit entry of a decision about a recovery case: its deadline extended, or its owner
// changed (by a person, or by Delight when the owner left the workspace).
import type { RecoveryCase } from "../../generated/prisma/client.ts";
import type { AuditInput } from "../audit/model.ts";

export function caseAuditEntry(
  action: "extend" | "reassign",
  actorId: string,
  before: Pick<RecoveryCase, "id" | "teamId" | "number" | "ownerId" | "dueAt">,
  after: Pick<RecoveryCase, "ownerId" | "dueAt">,
  at: Date,
): AuditInput {
  const caseLabel = `OOPS-${before.number}`;
  return action === "extend"
    ? {
        teamId: before.teamId,
        actorId,
        action: "case.extend",
        target: caseLabel,
        subjectIds: [before.ownerId],
        before: { dueAt: before.dueAt.toISOString() },
        after: { dueAt: after.dueAt.toISOString() },
        at,
      }
    : {
        teamId: before.teamId,
        actorId,
        action: "case.reassign",
        target: caseLabel,
        subjectIds: [before.ownerId, after.ownerId],
        before: { ownerId: before.ownerId },
        after: { ownerId: after.ownerId },
        at,
      };
}
