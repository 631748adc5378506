// What features are given to do their work. Built once in app.ts; tests build their own.
import type { Logger } from "@slack/bolt";
import type { Clock } from "./clock.ts";
import type { Config } from "./config.ts";
import type { Db } from "./db/database.ts";
import type { JobQueue } from "./jobs/queue.ts";
import type { RoleLookup, SlackUsers } from "./slack/roles.ts";

export interface AppDeps {
  config: Config;
  prisma: Db;
  clock: Clock;
  logger: Logger;
  roles: RoleLookup;
  users: SlackUsers;
  /** Work after the ack: listeners and schedules enqueue, handlers run it (src/jobs). */
  jobs: JobQueue;
}
