-- AlterTable
ALTER TABLE "SignalSettings" ADD COLUMN     "detractorCsat" INTEGER,
ADD COLUMN     "detractorNps" INTEGER,
ADD COLUMN     "nudgesPerDay" INTEGER,
ADD COLUMN     "praiseCsat" INTEGER,
ADD COLUMN     "praiseNps" INTEGER;

