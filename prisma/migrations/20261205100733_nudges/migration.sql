-- CreateTable
CREATE TABLE "Nudge" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "subjectKey" TEXT NOT NULL,
    "customerId" TEXT,
    "caseId" TEXT,
    "requestId" TEXT,
    "status" TEXT NOT NULL,
    "reason" TEXT,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "sentAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Nudge_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NudgePreference" (
    "teamId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "off" BOOLEAN NOT NULL DEFAULT false,
    "snoozedUntil" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "NudgePreference_pkey" PRIMARY KEY ("teamId","userId")
);

-- CreateTable
CREATE TABLE "NudgeMute" (
    "teamId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "NudgeMute_pkey" PRIMARY KEY ("teamId","userId","customerId")
);

-- CreateIndex
CREATE INDEX "Nudge_teamId_userId_sentAt_idx" ON "Nudge"("teamId", "userId", "sentAt");

-- CreateIndex
CREATE INDEX "Nudge_status_dueAt_idx" ON "Nudge"("status", "dueAt");

-- CreateIndex
CREATE UNIQUE INDEX "Nudge_teamId_subjectKey_key" ON "Nudge"("teamId", "subjectKey");

