-- CreateTable
CREATE TABLE "SlackPaceLane" (
    "lane" TEXT NOT NULL,
    "tatMs" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "SlackPaceLane_pkey" PRIMARY KEY ("lane")
);

