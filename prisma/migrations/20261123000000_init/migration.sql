-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "NominationStatus" AS ENUM ('pending', 'approved', 'rejected');

-- CreateEnum
CREATE TYPE "RecoveryStatus" AS ENUM ('open', 'resolved');

-- CreateEnum
CREATE TYPE "ReminderKind" AS ENUM ('reminder', 'escalation');

-- CreateEnum
CREATE TYPE "ReminderStatus" AS ENUM ('pending', 'sent', 'cancelled');

-- CreateTable
CREATE TABLE "Workspace" (
    "teamId" TEXT NOT NULL,
    "enterpriseId" TEXT,
    "approvalsChannelId" TEXT,
    "storiesChannelId" TEXT,
    "slaMinutes" INTEGER NOT NULL DEFAULT 1440,
    "reminderOffsetsMinutes" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "budgetCents" INTEGER,
    "budgetCurrency" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Workspace_pkey" PRIMARY KEY ("teamId")
);

-- CreateTable
CREATE TABLE "WorkspaceManager" (
    "teamId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "addedBy" TEXT NOT NULL,
    "addedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WorkspaceManager_pkey" PRIMARY KEY ("teamId","userId")
);

-- CreateTable
CREATE TABLE "DigestSchedule" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "weekday" INTEGER NOT NULL,
    "hour" INTEGER NOT NULL,
    "minute" INTEGER NOT NULL,
    "timezone" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DigestSchedule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Nomination" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "enterpriseId" TEXT,
    "nominatorId" TEXT NOT NULL,
    "nomineeIds" TEXT[],
    "story" TEXT NOT NULL,
    "values" TEXT[],
    "customer" TEXT,
    "link" TEXT,
    "status" "NominationStatus" NOT NULL DEFAULT 'pending',
    "approvalChannelId" TEXT,
    "approvalMessageTs" TEXT,
    "controlsMessageTs" TEXT,
    "cardClaimedAt" TIMESTAMP(3),
    "decidedBy" TEXT,
    "decidedAt" TIMESTAMP(3),
    "rejectionReason" TEXT,
    "storyChannelId" TEXT,
    "storyMessageTs" TEXT,
    "sourceViewId" TEXT,
    "cardUpdatedAt" TIMESTAMP(3),
    "threadNotedAt" TIMESTAMP(3),
    "notifiedNomineeIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "nominatorNotifiedAt" TIMESTAMP(3),
    "followUpsDoneAt" TIMESTAMP(3),
    "followUpClaimedUntil" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Nomination_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RecoveryCase" (
    "id" TEXT NOT NULL,
    "number" SERIAL NOT NULL,
    "teamId" TEXT NOT NULL,
    "enterpriseId" TEXT,
    "reporterId" TEXT NOT NULL,
    "ownerId" TEXT NOT NULL,
    "customer" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "link" TEXT,
    "status" "RecoveryStatus" NOT NULL DEFAULT 'open',
    "reportedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "resolvedAt" TIMESTAMP(3),
    "resolvedBy" TEXT,
    "fixSummary" TEXT,
    "surpriseGiven" TEXT,
    "escalatedAt" TIMESTAMP(3),
    "sourceViewId" TEXT,
    "cardMessages" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RecoveryCase_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RecoveryReminder" (
    "id" TEXT NOT NULL,
    "caseId" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "kind" "ReminderKind" NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "status" "ReminderStatus" NOT NULL DEFAULT 'pending',
    "claimedUntil" TIMESTAMP(3),
    "claimedBy" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "sentAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RecoveryReminder_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RecoveryEvent" (
    "id" TEXT NOT NULL,
    "caseId" TEXT NOT NULL,
    "actorId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "text" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RecoveryEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "DigestSchedule_teamId_channelId_key" ON "DigestSchedule"("teamId", "channelId");

-- CreateIndex
CREATE UNIQUE INDEX "Nomination_sourceViewId_key" ON "Nomination"("sourceViewId");

-- CreateIndex
CREATE INDEX "Nomination_teamId_status_createdAt_idx" ON "Nomination"("teamId", "status", "createdAt");

-- CreateIndex
CREATE INDEX "Nomination_teamId_nominatorId_createdAt_idx" ON "Nomination"("teamId", "nominatorId", "createdAt");

-- CreateIndex
CREATE INDEX "Nomination_nomineeIds_idx" ON "Nomination" USING GIN ("nomineeIds");

-- CreateIndex
CREATE INDEX "Nomination_followUpsDoneAt_decidedAt_idx" ON "Nomination"("followUpsDoneAt", "decidedAt");

-- CreateIndex
CREATE INDEX "Nomination_approvalChannelId_controlsMessageTs_idx" ON "Nomination"("approvalChannelId", "controlsMessageTs");

-- CreateIndex
CREATE INDEX "Nomination_status_approvalMessageTs_idx" ON "Nomination"("status", "approvalMessageTs");

-- CreateIndex
CREATE UNIQUE INDEX "Nomination_approvalChannelId_approvalMessageTs_key" ON "Nomination"("approvalChannelId", "approvalMessageTs");

-- CreateIndex
CREATE UNIQUE INDEX "RecoveryCase_sourceViewId_key" ON "RecoveryCase"("sourceViewId");

-- CreateIndex
CREATE INDEX "RecoveryCase_teamId_status_dueAt_idx" ON "RecoveryCase"("teamId", "status", "dueAt");

-- CreateIndex
CREATE INDEX "RecoveryCase_teamId_ownerId_status_idx" ON "RecoveryCase"("teamId", "ownerId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "RecoveryCase_number_key" ON "RecoveryCase"("number");

-- CreateIndex
CREATE INDEX "RecoveryReminder_status_dueAt_idx" ON "RecoveryReminder"("status", "dueAt");

-- CreateIndex
CREATE UNIQUE INDEX "RecoveryReminder_caseId_kind_dueAt_key" ON "RecoveryReminder"("caseId", "kind", "dueAt");

-- CreateIndex
CREATE INDEX "RecoveryEvent_caseId_createdAt_idx" ON "RecoveryEvent"("caseId", "createdAt");

-- AddForeignKey
ALTER TABLE "WorkspaceManager" ADD CONSTRAINT "WorkspaceManager_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Workspace"("teamId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DigestSchedule" ADD CONSTRAINT "DigestSchedule_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Workspace"("teamId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Nomination" ADD CONSTRAINT "Nomination_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Workspace"("teamId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RecoveryCase" ADD CONSTRAINT "RecoveryCase_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Workspace"("teamId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RecoveryReminder" ADD CONSTRAINT "RecoveryReminder_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "RecoveryCase"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RecoveryEvent" ADD CONSTRAINT "RecoveryEvent_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "RecoveryCase"("id") ON DELETE CASCADE ON UPDATE CASCADE;

