// The nominations domain's types, shared by its services, its Block Kit builders and its
// listeners (so none of them has to import another for a type).
import type { Nomination } from "../../generated/prisma/client.ts";
import type { WorkspaceRef } from "../admin/settings.ts";
import type { DelightValue } from "./parse.ts";

export type { Nomination };

export interface NewNomination {
  workspace: WorkspaceRef;
  nominatorId: string;
  nomineeIds: string[];
  /** Slack-escaped (see parse.ts for the convention). */
  story: string;
  values: DelightValue[];
  customer?: string | null;
  link?: string | null;
  /** The modal view that was submitted: the same view submitted again creates nothing new. */
  sourceViewId?: string | null;
  /** The job that creates it: the same job run again creates nothing new. */
  intakeKey?: string | null;
  /** A customer's nomination (src/features/signals): who, as the card shows it. */
  nominatedBy?: string | null;
}

export interface NomineeProblem {
  /** For messages (mentions render as names). */
  mrkdwn: string;
  /** For modal field errors, which are plain text. */
  plain: string;
}

/** What became of a nomination's approval card. */
export type CardOutcome =
  | { kind: "posted"; channelId: string }
  /** No approvals channel yet: the nomination waits, pending, until an admin sets one. */
  | { kind: "no-channel" }
  /** Slack refused the post for good (the app is not in the channel, say). */
  | { kind: "failed"; channelId: string };

export type Decision = { kind: "approve" } | { kind: "reject"; reason: string };

export type DecisionOutcome =
  | { kind: "decided"; nomination: Nomination }
  | { kind: "not-manager" }
  | { kind: "own-nomination" }
  | { kind: "not-found" }
  | { kind: "already-decided"; nomination: Nomination };

/** Where the approved story went. */
export type StoryOutcome =
  | { kind: "posted"; channelId: string }
  | { kind: "no-channel" }
  | { kind: "failed"; channelId: string }
  /** A nominee keeps stories about them private (src/features/prefs): not posted in a channel. */
  | { kind: "private" }
  | { kind: "not-approved" };
