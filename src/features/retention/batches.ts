// How the retention pass keeps every statement short: each batch statement selects its rows
// through an index, in index order, starting after the previous batch (a cursor), and touches
// them by their physical address (ctid): no statement scans what earlier batches handled, nor
// looks rows up a second time by id. Its cost is then proportional to its batch size, which
// adapts to time: the first batch is small, and each next one is sized from how long the last
// one took per row, aiming at half the budget (a loaded machine gets smaller batches; an idle
// one grows them, at most doubling, up to the largest size asked for).
//
// Measured with EXPLAIN ANALYZE on 1,000,000 rows (PostgreSQL 15): the former
// `DELETE … WHERE id IN (SELECT id … LIMIT n)` chose a sequential scan for its selection,
// which walked every dead row deleted by the batches before it (122 ms of a 215 ms statement
// half-way through); ordered by the (teamId, createdAt) index from a cursor, the selection
// takes 2–4 ms at any point of the pass.

/**
 * A CTE each batch statement starts with, and references (a CTE nobody reads is not run):
 * this statement's transaction commits without waiting for its WAL to reach the disk
 * (`synchronous_commit` off, for this transaction only). Measured here: a one-row statement
 * took 2.4 ms median and up to 48 ms waiting for the fsync of its commit, on a disk shared
 * with other work; 0.1 ms median and 5 ms at most without the wait. Nothing is at risk: a
 * crash can only lose the last few batches (never corrupt anything), which the next pass
 * deletes again. Read it in the final SELECT as `(SELECT off FROM async_commit)`.
 */
export const ASYNC_COMMIT = `async_commit AS (SELECT set_config('synchronous_commit', 'off', true) AS off)`;

/**
 * The last column of each batch statement: how long the server had spent on it when it got
 * there (its work; not its end-of-statement triggers — the answers' ON DELETE CASCADE to their
 * replies, about half of a delete's time — nor its commit, nor the trip to and from the app).
 * The bench reports it next to the time the app waited.
 */
export const SERVER_MS = `(extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000)::float8 AS "serverMs"`;

/** No batch statement should hold the database longer than this (the 100 ms, with room). */
export const BATCH_BUDGET_MS = 40;
/** The first batch of each kind: small, since nothing is known yet of how long rows take. */
export const FIRST_BATCH = 100;
const MIN_BATCH = 10;

/** Sizes one kind of batch from how long its previous batch took. */
export class BatchSizer {
  private size: number;

  constructor(
    private readonly largest: number,
    private readonly budgetMs = BATCH_BUDGET_MS,
  ) {
    this.size = Math.max(1, Math.min(largest, FIRST_BATCH));
  }

  get limit(): number {
    return this.size;
  }

  /** A batch of `rows` took `ms`: the next one is sized to take about half the budget. */
  took(rows: number, ms: number): void {
    if (rows <= 0) return;
    const perRow = Math.max(ms, 0.01) / rows;
    const ideal = Math.floor(this.budgetMs / 2 / perRow);
    this.size = Math.max(Math.min(MIN_BATCH, this.largest), Math.min(this.largest, this.size * 2, ideal));
  }
}

/**
 * Runs `statement` (one batch of at most `limit` rows; returns the rows it walked and the rows
 * it changed) until a batch walks fewer than its limit. Returns the rows changed.
 */
export async function inBatches(
  largest: number,
  statement: (limit: number) => Promise<{ walked: number; changed: number }>,
): Promise<number> {
  const sizer = new BatchSizer(largest);
  let total = 0;
  for (;;) {
    const limit = sizer.limit;
    const started = performance.now();
    const { walked, changed } = await statement(limit);
    sizer.took(walked, performance.now() - started);
    total += changed;
    if (walked < limit) return total;
    // Between batches, whatever queued meanwhile (an ack's statement) runs first.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
