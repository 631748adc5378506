-- CreateTable
CREATE TABLE "SlackUninstall" (
    "teamId" TEXT NOT NULL,
    "enterpriseId" TEXT,
    "uninstalledAt" TIMESTAMP(3) NOT NULL,
    "deleteAfter" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SlackUninstall_pkey" PRIMARY KEY ("teamId")
);

-- CreateIndex
CREATE INDEX "SlackUninstall_deleteAfter_idx" ON "SlackUninstall"("deleteAfter");

