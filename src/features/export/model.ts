// Story export (`/delight-admin export stories [from] [to]`): the job's payload and the shape
// of one exported story. The job reads the stories again from the database on every run, so
// a retry rebuilds the same files (the range ends at the request's instant) and nothing but
// this small payload is stored.
import { z } from "zod";

export const EXPORT_STORIES_JOB = "export.stories";

/** A calendar date as typed (YYYY-MM-DD), read in the admin's timezone by the job. */
export const calendarDate = z.object({
  year: z.number().int(),
  month: z.number().int().min(1).max(12),
  day: z.number().int().min(1).max(31),
});
export type CalendarDate = z.infer<typeof calendarDate>;

export const exportStoriesPayload = z.object({
  teamId: z.string(),
  userId: z.string(),
  responseUrl: z.string(),
  /** Null: from the first story. */
  from: calendarDate.nullable(),
  /** Null: up to the request. */
  to: calendarDate.nullable(),
  /** ISO instant of the request: nothing approved after it is exported (a retry builds the same files). */
  at: z.string(),
});
export type ExportStoriesPayload = z.infer<typeof exportStoriesPayload>;

/** One approved story, ready for the files: people as names, text as plain text. */
export interface ExportStory {
  id: string;
  approvedAt: Date;
  nominees: string[];
  nominator: string;
  customer: string;
  values: string[];
  story: string;
  approver: string;
  link: string;
}

/** Stories read per database round trip: a big range never sits in memory as rows. */
export const EXPORT_PAGE_SIZE = 2000;
