-- CreateEnum
CREATE TYPE "JobStatus" AS ENUM ('queued', 'running', 'done', 'dead');

-- CreateEnum
CREATE TYPE "SlackWriteStatus" AS ENUM ('pending', 'sending', 'sent', 'dead');

-- DropIndex
DROP INDEX "RecoveryCase_number_key";

-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN     "lastCaseNumber" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "RecoveryCase" ALTER COLUMN "number" DROP DEFAULT;
DROP SEQUENCE IF EXISTS "RecoveryCase_number_seq";

-- Durable work (src/jobs) and the Slack outbox (src/slack/outbox.ts).
-- CreateTable
CREATE TABLE "Job" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "teamId" TEXT,
    "payload" JSONB NOT NULL,
    "status" "JobStatus" NOT NULL DEFAULT 'queued',
    "runAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "leaseUntil" TIMESTAMP(3),
    "lockedBy" TEXT,
    "lastError" TEXT,
    "dedupeHash" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Job_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SlackWrite" (
    "key" TEXT NOT NULL,
    "teamId" TEXT,
    "method" TEXT NOT NULL,
    "lane" TEXT NOT NULL,
    "args" JSONB NOT NULL,
    "status" "SlackWriteStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maybeSent" BOOLEAN NOT NULL DEFAULT false,
    "inDoubt" BOOLEAN NOT NULL DEFAULT false,
    "leaseUntil" TIMESTAMP(3),
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "result" JSONB,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "SlackWrite_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "SlackRateGate" (
    "lane" TEXT NOT NULL,
    "notBefore" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SlackRateGate_pkey" PRIMARY KEY ("lane")
);

-- CreateIndex
CREATE UNIQUE INDEX "Job_key_key" ON "Job"("key");

-- CreateIndex
CREATE INDEX "Job_status_runAt_idx" ON "Job"("status", "runAt");

-- CreateIndex
CREATE INDEX "Job_dedupeHash_createdAt_idx" ON "Job"("dedupeHash", "createdAt");

-- CreateIndex
CREATE INDEX "Job_status_finishedAt_idx" ON "Job"("status", "finishedAt");

-- CreateIndex
CREATE INDEX "SlackWrite_status_createdAt_idx" ON "SlackWrite"("status", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "RecoveryCase_teamId_number_key" ON "RecoveryCase"("teamId", "number");

-- Case numbers continue from each workspace's highest one.
UPDATE "Workspace" w SET "lastCaseNumber" = m.max_number
FROM (SELECT "teamId", MAX("number") AS max_number FROM "RecoveryCase" GROUP BY "teamId") m
WHERE w."teamId" = m."teamId";

