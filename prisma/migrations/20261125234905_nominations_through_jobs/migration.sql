-- DropIndex
DROP INDEX "Nomination_followUpsDoneAt_decidedAt_idx";

-- AlterTable
ALTER TABLE "Nomination" DROP COLUMN "cardClaimedAt",
DROP COLUMN "cardUpdatedAt",
DROP COLUMN "followUpClaimedUntil",
DROP COLUMN "followUpsDoneAt",
DROP COLUMN "nominatorNotifiedAt",
DROP COLUMN "notifiedNomineeIds",
DROP COLUMN "threadNotedAt",
ADD COLUMN     "intakeKey" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Nomination_intakeKey_key" ON "Nomination"("intakeKey");

