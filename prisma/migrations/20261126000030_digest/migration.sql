-- CreateEnum
CREATE TYPE "DigestRunStatus" AS ENUM ('pending', 'claimed', 'posted', 'skipped');

-- AlterTable
ALTER TABLE "DigestSchedule" ADD COLUMN     "effectiveFrom" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE "DigestRun" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "slotKey" TEXT NOT NULL,
    "scheduleId" TEXT,
    "periodStart" TIMESTAMP(3) NOT NULL,
    "periodEnd" TIMESTAMP(3) NOT NULL,
    "status" "DigestRunStatus" NOT NULL DEFAULT 'pending',
    "claimedUntil" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "adminsToldAt" TIMESTAMP(3),
    "messageTs" TEXT,
    "storyCount" INTEGER,
    "postedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DigestRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DigestRun_periodEnd_idx" ON "DigestRun"("periodEnd");

-- CreateIndex
CREATE UNIQUE INDEX "DigestRun_teamId_channelId_slotKey_key" ON "DigestRun"("teamId", "channelId", "slotKey");

-- CreateIndex
CREATE INDEX "Nomination_teamId_status_decidedAt_idx" ON "Nomination"("teamId", "status", "decidedAt");

