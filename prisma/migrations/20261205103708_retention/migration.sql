-- CreateTable
CREATE TABLE "RetentionPolicy" (
    "teamId" TEXT NOT NULL,
    "holdingBackDays" INTEGER NOT NULL DEFAULT 365,
    "caseTextDays" INTEGER NOT NULL DEFAULT 730,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RetentionPolicy_pkey" PRIMARY KEY ("teamId")
);

