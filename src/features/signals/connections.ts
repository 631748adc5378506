// Webhook connections of a workspace: created, listed and disconnected by admins; looked up
// by the webhook endpoint. Every query is scoped by workspace except the endpoint's look-up
// by id (the id is the unguessable part of the URL).
import { randomBytes } from "node:crypto";
import type { Db } from "../../db/database.ts";
import type { SignalConnection } from "../../generated/prisma/client.ts";
import { ensureWorkspace, type WorkspaceRef } from "../admin/settings.ts";
import type { SignalSource } from "./model.ts";

export type { SignalConnection };

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
  workspace: WorkspaceRef,
  input: { source: SignalSource; secret: string; createdBy: string; now: Date },
): Promise<SignalConnection> {
  await ensureWorkspace(prisma, workspace);
  return prisma.signalConnection.create({
    data: {
      id: newConnectionId(),
      teamId: workspace.teamId,
      enterpriseId: workspace.enterpriseId ?? null,
      source: input.source,
      secret: input.secret,
      createdBy: input.createdBy,
      createdAt: input.now,
    },
  });
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

/** The endpoint's look-up: any workspace's connection, by the id in the URL. */
export function findConnection(prisma: Db, id: string): Promise<SignalConnection | null> {
  return prisma.signalConnection.findUnique({ where: { id } });
}
