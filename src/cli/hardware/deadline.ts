// One deadline for a whole probe: a device may answer each request in time
// and still take too long overall (an APC unit asked twenty variables at
// 2400 baud), and the operator asked for an answer within --timeout-ms.

export type DeadlineOutcome<T> = { done: true; value: T } | { done: false };

/** `work` or nothing once `timeoutMs` has passed; the timer never outlives the race. */
export async function withDeadline<T>(work: Promise<T>, timeoutMs: number): Promise<DeadlineOutcome<T>> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<DeadlineOutcome<T>>((resolve) => {
    timer = setTimeout(() => resolve({ done: false }), timeoutMs);
  });
  try {
    return await Promise.race([work.then((value): DeadlineOutcome<T> => ({ done: true, value })), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Smallest and largest --timeout-ms accepted: below 100 ms no serial device answers; above 10 min nobody waits. */
export const MIN_TIMEOUT_MS = 100;
export const MAX_TIMEOUT_MS = 600_000;
