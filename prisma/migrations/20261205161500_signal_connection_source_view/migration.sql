-- AlterTable
ALTER TABLE "SignalConnection" ADD COLUMN     "sourceViewId" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "SignalConnection_sourceViewId_key" ON "SignalConnection"("sourceViewId");
