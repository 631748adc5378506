// The audit trail's domain types: who did what, when, before → after.
import type { CalendarDate } from "../export/model.ts";

/** A JSON value as stored in `before` / `after` (settings values, statuses, dates as ISO text). */
export type AuditValue = string | number | boolean | null | AuditValue[] | { [key: string]: AuditValue };

export interface AuditInput {
  teamId: string;
  /** A Slack user id, or DELIGHT_ACTOR for the app's own changes (a departure's reassignment). */
  actorId: string;
  /** Dotted and stable: "settings.sla", "nomination.approve", "case.reassign"… */
  action: string;
  /** The people the change is about, so `/delight-admin audit @u` finds it. */
  subjectIds?: string[];
  target?: string | null;
  before?: Record<string, AuditValue> | null;
  after?: Record<string, AuditValue> | null;
  at: Date;
}

export interface AuditEntryView {
  id: string;
  actorId: string;
  action: string;
  subjectIds: string[];
  target: string | null;
  before: Record<string, AuditValue> | null;
  after: Record<string, AuditValue> | null;
  createdAt: Date;
}

/** `/delight-admin audit [@u] [from] [to]`: dates are whole UTC days, inclusive. */
export interface AuditQuery {
  userId: string | null;
  from: CalendarDate | null;
  to: CalendarDate | null;
}

/** The actor of changes Delight makes by itself (a departed owner's cases handed on). */
export const DELIGHT_ACTOR = "delight";

/** How many entries `/delight-admin audit` shows; a longer range also comes as a CSV. */
export const AUDIT_SHOWN = 50;
