-- AlterTable
ALTER TABLE "RetentionPolicy" ADD COLUMN     "caseTextsEmptiedBefore" TIMESTAMP(3),
ADD COLUMN     "signalsEmptiedBefore" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "RecoveryCase_teamId_status_resolvedAt_idx" ON "RecoveryCase"("teamId", "status", "resolvedAt");
