-- AlterTable
ALTER TABLE "NudgePreference" ADD COLUMN     "hiddenFromRankings" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "storySharing" TEXT NOT NULL DEFAULT 'channels';

-- AlterTable
ALTER TABLE "RetentionPolicy" ADD COLUMN     "signalDays" INTEGER NOT NULL DEFAULT 90;

