-- CreateTable
CREATE TABLE "SlackInstallation" (
    "id" TEXT NOT NULL,
    "teamId" TEXT,
    "enterpriseId" TEXT,
    "isEnterpriseInstall" BOOLEAN NOT NULL DEFAULT false,
    "appId" TEXT,
    "botUserId" TEXT,
    "botId" TEXT,
    "installerUserId" TEXT,
    "secret" TEXT NOT NULL,
    "botTokenExpiresAt" TIMESTAMP(3),
    "installedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SlackInstallation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SlackOrgWorkspace" (
    "teamId" TEXT NOT NULL,
    "enterpriseId" TEXT NOT NULL,
    "firstSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SlackOrgWorkspace_pkey" PRIMARY KEY ("teamId")
);

-- CreateIndex
CREATE INDEX "SlackInstallation_enterpriseId_idx" ON "SlackInstallation"("enterpriseId");

-- CreateIndex
CREATE INDEX "SlackOrgWorkspace_enterpriseId_idx" ON "SlackOrgWorkspace"("enterpriseId");

