// Webhook connections of a workspace: created, listed and disconnected by admins; looked up
// by the webhook endpoint. Every query is scoped by workspace except the endpoint's look-up
// by id (the id is the unguessable part of the URL).
//
// Signing secrets are kept encrypted (AES-256-GCM, the installation store's cipher, bound to
// the connection's id): the database holds `v1.<key id>.…`. Rows written before that hold the
// secret in clear; they are still read, and `sealPlainSecrets` (at start-up) and every read
// write them again encrypted.
import { randomBytes } from "node:crypto";
import type { Db } from "../../db/database.ts";
import type { SignalConnection } from "../../generated/prisma/client.ts";
import { TokenCipher } from "../../slack/installations/cipher.ts";
import type { Config } from "../../config.ts";
import { ensureWorkspace, type WorkspaceRef } from "../admin/settings.ts";
import type { SignalSource } from "./model.ts";

export type { SignalConnection };

/** What TokenCipher writes; a pasted secret never has this shape (checked on connect too). */
const SEALED = /^v1\.[0-9a-f]{8}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export function isSealed(stored: string): boolean {
  return SEALED.test(stored);
}

export function secretsCipher(config: Pick<Config, "secrets">): TokenCipher {
  return new TokenCipher(config.secrets.current, config.secrets.old);
}

/** The associated data: a sealed secret copied onto another connection's row fails its tag. */
const context = (connectionId: string) => `signal-connection:${connectionId}`;

export function sealSecret(cipher: TokenCipher, connectionId: string, secret: string): string {
  return cipher.encrypt(secret, context(connectionId));
}

/** The secret in clear: decrypted, or as it is for a row from before encryption. */
export function openSecret(cipher: TokenCipher, connection: Pick<SignalConnection, "id" | "secret">): string {
  return isSealed(connection.secret) ? cipher.decrypt(connection.secret, context(connection.id)) : connection.secret;
}

/**
 * Rewrites one row whose secret is in clear or under an old key (a conditional update: two
 * instances doing it at once write once). Returns the row's secret in clear.
 */
async function resealIfNeeded(prisma: Db, cipher: TokenCipher, connection: SignalConnection): Promise<string> {
  const plain = openSecret(cipher, connection);
  if (isSealed(connection.secret) && !cipher.isStale(connection.secret)) return plain;
  await prisma.signalConnection.updateMany({
    where: { id: connection.id, secret: connection.secret },
    data: { secret: sealSecret(cipher, connection.id, plain) },
  });
  return plain;
}

/**
 * Encrypts every secret still stored in clear (or under an old key). Returns how many
 * connections there are and how many were rewritten.
 */
export async function sealPlainSecrets(prisma: Db, cipher: TokenCipher): Promise<{ total: number; sealed: number }> {
  const rows = await prisma.signalConnection.findMany();
  const due = rows.filter((row) => !isSealed(row.secret) || cipher.isStale(row.secret));
  for (const row of due) await resealIfNeeded(prisma, cipher, row);
  return { total: rows.length, sealed: due.length };
}

const WEEK_MS = 7 * 24 * 3_600_000;

/** 16 url-safe characters (96 random bits): the connection's part of the webhook URL. */
export function newConnectionId(): string {
  return randomBytes(12).toString("base64url");
}

/** A Standard Webhooks secret: whsec_ + base64 of 24 random bytes. */
export function newStandardWebhooksSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

export function webhookUrl(publicUrl: string, connection: Pick<SignalConnection, "id" | "source">): string {
  return `${publicUrl.replace(/\/+$/, "")}/hooks/${connection.source}/${connection.id}`;
}

export async function createConnection(
  prisma: Db,
  cipher: TokenCipher,
  workspace: WorkspaceRef,
  input: { source: SignalSource; secret: string; createdBy: string; now: Date },
): Promise<SignalConnection> {
  await ensureWorkspace(prisma, workspace);
  return prisma.signalConnection.create({ data: newConnectionRow(cipher, workspace, input) });
}

/** A new connection's row, its secret sealed under its own (new) id. */
function newConnectionRow(
  cipher: TokenCipher,
  workspace: WorkspaceRef,
  input: { source: SignalSource; secret: string; createdBy: string; now: Date },
) {
  const id = newConnectionId();
  return {
    id,
    teamId: workspace.teamId,
    enterpriseId: workspace.enterpriseId ?? null,
    source: input.source,
    secret: sealSecret(cipher, id, input.secret),
    createdBy: input.createdBy,
    createdAt: input.now,
  };
}

/**
 * Creates a connection once per `sourceViewId` (the Settings modal that asked for it): the
 * unique key makes a second submission of the same view, even on another instance, find the
 * first one's connection. `created` says whether this call made it.
 */
export async function createConnectionOnce(
  prisma: Db,
  cipher: TokenCipher,
  workspace: WorkspaceRef,
  input: { source: SignalSource; secret: string; createdBy: string; now: Date; sourceViewId: string },
): Promise<{ connection: SignalConnection; created: boolean }> {
  await ensureWorkspace(prisma, workspace);
  const row = newConnectionRow(cipher, workspace, input);
  // ON CONFLICT DO NOTHING: no unique-violation error to catch, whichever insert comes second.
  await prisma.signalConnection.createMany({
    data: [{ ...row, sourceViewId: input.sourceViewId }],
    skipDuplicates: true,
  });
  const connection = await prisma.signalConnection.findUniqueOrThrow({ where: { sourceViewId: input.sourceViewId } });
  if (connection.teamId !== workspace.teamId) throw new Error("A view id of another workspace's connection");
  return { connection, created: connection.id === row.id };
}

/** Disconnects one of the workspace's connections; false when it has none with that id (or it is already off). */
export async function disconnect(prisma: Db, teamId: string, id: string, now: Date): Promise<boolean> {
  const { count } = await prisma.signalConnection.updateMany({
    where: { id, teamId, disconnectedAt: null },
    data: { disconnectedAt: now },
  });
  return count > 0;
}

export interface ConnectionSummary {
  connection: SignalConnection;
  signalsThisWeek: number;
  refusedThisWeek: number;
}

export async function listConnections(prisma: Db, teamId: string, now: Date): Promise<ConnectionSummary[]> {
  const since = new Date(now.getTime() - WEEK_MS);
  const connections = await prisma.signalConnection.findMany({
    where: { teamId },
    orderBy: { createdAt: "asc" },
    include: {
      _count: {
        select: { signals: { where: { receivedAt: { gte: since } } }, refusals: { where: { at: { gte: since } } } },
      },
    },
  });
  return connections.map(({ _count, ...connection }) => ({
    connection,
    signalsThisWeek: _count.signals,
    refusedThisWeek: _count.refusals,
  }));
}

/**
 * The endpoint's look-up: any workspace's connection, by the id in the URL, with its secret in
 * clear (for the signature check only; never logged). A row still in clear is encrypted now.
 */
export async function findConnection(prisma: Db, cipher: TokenCipher, id: string): Promise<SignalConnection | null> {
  const connection = await prisma.signalConnection.findUnique({ where: { id } });
  if (!connection) return null;
  return { ...connection, secret: await resealIfNeeded(prisma, cipher, connection) };
}
