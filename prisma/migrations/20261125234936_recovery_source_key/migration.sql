-- AlterTable
ALTER TABLE "RecoveryCase" ADD COLUMN     "sourceKey" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "RecoveryCase_sourceKey_key" ON "RecoveryCase"("sourceKey");

