// Distribution mode: where installations live (our own database, tokens encrypted), and the
// one place a workspace's bot token comes from. Bolt's OAuth (`@slack/oauth`'s InstallProvider)
// stores and fetches through this class as its `installationStore`; jobs, schedules and the
// outbox ask `botTokenFor(teamId)` at send time. Nothing else reads a token.
//
// Keys: a workspace install is `T:<teamId>`; an Enterprise Grid org-wide install
// (`is_enterprise_install`) is `E:<enterpriseId>` and serves every workspace of the org
// (https://docs.slack.dev/enterprise-grid/ : "org-wide installations … should be keyed by the
// enterprise ID"). teamId stays the tenant key of every other row.
//
// Token rotation: Slack's rotating tokens last 12 hours and are refreshed with oauth.v2.access
// (grant_type=refresh_token; https://docs.slack.dev/authentication/using-token-rotation). This
// store refreshes a token that expires within 5 minutes, under a row lock, so several
// instances refresh it once (the loser of the race reads the winner's token). The installation
// handed to Bolt carries no refresh token: Bolt would refresh it itself, without the lock.
//
// Cache: authorising a request must not add a database round trip to each ack, so
// installations are kept in memory for CACHE_MS and dropped when stored, deleted or refreshed,
// on every instance: each change is announced (changes.ts: PostgreSQL's NOTIFY from the
// change's own transaction, or an in-process bus on PGlite) and every instance drops it on
// hearing it. While changes could go unheard (the listener's connection is down) an entry is
// trusted for NOT_LISTENING_CACHE_MS only.
import type { Installation, InstallationQuery, InstallationStore, Logger } from "@slack/bolt";
import type { Clock } from "../../clock.ts";
import type { Db } from "../../db/database.ts";
import { createInstallationChanges, NOT_LISTENING_CACHE_MS, type InstallationChanges } from "./changes.ts";
import type { TokenCipher } from "./cipher.ts";

/** Refresh a rotating token when it expires within this long. */
export const REFRESH_MARGIN_MS = 5 * 60_000;
const CACHE_MS = 30_000;
/** An entry past CACHE_MS is still answered with (and read again meanwhile) up to this age, while every change is heard. */
const STALE_MAX_MS = 10 * 60_000;

/** As stored: Slack's installation, and when its rotating bot token was issued (seconds). */
type AnyInstallation = Installation<"v1" | "v2", boolean> & { botTokenIssuedAt?: number };

/** What oauth.v2.access answers to grant_type=refresh_token. */
export interface RefreshedToken {
  access_token: string;
  refresh_token: string;
  /** Seconds. */
  expires_in: number;
}

export interface InstallationsOptions {
  prisma: Db;
  cipher: TokenCipher;
  clock: Clock;
  logger: Logger;
  /** oauth.v2.access with grant_type=refresh_token (app.ts); throws on Slack's refusal. */
  refresh(refreshToken: string): Promise<RefreshedToken>;
  cacheMs?: number;
  /** How changes reach the other instances (default: this process only). */
  changes?: InstallationChanges;
}

/** A workspace with no (or no longer an) installation: nothing may be sent for it. */
export class NotInstalled extends Error {
  constructor(readonly teamId: string | undefined) {
    super(`Delight is not installed in workspace ${teamId ?? "(unknown)"}`);
    this.name = "NotInstalled";
  }
}

/** Whether `error` (or what it wraps: Bolt's and @slack/oauth's AuthorizationError) is NotInstalled. */
export function isNotInstalled(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth += 1) {
    if (e instanceof NotInstalled) return true;
    e = (e as { original?: unknown; cause?: unknown }).original ?? (e as { cause?: unknown }).cause;
  }
  return false;
}

interface Row {
  id: string;
  secret: string;
  botTokenExpiresAt: Date | null;
}

export function installationId(query: { teamId?: string; enterpriseId?: string; isEnterpriseInstall?: boolean }) {
  if (query.isEnterpriseInstall && query.enterpriseId) return `E:${query.enterpriseId}`;
  return query.teamId ? `T:${query.teamId}` : query.enterpriseId ? `E:${query.enterpriseId}` : null;
}

