// Recovery cases as the feature's modules share them.
import type { RecoveryCase, RecoveryEvent } from "../../generated/prisma/client.ts";

export type RecoveryCaseWithTimeline = RecoveryCase & { timeline: RecoveryEvent[] };
