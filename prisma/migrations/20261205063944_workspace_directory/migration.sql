-- CreateTable
CREATE TABLE "DirectoryPerson" (
    "teamId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "deleted" BOOLEAN NOT NULL DEFAULT false,
    "isBot" BOOLEAN NOT NULL DEFAULT false,
    "tz" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DirectoryPerson_pkey" PRIMARY KEY ("teamId","userId")
);

-- CreateTable
CREATE TABLE "DirectorySweep" (
    "teamId" TEXT NOT NULL,
    "sweptAt" TIMESTAMP(3),
    "claimedUntil" TIMESTAMP(3),
    "cursor" TEXT,

    CONSTRAINT "DirectorySweep_pkey" PRIMARY KEY ("teamId")
);

-- CreateTable
CREATE TABLE "DirectoryChannel" (
    "teamId" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "members" TEXT[],
    "readable" BOOLEAN NOT NULL DEFAULT true,
    "readAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DirectoryChannel_pkey" PRIMARY KEY ("teamId","channelId")
);