/** Something that can run a statement in the change's transaction (Prisma's client or a transaction). */
type Tx = Parameters<InstallationChanges["inTransaction"]>[0];

export class Installations implements InstallationStore {
  /** By request key; `id`: the installation it came from; `at`: when loaded (wall clock, ms). */
  private readonly cache = new Map<string, { installation: AnyInstallation; id: string; at: number }>();
  /** Reads under way, by request key (see loadOnce). */
  private readonly loading = new Map<string, Promise<AnyInstallation>>();
  /** Counts changes heard: a load that overlapped one is not cached (it may have read the old row). */
  private generation = 0;
  /** Workspaces of an org-wide install already recorded by this process. */
  private readonly knownOrgWorkspaces = new Set<string>();
  private readonly changes: InstallationChanges;
  private readonly unsubscribe: () => void;

  constructor(private readonly options: InstallationsOptions) {
    this.changes = options.changes ?? createInstallationChanges({ prisma: options.prisma, logger: options.logger });
    this.unsubscribe = this.changes.subscribe((id) => this.drop(id));
  }

  /** Bolt's OAuth calls this after oauth.v2.access (and we do after a refresh). */
  async storeInstallation<V extends "v1" | "v2">(given: Installation<V, boolean>): Promise<void> {
    // InstallProvider dates a rotating token by the wall clock (now + expires_in); ours is the
    // app's clock (the same in production, moved by hand in tests).
    const nowSeconds = Math.floor(this.options.clock.now().getTime() / 1000);
    const installation: AnyInstallation =
      given.bot?.expiresAt !== undefined
        ? {
            ...given,
            bot: { ...given.bot, expiresAt: nowSeconds + (given.bot.expiresAt - Math.floor(Date.now() / 1000)) },
            botTokenIssuedAt: nowSeconds,
          }
        : given;
    const id = installationId({
      teamId: installation.team?.id,
      enterpriseId: installation.enterprise?.id,
      isEnterpriseInstall: installation.isEnterpriseInstall,
    });
    if (!id) throw new Error("Slack's installation names neither a workspace nor an organisation");
    const { prisma, cipher } = this.options;
    const expiresAt = installation.bot?.expiresAt ? new Date(installation.bot.expiresAt * 1000) : null;
    const columns = {
      teamId: installation.isEnterpriseInstall ? null : (installation.team?.id ?? null),
      enterpriseId: installation.enterprise?.id ?? null,
      isEnterpriseInstall: Boolean(installation.isEnterpriseInstall),
      appId: installation.appId ?? null,
      botUserId: installation.bot?.userId ?? null,
      botId: installation.bot?.id ?? null,
      installerUserId: installation.user.id,
      secret: cipher.encrypt(JSON.stringify(installation), id),
      botTokenExpiresAt: expiresAt,
    };
    // installedAt is wall time, like the event_time of Slack's uninstall events it is compared with.
    await prisma.slackInstallation.upsert({
      where: { id },
      create: { id, ...columns, installedAt: new Date() },
      update: { ...columns, installedAt: new Date() },
    });
    await this.changes.inTransaction(prisma, id);
    // Installed again within the retention period: everything kept comes back.
    await prisma.slackUninstall.deleteMany({
      where: installation.isEnterpriseInstall
        ? { enterpriseId: installation.enterprise?.id ?? "" }
        : { teamId: installation.team?.id ?? "" },
    });
    this.changes.changed(id);
  }

  /** Bolt's authorize: the installation for a request's workspace (or org), token fresh. */
  async fetchInstallation(query: InstallationQuery<boolean>): Promise<AnyInstallation> {
    const cacheKey = `${query.teamId ?? ""}|${query.enterpriseId ?? ""}|${query.isEnterpriseInstall ? "org" : ""}`;
    const now = this.options.clock.now().getTime();
    const cached = this.cache.get(cacheKey);
    if (cached && !expiresSoon(cached.installation, now)) {
      const age = Date.now() - cached.at;
      const reliable = this.changes.reliable();
      const cacheMs = this.options.cacheMs ?? CACHE_MS;
      if (age < (reliable ? cacheMs : Math.min(cacheMs, NOT_LISTENING_CACHE_MS))) return forBolt(cached.installation);
      // Past its age but no change heard (every change is): answer with it and read it again
      // in the background, so a request never waits for the database because time passed.
      if (reliable && age < STALE_MAX_MS) {
        this.loadOnce(cacheKey, query).catch((error: unknown) => {
          if (!(error instanceof NotInstalled))
            this.options.logger.debug(`Reloading an installation failed: ${String(error)}`);
        });
        return forBolt(cached.installation);
      }
    }
    return forBolt(await this.loadOnce(cacheKey, query));
  }

