// How the client turns answer lines into a value: a single-line answer, or a
// `BEGIN LIST … / … / END LIST …` block with a cap on its length. Collectors
// are pure functions of the lines fed to them, so they can be tested alone.

import type { Result } from '../result';
import { parseErrLine, splitNutWords } from './protocol';

export type Step<T> =
  | { kind: 'more' }
  | { kind: 'done'; value: T }
  | { kind: 'server-error'; code: string; extra: string; reply: string }
  | { kind: 'bad'; message: string; reply: string }
  | { kind: 'too-many'; message: string; reply: string };

export type Collector<T> = (line: string) => Step<T>;

function bad<T>(message: string, reply: string): Step<T> {
  return { kind: 'bad', message, reply };
}

/** One answer line; `ERR …` becomes a server error. Checks the raw line or its words. */
export function singleCollector<T>(onLine?: (line: string) => Result<T, string>, onWords?: (words: string[]) => Result<T, string> | null): Collector<T> {
  return (line) => {
    const words = splitNutWords(line);
    if (!words.ok) return bad(`answer does not parse: ${words.error}`, line);
    const e = parseErrLine(words.value);
    if (e) return { kind: 'server-error', ...e, reply: line };
    const r = onWords ? onWords(words.value) : onLine ? onLine(line) : null;
    if (r === null) return bad(`unexpected answer "${line.slice(0, 80)}"`, line);
    return r.ok ? { kind: 'done', value: r.value } : bad(r.error, line);
  };
}

/**
 * A LIST answer for `prefix` (e.g. ["VAR", "myups"]): the BEGIN line, rows
 * accepted by `pick` (null: not a row of this list), the END line.
 */
export function listCollector<R>(prefix: readonly string[], maxLines: number, pick: (words: string[]) => Result<R, string> | null): Collector<R[]> {
  const header = ['BEGIN', 'LIST', ...prefix].join(' ');
  const footer = ['END', 'LIST', ...prefix].join(' ');
  const rows: R[] = [];
  let begun = false;
  return (line) => {
    const words = splitNutWords(line);
    if (!words.ok) return bad(`list line does not parse: ${words.error}`, line);
    const joined = words.value.join(' ');
    if (!begun) {
      const e = parseErrLine(words.value);
      if (e) return { kind: 'server-error', ...e, reply: line };
      if (joined !== header) return bad(`expected "${header}", got "${line.slice(0, 80)}"`, line);
      begun = true;
      return { kind: 'more' };
    }
    if (joined === footer) return { kind: 'done', value: rows };
    if (rows.length >= maxLines) return { kind: 'too-many', message: `list has more than ${maxLines} lines`, reply: line };
    const row = pick(words.value);
    if (row === null) return bad(`line "${line.slice(0, 80)}" does not belong to ${header}`, line);
    if (!row.ok) return bad(row.error, line);
    rows.push(row.value);
    return { kind: 'more' };
  };
}
