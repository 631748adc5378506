// A bound on a Slack look-up made before an ack (Slack gives 3 seconds for the whole answer).

export const TIMED_OUT = Symbol("timed out");

/** `work`'s value, or TIMED_OUT when it takes longer than `ms` (the work itself is left to finish). */
export async function withinTime<T>(work: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
