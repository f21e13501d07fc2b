// Reading the daemons' JSON log (`--log-format json`, one object per line on
// stdout): a splitter that survives an overlong line, and a parser that turns
// the events the pair cares about into typed values. Neither throws: a line
// that is not what we expect becomes an error value with the reason.

import { LOG_EVENTS } from '../daemon/contract';
import { ROLES, type Role } from '../core/types';

/** A daemon log line is well under 1 KiB; this bounds what one line may hold. */
export const MAX_LOG_LINE_BYTES = 64 * 1024;
/** Text fields shown to a person are cut to this many characters. */
const MAX_TEXT_CHARS = 500;

/**
 * Splits a byte stream into lines. Unlike the control socket's splitter, an
 * overlong line does not end the stream: it is skipped up to its newline and
 * counted, because one odd log line must not blind the supervisor.
 */
export class LogLineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private skipping = false;
  /** Lines dropped for being longer than the bound. */
  dropped = 0;

  constructor(private readonly maxLineBytes = MAX_LOG_LINE_BYTES) {}

  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl === -1 ? chunk.length : nl;
      if (!this.skipping && this.pendingBytes + (end - start) > this.maxLineBytes) {
        this.skipping = true;
        this.dropped++;
        this.pending = [];
        this.pendingBytes = 0;
      }
      if (!this.skipping) {
        this.pending.push(chunk.subarray(start, end));
        this.pendingBytes += end - start;
      }
      if (nl === -1) break;
      if (!this.skipping) lines.push(this.take());
      this.skipping = false;
      start = nl + 1;
    }
    return lines.filter((l) => l.length > 0);
  }

  /** At end of input: the unterminated last line, if any. */
  finish(): string | undefined {
    if (this.skipping || this.pendingBytes === 0) return undefined;
    const line = this.take();
    return line.length > 0 ? line : undefined;
  }

  private take(): string {
    const line = Buffer.concat(this.pending).toString('utf8').replace(/\r$/, '');
    this.pending = [];
    this.pendingBytes = 0;
    return line;
  }
}

interface Base {
  /** The node named in the line (`node` field), if any. */
  node: string | null;
  /** Wall-clock time of the line in ms since 1970, from `ts` (or an epoch-like `tsMs`); null if absent. */
  wallMs: number | null;
}

export type DaemonLogEvent = Base &
  (
    | { kind: 'transition'; from: Role; to: Role; epoch: number; reason: string }
    /** `fired`: the daemon is about to power the target off; `done`: the device answered. */
    | { kind: 'fence'; phase: 'fired' | 'done'; target: string; confirmedOff: boolean; reason: string }
    | { kind: 'alarm'; id: string; message: string; raised: boolean }
    | { kind: 'notice'; name: string; message: string }
    | { kind: 'resource'; op: string; ok: boolean; running: boolean; reason: string }
    | { kind: 'started' }
    | { kind: 'stopping'; reason: string }
    /** Any other event: kept so a caller can count or show it. */
    | { kind: 'other'; event: string; level: string }
  );

export type LogLineResult = { ok: true; event: DaemonLogEvent } | { ok: false; error: string };

type Fields = Record<string, unknown>;

const isRecord = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const isRole = (v: unknown): v is Role => typeof v === 'string' && (ROLES as readonly string[]).includes(v);
const text = (v: unknown): string => (typeof v === 'string' ? v.slice(0, MAX_TEXT_CHARS) : '');

/** ms since 1970 from the ISO `ts`, else from a `tsMs` that looks like wall-clock time (after 2001). */
function wallTime(f: Fields): number | null {
  if (typeof f.ts === 'string') {
    const ms = Date.parse(f.ts);
    if (Number.isFinite(ms)) return ms;
  }
  if (typeof f.tsMs === 'number' && Number.isFinite(f.tsMs) && f.tsMs > 1e12) return f.tsMs;
  return null;
}

function transition(f: Fields, base: Base): LogLineResult {
  // The transition may be flat (from, to, ...) or nested as in DaemonEvent.
  const t = isRecord(f.transition) ? f.transition : f;
  if (!isRole(t.from) || !isRole(t.to)) {
    return { ok: false, error: `transition line without valid from/to roles: from=${JSON.stringify(t.from)} to=${JSON.stringify(t.to)}` };
  }
  if (typeof t.epoch !== 'number' || !Number.isInteger(t.epoch) || t.epoch < 0) {
    return { ok: false, error: `transition line with a bad epoch: ${JSON.stringify(t.epoch)}` };
  }
  return { ok: true, event: { ...base, kind: 'transition', from: t.from, to: t.to, epoch: t.epoch, reason: text(t.reason) } };
}

function fence(f: Fields, base: Base): LogLineResult {
  if (typeof f.target !== 'string') return { ok: false, error: 'fence line without a target' };
  // The daemon logs the fence twice: when it fires (no result yet), and with the device's answer.
  const phase = f.phase === 'fired' || typeof f.confirmedOff !== 'boolean' ? 'fired' : 'done';
  const confirmedOff = f.confirmedOff === true;
  const reason = text(f.reason ?? f.msg);
  return { ok: true, event: { ...base, kind: 'fence', phase, target: text(f.target), confirmedOff, reason } };
}

function alarm(f: Fields, base: Base): LogLineResult {
  const a = isRecord(f.alarm) ? f.alarm : f;
  const id = typeof a.id === 'string' ? a.id : f.alarmId;
  if (typeof id !== 'string') return { ok: false, error: 'alarm line without an alarm id' };
  // A flat line has only `msg`, which repeats the state and id: "RAISED path-down:lan: ...".
  const message = text(a.message ?? f.msg).replace(/^(RAISED|cleared) \S+: /, '');
  return { ok: true, event: { ...base, kind: 'alarm', id: text(id), message, raised: f.raised !== false } };
}

/** Parses one log line. Lines that are not JSON objects with a string `event` are errors. */
export function parseDaemonLogLine(line: string): LogLineResult {
  if (line.length > MAX_LOG_LINE_BYTES) return { ok: false, error: `log line longer than ${MAX_LOG_LINE_BYTES} characters` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { ok: false, error: `not a JSON log line: ${JSON.stringify(line.slice(0, 80))}` };
  }
  if (!isRecord(parsed)) return { ok: false, error: 'log line is JSON but not an object' };
  const f = parsed;
  if (typeof f.event !== 'string') return { ok: false, error: 'log line without a string "event" field' };
  const base: Base = { node: typeof f.node === 'string' ? text(f.node) : null, wallMs: wallTime(f) };
  switch (f.event) {
    case LOG_EVENTS.transition:
      return transition(f, base);
    case LOG_EVENTS.fence:
      return fence(f, base);
    case LOG_EVENTS.alarm:
      return alarm(f, base);
    case LOG_EVENTS.notice:
      return { ok: true, event: { ...base, kind: 'notice', name: text(f.name), message: text(f.message ?? f.msg) } };
    case LOG_EVENTS.resource: {
      const event = { ...base, kind: 'resource' as const, op: text(f.op), ok: f.ok === true, running: f.running === true };
      return { ok: true, event: { ...event, reason: text(f.reason) } };
    }
    case LOG_EVENTS.started:
      return { ok: true, event: { ...base, kind: 'started' } };
    case LOG_EVENTS.stopping:
      return { ok: true, event: { ...base, kind: 'stopping', reason: text(f.reason ?? f.msg) } };
    default:
      return { ok: true, event: { ...base, kind: 'other', event: text(f.event), level: text(f.level) } };
  }
}
