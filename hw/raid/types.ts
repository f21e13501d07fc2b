// Vocabulary shared by every RAID status source (Linux md, Areca CLI, Areca
// serial API): one coarse health state plus a sentence a person can act on.

/**
 * - `ok`: every member that the layout needs is present (a check, repair or
 *   reshape may be running);
 * - `degraded`: redundancy is reduced and nothing is restoring it yet;
 * - `rebuilding`: redundancy is reduced and being restored (recovery, resync,
 *   rebuild, initialisation);
 * - `failed`: the array lost more than it tolerates, or is not running.
 */
export type RaidState = 'ok' | 'degraded' | 'rebuilding' | 'failed';

export const RAID_STATES: readonly RaidState[] = ['ok', 'degraded', 'rebuilding', 'failed'];

export interface RaidClassification {
  state: RaidState;
  /** One line, starting with the array's name, e.g. `md0 raid5 degraded: 1 of 3 members missing ([U_U]); sdc1 failed`. */
  reason: string;
}

/** Longest excerpt of an offending input line quoted in an error message. */
export const QUOTE_MAX_CHARS = 80;

/** Quote an input line for an error message, bounded; JSON quoting makes control characters visible. */
export function quoteLine(line: string): string {
  return JSON.stringify(line.length > QUOTE_MAX_CHARS ? `${line.slice(0, QUOTE_MAX_CHARS)}…` : line);
}

/** Errors kept per parse; the rest are counted in one final message so garbage cannot grow memory. */
export const MAX_ERRORS = 50;

/** Append an error, keeping at most MAX_ERRORS and a final "... more" line. */
export function pushError(errors: string[], message: string, dropped: { count: number }): void {
  if (errors.length < MAX_ERRORS) {
    errors.push(message);
  } else {
    dropped.count += 1;
  }
}

/** Close an error list started with pushError. */
export function finishErrors(errors: string[], dropped: { count: number }): string[] {
  if (dropped.count > 0) errors.push(`${dropped.count} more errors not listed`);
  return errors;
}
