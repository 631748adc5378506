-- CreateTable
CREATE TABLE "AuditEntry" (
    "id" TEXT NOT NULL,
    "seq" SERIAL NOT NULL,
    "teamId" TEXT NOT NULL,
    "actorId" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "subjectIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "target" TEXT,
    "before" JSONB,
    "after" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RetentionPolicy" (
    "teamId" TEXT NOT NULL,
    "holdingBackDays" INTEGER NOT NULL DEFAULT 365,
    "caseTextDays" INTEGER NOT NULL DEFAULT 730,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RetentionPolicy_pkey" PRIMARY KEY ("teamId")
);

-- CreateIndex
CREATE UNIQUE INDEX "AuditEntry_seq_key" ON "AuditEntry"("seq");

-- CreateIndex
CREATE INDEX "AuditEntry_teamId_createdAt_idx" ON "AuditEntry"("teamId", "createdAt");

-- CreateIndex
CREATE INDEX "AuditEntry_teamId_actorId_createdAt_idx" ON "AuditEntry"("teamId", "actorId", "createdAt");

-- CreateIndex
CREATE INDEX "AuditEntry_subjectIds_idx" ON "AuditEntry" USING GIN ("subjectIds");

