-- CreateTable
CREATE TABLE "ErasedPerson" (
    "teamId" TEXT NOT NULL,
    "idHash" TEXT NOT NULL,
    "erasedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ErasedPerson_pkey" PRIMARY KEY ("teamId","idHash")
);
