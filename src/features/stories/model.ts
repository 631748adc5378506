// `/delight stories [#value] [@person] [customer] [last N days]`: the filter, and the payloads
// of its job and its Next/Previous buttons.
import { z } from "zod";
import { DELIGHT_VALUES } from "../nominations/parse.ts";

export const storiesFilter = z.object({
  values: z.array(z.enum(DELIGHT_VALUES)).max(5),
  personIds: z.array(z.string().regex(/^[UW][A-Z0-9]{2,19}$/)).max(10),
  customer: z.string().max(100).nullable(),
  days: z.number().int().min(1).max(3660).nullable(),
});
export type StoriesFilter = z.infer<typeof storiesFilter>;

export const STORIES_PAGE_JOB = "stories.page";
export const STORIES_PAGE_ACTION_NEXT = "stories_page_next";
export const STORIES_PAGE_ACTION_PREVIOUS = "stories_page_previous";
export const STORIES_PAGE_SIZE = 10;
/** Pages a list may have (10,000 stories): a page number past it is not one the app made. */
export const STORIES_MAX_PAGE = 999;
/** The moment a list was asked for, which its pages keep: an ISO time this century. */
const listedAt = z.iso
  .datetime({ offset: true })
  .refine((at) => at >= "2000-01-01" && at < "2100-01-01", { error: "not a time this century" });
const pageNumber = z.number().int().min(0).max(STORIES_MAX_PAGE);

export const storiesPagePayload = z.object({
  teamId: z.string(),
  userId: z.string(),
  responseUrl: z.string(),
  filter: storiesFilter,
  page: pageNumber,
  /** A button click replaces the message it was on; the command posts a new one. */
  replace: z.boolean(),
  at: listedAt,
});
export type StoriesPagePayload = z.infer<typeof storiesPagePayload>;

/** What the Next/Previous buttons carry (their value, up to 2,000 characters). */
export const pageButtonValue = z.object({ f: storiesFilter, p: pageNumber, at: listedAt });
