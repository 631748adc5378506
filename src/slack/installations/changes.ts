// Telling every instance that an installation changed (uninstalled, refreshed, installed
// again), so each one drops it from its in-memory cache at once instead of using a revoked or
// replaced token until the cache entry would have expired.
//
// - PostgreSQL: LISTEN/NOTIFY. The change's own transaction calls pg_notify, which PostgreSQL
//   delivers when (and only if) it commits; every instance LISTENs on one connection of its
//   own. Nothing is added to an ack: the cache is dropped when the notification arrives.
//   While that connection is down (restart, failover) a notification could be missed, so the
//   cache is trusted for NOT_LISTENING_CACHE_MS only, and dropped whole when listening again.
// - PGlite: one process per data directory (db/data-dir-lock.ts), so the instances sharing a
//   database share this process: an in-process bus per database is every instance there is.
// https://www.postgresql.org/docs/current/sql-notify.html
import { EventEmitter } from "node:events";
import type { Logger } from "@slack/bolt";
import pg from "pg";
import type { Db } from "../../db/database.ts";

export const CHANGES_CHANNEL = "delight_installations";
/** How long a cached installation is trusted while changes could be missed (PostgreSQL listener down). */
export const NOT_LISTENING_CACHE_MS = 1_000;
const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 30_000;

/** What a transaction can run (Prisma's client or its transaction client). */
type RawRunner = Pick<Db, "$executeRawUnsafe">;

/** `id`: the installation that changed (`T:…`/`E:…`); null: anything may have changed. */
export type ChangeListener = (id: string | null) => void;

export interface InstallationChanges {
  /**
   * Part of the change's transaction: other processes hear of it when it commits (PostgreSQL).
   * Call `changed(id)` after the commit for this process.
   */
  inTransaction(tx: RawRunner, id: string): Promise<void>;
  /** After the commit: every instance of this process that shares the database drops it now. */
  changed(id: string): void;
  subscribe(listener: ChangeListener): () => void;
  /** False while a change made elsewhere could go unheard (then caches must be short). */
  reliable(): boolean;
  close(): Promise<void>;
}

// One bus per database (its Prisma client) in this process.
const buses = new WeakMap<object, EventEmitter>();
function busOf(prisma: object): EventEmitter {
  let bus = buses.get(prisma);
  if (!bus) {
    bus = new EventEmitter();
    bus.setMaxListeners(0);
    buses.set(prisma, bus);
  }
  return bus;
}

export interface ChangesOptions {
  prisma: Db;
  logger: Logger;
  /** PostgreSQL's connection string: a listener connection is opened; undefined (PGlite): in-process only. */
  postgresUrl?: string;
}

export function createInstallationChanges(options: ChangesOptions): InstallationChanges {
  const bus = busOf(options.prisma);
  const listeners = new Set<ChangeListener>();
  const fromBus = (id: string | null) => {
    for (const listener of listeners) listener(id);
  };
  bus.on("change", fromBus);
  const remote = options.postgresUrl ? new PostgresListener(options.postgresUrl, options.logger, fromBus) : undefined;
  return {
    async inTransaction(tx, id) {
      if (remote) await tx.$executeRawUnsafe(`SELECT pg_notify($1, $2)`, CHANGES_CHANNEL, id);
    },
    changed(id) {
      bus.emit("change", id);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reliable: () => (remote ? remote.listening : true),
    async close() {
      bus.off("change", fromBus);
      listeners.clear();
      await remote?.close();
    },
  };
}

/** LISTEN on a connection of its own, reconnecting with backoff; everything is dropped on each (re)connect. */
class PostgresListener {
  listening = false;
  private client?: pg.Client;
  private closed = false;
  private retryMs = RECONNECT_MIN_MS;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
    private readonly onChange: ChangeListener,
  ) {
    void this.connect();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.url });
    this.client = client;
    const lost = (reason: string) => {
      if (this.client !== client) return;
      this.client = undefined;
      this.listening = false;
      client.removeAllListeners("notification");
      void client.end().catch(() => undefined);
      if (this.closed) return;
      this.logger.warn(`Not hearing installation changes (${reason}); trying again in ${this.retryMs} ms`);
      this.timer = setTimeout(() => void this.connect(), this.retryMs);
      this.timer.unref();
      this.retryMs = Math.min(this.retryMs * 2, RECONNECT_MAX_MS);
    };
    client.on("error", (error) => lost(error.message));
    client.on("end", () => lost("connection closed"));
    client.on("notification", (message) => {
      if (message.channel === CHANGES_CHANNEL) this.onChange(message.payload ?? null);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGES_CHANNEL}`);
      if (this.closed || this.client !== client) return;
      this.listening = true;
      this.retryMs = RECONNECT_MIN_MS;
      // Whatever changed while not listening is unknown: forget everything.
      this.onChange(null);
    } catch (error) {
      lost(error instanceof Error ? error.message : String(error));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listening = false;
    clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
