-- Anonymous answers become visible in daily releases (HoldingBack.visibleAt). Answers stored
-- before this were visible already: their release is their stored time.
ALTER TABLE "HoldingBack" ADD COLUMN     "visibleAt" TIMESTAMP(3);
UPDATE "HoldingBack" SET "visibleAt" = "createdAt";
ALTER TABLE "HoldingBack" ALTER COLUMN "visibleAt" SET NOT NULL;

-- An anonymous answer no longer keeps a hash of its modal's view id (the view id can be
-- matched to a person in Slack's own records).
UPDATE "HoldingBack" SET "sourceHash" = 'anonymous:' || "id" WHERE "authorId" IS NULL;

-- CreateIndex
CREATE INDEX "HoldingBack_teamId_visibleAt_idx" ON "HoldingBack"("teamId", "visibleAt");
