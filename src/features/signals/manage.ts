// The admin's changes to customer signals, each with its audit entry: connect a source,
// disconnect one, the signals owner and the thresholds. Shared by `/delight-admin` (admin.ts)
// and App Home → Settings (src/features/settings), which have both checked the person is an
// admin. Secrets are never audited, logged or returned except the one generated here.
import type { AppDeps } from "../../deps.ts";
import type { WorkspaceRef } from "../admin/settings.ts";
import { diffSnapshots, recordAudit } from "../audit/service.ts";
import {
  createConnection,
  createConnectionOnce,
  disconnect,
  isSealed,
  newStandardWebhooksSecret,
  openSecret,
  secretsCipher,
  type SignalConnection,
} from "./connections.ts";
import type { SignalSource } from "./model.ts";
import { setSignalsOwner, setSignalThresholds, signalsOwner, signalThresholds } from "./settings.ts";
import { standardWebhooksKey } from "./signatures.ts";
import type { SignalThresholds } from "./thresholds.ts";

type Deps = Pick<AppDeps, "prisma" | "clock" | "config">;

/** Sources whose secret the admin pastes (the vendor made it); generic's is made by Delight. */
export function sourceNeedsSecret(source: SignalSource): boolean {
  return source !== "generic";
}

/** Where to find the secret to paste, in the command's words. */
export function secretProblem(source: SignalSource): string {
  return source === "zendesk"
    ? "Paste the webhook's signing secret: Zendesk Admin Center → Webhooks → your webhook → Signing secret → Reveal. `connect zendesk <signing secret>`."
    : "Paste your Intercom app's client secret (Developer Hub → your app → Basic information): `connect intercom <client secret>`.";
}

/**
 * The secret a new connection gets: the one given (checked), or a new Standard Webhooks secret
 * for generic. `generated` secrets are shown to the admin once.
 */
export function connectionSecret(
  source: SignalSource,
  given: string | undefined,
): { ok: true; secret: string; generated: boolean } | { ok: false; problem: string } {
  if (source === "generic") {
    if (given && !standardWebhooksKey(given)) {
      return {
        ok: false,
        problem:
          "A Standard Webhooks secret is `whsec_` followed by base64 (at least 16 bytes). Leave it out and Delight makes one.",
      };
    }
    return given
      ? { ok: true, secret: given, generated: false }
      : { ok: true, secret: newStandardWebhooksSecret(), generated: true };
  }
  if (!given || given.length < 8 || isSealed(given)) return { ok: false, problem: secretProblem(source) };
  return { ok: true, secret: given, generated: false };
}

export interface Connected {
  connection: SignalConnection;
  /** The generated secret, to show once; undefined when the admin pasted it. */
  shownSecret?: string;
  /** False: this form had already created it (a resubmission); nothing new was written. */
  created: boolean;
}

/**
 * Creates a connection and audits it (without the secret). With `sourceViewId` (the Settings
 * modal), a second submission of the same view finds the first one's connection: the database's
 * unique key decides, so two instances at once still make one.
 */
export async function connectSource(
  deps: Deps,
  workspace: WorkspaceRef,
  adminId: string,
  input: { source: SignalSource; secret: string; generated: boolean; sourceViewId?: string },
): Promise<Connected> {
  const now = deps.clock.now();
  const cipher = secretsCipher(deps.config);
  const fields = { source: input.source, secret: input.secret, createdBy: adminId, now };
  const made = input.sourceViewId
    ? await createConnectionOnce(deps.prisma, cipher, workspace, { ...fields, sourceViewId: input.sourceViewId })
    : { connection: await createConnection(deps.prisma, cipher, workspace, fields), created: true };
  if (!made.created) {
    // Slack sends a submission again when the first answer was late, and shows only the last
    // answer: the same admin gets the same result, the generated secret included (decrypted,
    // never written anywhere in clear), or it would be lost.
    const again =
      made.connection.createdBy === adminId && input.source === "generic" && made.connection.source === "generic";
    return {
      connection: made.connection,
      created: false,
      ...(again ? { shownSecret: openSecret(cipher, made.connection) } : {}),
    };
  }
  await recordAudit(deps.prisma, {
    teamId: workspace.teamId,
    actorId: adminId,
    action: "signals.connect",
    target: made.connection.id,
    after: { source: input.source },
    at: now,
  });
  return { connection: made.connection, created: true, ...(input.generated ? { shownSecret: input.secret } : {}) };
}

/** Disconnects one of the workspace's connections (audited); false when there was none active. */
export async function disconnectSource(
  deps: Deps,
  workspace: WorkspaceRef,
  adminId: string,
  id: string,
): Promise<boolean> {
  const now = deps.clock.now();
  const done = await disconnect(deps.prisma, workspace.teamId, id, now);
  if (done) {
    await recordAudit(deps.prisma, {
      teamId: workspace.teamId,
      actorId: adminId,
      action: "signals.disconnect",
      target: id,
      at: now,
    });
  }
  return done;
}

/** Sets (or clears) the signals owner, audited with before and after. */
export async function changeSignalsOwner(
  deps: Deps,
  workspace: WorkspaceRef,
  adminId: string,
  ownerId: string | null,
): Promise<void> {
  await deps.prisma.$transaction(async (tx) => {
    const before = await signalsOwner(tx, workspace.teamId);
    await setSignalsOwner(tx, workspace.teamId, ownerId);
    await recordAudit(tx, {
      teamId: workspace.teamId,
      actorId: adminId,
      action: "signals.owner",
      before: { owner: before },
      after: { owner: ownerId },
      subjectIds: ownerId ? [ownerId] : before ? [before] : [],
      at: deps.clock.now(),
    });
  });
}

/** Stores the thresholds, audited with what changed (nothing audited when nothing did). */
export async function changeSignalThresholds(
  deps: Deps,
  workspace: WorkspaceRef,
  adminId: string,
  rules: SignalThresholds,
): Promise<void> {
  await deps.prisma.$transaction(async (tx) => {
    const before = await signalThresholds(tx, workspace.teamId);
    await setSignalThresholds(tx, workspace.teamId, rules);
    const diff = diffSnapshots({ ...before }, { ...rules });
    if (diff) {
      await recordAudit(tx, {
        teamId: workspace.teamId,
        actorId: adminId,
        action: "signals.thresholds",
        before: diff.before,
        after: diff.after,
        subjectIds: [],
        at: deps.clock.now(),
      });
    }
  });
}
