-- CreateEnum
CREATE TYPE "DumbRuleStatus" AS ENUM ('open', 'killed', 'kept');

-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN     "dumbRulesChannelId" TEXT;

-- CreateTable
CREATE TABLE "DumbRule" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "reporterId" TEXT NOT NULL,
    "rule" TEXT NOT NULL,
    "why" TEXT NOT NULL,
    "status" "DumbRuleStatus" NOT NULL DEFAULT 'open',
    "channelId" TEXT,
    "messageTs" TEXT,
    "decidedBy" TEXT,
    "decidedAt" TIMESTAMP(3),
    "decisionNote" TEXT,
    "sourceKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DumbRule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DumbRuleVote" (
    "ruleId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DumbRuleVote_pkey" PRIMARY KEY ("ruleId","userId")
);

-- CreateTable
CREATE TABLE "HoldingBack" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "authorId" TEXT,
    "category" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "channelId" TEXT,
    "messageTs" TEXT,
    "sourceHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HoldingBack_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HoldingBackReply" (
    "id" TEXT NOT NULL,
    "answerId" TEXT NOT NULL,
    "managerId" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "sourceViewId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HoldingBackReply_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "DumbRule_sourceKey_key" ON "DumbRule"("sourceKey");

-- CreateIndex
CREATE INDEX "DumbRule_teamId_status_createdAt_idx" ON "DumbRule"("teamId", "status", "createdAt");

-- CreateIndex
CREATE INDEX "DumbRule_teamId_status_decidedAt_idx" ON "DumbRule"("teamId", "status", "decidedAt");

-- CreateIndex
CREATE UNIQUE INDEX "HoldingBack_sourceHash_key" ON "HoldingBack"("sourceHash");

-- CreateIndex
CREATE INDEX "HoldingBack_teamId_createdAt_idx" ON "HoldingBack"("teamId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "HoldingBackReply_sourceViewId_key" ON "HoldingBackReply"("sourceViewId");

-- CreateIndex
CREATE INDEX "HoldingBackReply_answerId_idx" ON "HoldingBackReply"("answerId");

-- AddForeignKey
ALTER TABLE "DumbRuleVote" ADD CONSTRAINT "DumbRuleVote_ruleId_fkey" FOREIGN KEY ("ruleId") REFERENCES "DumbRule"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HoldingBackReply" ADD CONSTRAINT "HoldingBackReply_answerId_fkey" FOREIGN KEY ("answerId") REFERENCES "HoldingBack"("id") ON DELETE CASCADE ON UPDATE CASCADE;

