-- AlterEnum
ALTER TYPE "DigestRunStatus" ADD VALUE 'failed';

-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN     "adminContactId" TEXT;

-- AlterTable
ALTER TABLE "DigestRun" ADD COLUMN     "message" JSONB;

-- AlterTable
ALTER TABLE "Job" ADD COLUMN     "deferrals" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "DigestIntroCache" (
    "teamId" TEXT NOT NULL,
    "intro" TEXT,
    "madeAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DigestIntroCache_pkey" PRIMARY KEY ("teamId")
);

