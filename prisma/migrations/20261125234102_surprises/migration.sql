-- CreateTable
CREATE TABLE "Customer" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "normalizedName" TEXT NOT NULL,
    "interests" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "tier" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Customer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CustomerCase" (
    "caseId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CustomerCase_pkey" PRIMARY KEY ("caseId")
);

-- CreateTable
CREATE TABLE "CustomerNote" (
    "id" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "authorId" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "sourceKey" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CustomerNote_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SurpriseRequest" (
    "id" TEXT NOT NULL,
    "jobKey" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "caseId" TEXT,
    "occasion" TEXT NOT NULL,
    "context" TEXT NOT NULL,
    "interests" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "budgetCents" INTEGER,
    "currency" TEXT,
    "source" TEXT,
    "suggestions" JSONB,
    "answeredAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SurpriseRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Gesture" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "caseId" TEXT,
    "requestId" TEXT,
    "suggestionIndex" INTEGER,
    "gestureKey" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "costCents" INTEGER,
    "currency" TEXT,
    "givenBy" TEXT NOT NULL,
    "givenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sourceViewId" TEXT,

    CONSTRAINT "Gesture_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "GestureFeedback" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "suggestionIndex" INTEGER NOT NULL,
    "userId" TEXT NOT NULL,
    "gestureKey" TEXT NOT NULL,
    "occasion" TEXT NOT NULL,
    "vote" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "GestureFeedback_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Customer_teamId_normalizedName_key" ON "Customer"("teamId", "normalizedName");

-- CreateIndex
CREATE INDEX "CustomerCase_customerId_idx" ON "CustomerCase"("customerId");

-- CreateIndex
CREATE UNIQUE INDEX "CustomerNote_sourceKey_key" ON "CustomerNote"("sourceKey");

-- CreateIndex
CREATE INDEX "CustomerNote_customerId_createdAt_idx" ON "CustomerNote"("customerId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "SurpriseRequest_jobKey_key" ON "SurpriseRequest"("jobKey");

-- CreateIndex
CREATE INDEX "SurpriseRequest_teamId_createdAt_idx" ON "SurpriseRequest"("teamId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Gesture_sourceViewId_key" ON "Gesture"("sourceViewId");

-- CreateIndex
CREATE INDEX "Gesture_teamId_givenAt_idx" ON "Gesture"("teamId", "givenAt");

-- CreateIndex
CREATE INDEX "Gesture_customerId_givenAt_idx" ON "Gesture"("customerId", "givenAt");

-- CreateIndex
CREATE INDEX "Gesture_teamId_givenBy_givenAt_idx" ON "Gesture"("teamId", "givenBy", "givenAt");

-- CreateIndex
CREATE UNIQUE INDEX "Gesture_requestId_suggestionIndex_key" ON "Gesture"("requestId", "suggestionIndex");

-- CreateIndex
CREATE INDEX "GestureFeedback_teamId_occasion_idx" ON "GestureFeedback"("teamId", "occasion");

-- CreateIndex
CREATE UNIQUE INDEX "GestureFeedback_requestId_suggestionIndex_userId_key" ON "GestureFeedback"("requestId", "suggestionIndex", "userId");

-- AddForeignKey
ALTER TABLE "Customer" ADD CONSTRAINT "Customer_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Workspace"("teamId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CustomerCase" ADD CONSTRAINT "CustomerCase_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "RecoveryCase"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CustomerCase" ADD CONSTRAINT "CustomerCase_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CustomerNote" ADD CONSTRAINT "CustomerNote_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SurpriseRequest" ADD CONSTRAINT "SurpriseRequest_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Gesture" ADD CONSTRAINT "Gesture_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Gesture" ADD CONSTRAINT "Gesture_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "RecoveryCase"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GestureFeedback" ADD CONSTRAINT "GestureFeedback_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "SurpriseRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

