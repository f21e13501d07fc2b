// The two line formats. JSON is for journald and log shippers (fixed key
// order: ts, level, node, event, then fields); pretty is for a person at a
// terminal.
import { toJsonSafe } from './safeJson';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export interface LogRecord {
  tsMs: number;
  level: LogLevel;
  node?: string;
  event: string;
  /** In output order. Keys never collide with ts/level/node/event (see RESERVED_KEYS). */
  fields: Map<string, unknown>;
}

export const RESERVED_KEYS: ReadonlySet<string> = new Set(['ts', 'level', 'node', 'event']);

function isoTime(tsMs: number): string {
  return new Date(Number.isFinite(tsMs) ? tsMs : Date.now()).toISOString();
}

/**
 * Builds the JSON by hand rather than from one merged object: an object
 * would move integer-like field keys ("404") ahead of ts/level/node/event.
 */
export function formatJsonLine(rec: LogRecord): string {
  let out = `{"ts":"${isoTime(rec.tsMs)}","level":"${rec.level}"`;
  if (rec.node !== undefined) out += `,"node":${JSON.stringify(toJsonSafe(rec.node))}`;
  out += `,"event":${JSON.stringify(toJsonSafe(rec.event))}`;
  for (const [key, value] of rec.fields) {
    const safe = toJsonSafe(value);
    if (safe !== undefined) out += `,${JSON.stringify(key)}:${JSON.stringify(safe)}`;
  }
  return out + '}\n';
}

const COLOUR = {
  dim: '\x1b[2m',
  bold: '\x1b[1m',
  reset: '\x1b[0m',
  debug: '\x1b[90m',
  info: '\x1b[36m',
  warn: '\x1b[33m',
  error: '\x1b[31m',
} as const;

/** Control characters (a newline, an escape sequence from a peer's string) must not reach the terminal raw. */
function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function prettyValue(value: unknown): string {
  const safe = toJsonSafe(value);
  if (typeof safe === 'string' && /^[^\s"=\\]+$/.test(safe)) return printable(safe);
  return printable(JSON.stringify(safe) ?? 'undefined');
}

function localTime(tsMs: number): string {
  const d = new Date(Number.isFinite(tsMs) ? tsMs : Date.now());
  const two = (n: number): string => String(n).padStart(2, '0');
  const ms = String(d.getMilliseconds()).padStart(3, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${ms}`;
}

/** `17:55:14.123 INFO  node-a transition standby -> active: peer lost key=value …` */
export function formatPrettyLine(rec: LogRecord, colour: boolean): string {
  const paint = (code: string, s: string): string => (colour ? `${code}${s}${COLOUR.reset}` : s);
  const parts = [paint(COLOUR.dim, localTime(rec.tsMs)), paint(COLOUR[rec.level], rec.level.toUpperCase().padEnd(5))];
  if (rec.node !== undefined) parts.push(printable(String(rec.node)));
  parts.push(paint(COLOUR.bold, printable(rec.event)));
  // msg and reason are the readable text: "msg: reason".
  const msg = rec.fields.get('msg');
  const reason = rec.fields.get('reason');
  const text = [msg, reason].filter((t): t is string => typeof t === 'string' && t !== '').map(printable);
  const rest: string[] = [];
  for (const [key, value] of rec.fields) {
    if (value === undefined || ((key === 'msg' || key === 'reason') && typeof value === 'string')) continue;
    rest.push(`${printable(key)}=${prettyValue(value)}`);
  }
  if (text.length > 0) parts.push(text.join(': '));
  return parts.join(' ') + (rest.length > 0 ? ' ' + paint(COLOUR.dim, rest.join(' ')) : '') + '\n';
}
