-- AlterTable
ALTER TABLE "Nomination" ADD COLUMN     "nominatedBy" TEXT;

-- AlterTable
ALTER TABLE "RecoveryCase" ADD COLUMN     "origin" TEXT;

-- AlterTable
ALTER TABLE "Customer" ADD COLUMN     "customerSince" TIMESTAMP(3),
ADD COLUMN     "ownerEmail" TEXT,
ADD COLUMN     "renewalAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "CustomerExternalId" (
    "teamId" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,

    CONSTRAINT "CustomerExternalId_pkey" PRIMARY KEY ("teamId","source","externalId")
);

-- CreateTable
CREATE TABLE "SignalConnection" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "enterpriseId" TEXT,
    "source" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disconnectedAt" TIMESTAMP(3),
    "lastSignalAt" TIMESTAMP(3),

    CONSTRAINT "SignalConnection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InboundSignal" (
    "id" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "signal" JSONB NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL,
    "processedAt" TIMESTAMP(3),
    "outcome" TEXT,

    CONSTRAINT "InboundSignal_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SignalRefusal" (
    "id" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SignalRefusal_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SignalSettings" (
    "teamId" TEXT NOT NULL,
    "ownerId" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SignalSettings_pkey" PRIMARY KEY ("teamId")
);

-- CreateIndex
CREATE INDEX "CustomerExternalId_customerId_idx" ON "CustomerExternalId"("customerId");

-- CreateIndex
CREATE INDEX "SignalConnection_teamId_idx" ON "SignalConnection"("teamId");

-- CreateIndex
CREATE INDEX "InboundSignal_teamId_receivedAt_idx" ON "InboundSignal"("teamId", "receivedAt");

-- CreateIndex
CREATE UNIQUE INDEX "InboundSignal_connectionId_eventId_key" ON "InboundSignal"("connectionId", "eventId");

-- CreateIndex
CREATE INDEX "SignalRefusal_connectionId_at_idx" ON "SignalRefusal"("connectionId", "at");

-- AddForeignKey
ALTER TABLE "CustomerExternalId" ADD CONSTRAINT "CustomerExternalId_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InboundSignal" ADD CONSTRAINT "InboundSignal_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "SignalConnection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SignalRefusal" ADD CONSTRAINT "SignalRefusal_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "SignalConnection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