  /**
   * Reads an installation into the cache, once for all the requests that need it at the same
   * moment (a burst after a restart, or after a change, would otherwise read it once each).
   */
  private loadOnce(cacheKey: string, query: InstallationQuery<boolean>): Promise<AnyInstallation> {
    let loading = this.loading.get(cacheKey);
    if (!loading) {
      const generation = this.generation;
      const loadedAt = Date.now();
      loading = (async () => {
        try {
          const { id, installation } = await this.load(query);
          if (installation.isEnterpriseInstall && query.teamId) {
            await this.rememberOrgWorkspace(query.teamId, installation);
          }
          // A change heard while reading may have come after the read: not cached then.
          if (generation === this.generation) this.cache.set(cacheKey, { installation, id, at: loadedAt });
          return installation;
        } catch (error) {
          if (error instanceof NotInstalled) this.cache.delete(cacheKey);
          throw error;
        } finally {
          this.loading.delete(cacheKey);
        }
      })();
      this.loading.set(cacheKey, loading);
    }
    return loading;
  }

  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    const id = installationId(query);
    if (!id) return;
    await this.options.prisma.$transaction(async (tx) => {
      await tx.slackInstallation.deleteMany({ where: { id } });
      await this.changes.inTransaction(tx, id);
    });
    this.changes.changed(id);
  }

  /** Part of a transaction that deletes or changes installation `id` (uninstall.ts); call `changed` after it commits. */
  async changingInTransaction(tx: Tx, id: string): Promise<void> {
    await this.changes.inTransaction(tx, id);
  }

  /** Installation `id` changed (committed): every instance forgets it now. */
  changed(id: string): void {
    this.changes.changed(id);
  }

  /** Stops listening for changes (app stop). */
  async close(): Promise<void> {
    this.unsubscribe();
    await this.changes.close();
  }

  /** Forgets installation `id` (null: all), heard from this instance or another. */
  private drop(id: string | null): void {
    this.generation += 1;
    // A read under way may have started before the change: later requests read afresh.
    this.loading.clear();
    if (id === null) {
      this.cache.clear();
      return;
    }
    for (const [key, entry] of this.cache) if (entry.id === id) this.cache.delete(key);
  }

  /**
   * The bot token for a workspace's Web API calls, resolved at send time (jobs, schedules,
   * the outbox): its own installation, or its org's. Throws NotInstalled when there is none.
   */
  async botTokenFor(teamId: string): Promise<string> {
    const installation = await this.fetchInstallation({ teamId, enterpriseId: undefined, isEnterpriseInstall: false });
    const token = installation.bot?.token;
    if (!token) throw new NotInstalled(teamId);
    return token;
  }

  /** Who installed Delight for the workspace (or its org); null when it is not installed. */
  async installerOf(teamId: string): Promise<string | null> {
    const installation = await this.fetchInstallation({
      teamId,
      enterpriseId: undefined,
      isEnterpriseInstall: false,
    }).catch(() => null);
    return installation?.user.id ?? null;
  }

  /** Forget cached installations (another instance changed them; tests). */
  invalidate(): void {
    this.drop(null);
  }

  private async load(query: InstallationQuery<boolean>): Promise<{ id: string; installation: AnyInstallation }> {
    const { prisma } = this.options;
    const select = { id: true, secret: true, botTokenExpiresAt: true } as const;
    const id = installationId(query);
    let row: Row | null = id ? await prisma.slackInstallation.findUnique({ where: { id }, select }) : null;
    if (!row && query.teamId) {
      // A workspace of an org-wide install: by the org the request names, or the one we learnt.
      const enterpriseId =
        query.enterpriseId ??
        (await prisma.slackOrgWorkspace.findUnique({ where: { teamId: query.teamId } }))?.enterpriseId;
      if (enterpriseId) {
        row = await prisma.slackInstallation.findUnique({ where: { id: `E:${enterpriseId}` }, select });
      }
      // Work of the org itself (the org-wide installer's welcome) is keyed by the org's id.
      if (!row && /^E[A-Z0-9]+$/.test(query.teamId)) {
        row = await prisma.slackInstallation.findUnique({ where: { id: `E:${query.teamId}` }, select });
      }
    }
    if (!row) throw new NotInstalled(query.teamId ?? query.enterpriseId);
    const installation = this.decrypt(row);
    return {
      id: row.id,
      installation: expiresSoon(installation, this.options.clock.now().getTime())
        ? await this.refresh(row.id, installation)
        : installation,
    };
  }

  private decrypt(row: Row): AnyInstallation {
    return JSON.parse(this.options.cipher.decrypt(row.secret, row.id)) as AnyInstallation;
  }

  /**
   * Refreshes a rotating token once across instances: the row is locked, read again (another
   * instance may have refreshed it meanwhile: then its token is used), refreshed and written
   * in the same transaction.
   */
  private async refresh(id: string, seen: AnyInstallation): Promise<AnyInstallation> {
    const { prisma, cipher, clock, logger } = this.options;
    const refreshed = await prisma.$transaction(
      async (tx) => {
        const locked = await tx.$queryRawUnsafe<Row[]>(
          `SELECT "id", "secret", "botTokenExpiresAt" FROM "SlackInstallation" WHERE "id" = $1 FOR UPDATE`,
          id,
        );
        const row = locked[0];
        if (!row) throw new NotInstalled(id.slice(2));
        const current = this.decrypt(row);
        const now = clock.now().getTime();
        // Another instance refreshed it while we waited for the lock: its token is ours too.
        if (current.bot?.token !== seen.bot?.token || !current.bot?.refreshToken) return current;
        const answer = await this.options.refresh(current.bot.refreshToken);
        const updated: AnyInstallation = {
          ...current,
          bot: {
            ...current.bot,
            token: answer.access_token,
            refreshToken: answer.refresh_token,
            expiresAt: Math.floor(now / 1000) + answer.expires_in,
          },
          botTokenIssuedAt: Math.floor(now / 1000),
        };
        await tx.slackInstallation.update({
          where: { id },
          data: {
            secret: cipher.encrypt(JSON.stringify(updated), id),
            botTokenExpiresAt: new Date((updated.bot?.expiresAt ?? 0) * 1000),
          },
        });
        await this.changes.inTransaction(tx, id);
        logger.info(`Refreshed the bot token of installation ${id} (token rotation)`);
        return updated;
      },
      { timeout: 20_000, maxWait: 20_000 },
    );
    this.changes.changed(id);
    return refreshed;
  }

  private async rememberOrgWorkspace(teamId: string, installation: AnyInstallation): Promise<void> {
    const enterpriseId = installation.enterprise?.id;
    if (!enterpriseId || this.knownOrgWorkspaces.has(teamId)) return;
    await this.options.prisma.slackOrgWorkspace.createMany({ data: [{ teamId, enterpriseId }], skipDuplicates: true });
    this.knownOrgWorkspaces.add(teamId);
  }
}

/** Within 5 minutes of expiry, or past half its life for a token shorter-lived than 10 minutes. */
function expiresSoon(installation: AnyInstallation, nowMs: number): boolean {
  const expiresAt = installation.bot?.expiresAt;
  if (expiresAt === undefined) return false;
  const issuedAt = installation.botTokenIssuedAt;
  const margin =
    issuedAt !== undefined ? Math.min(REFRESH_MARGIN_MS, ((expiresAt - issuedAt) * 1000) / 2) : REFRESH_MARGIN_MS;
  return expiresAt * 1000 - nowMs < margin;
}

/** Bolt gets no refresh token: it would refresh by itself, without our lock (see the file comment). */
function forBolt(installation: AnyInstallation): AnyInstallation {
  if (!installation.bot?.refreshToken) return installation;
  const { refreshToken: _refreshToken, expiresAt: _expiresAt, ...bot } = installation.bot;
  return { ...installation, bot };
}
