// Structured logger: one line per event, written synchronously.
//   log.info('transition', { msg: 'standby -> active', reason: 'peer lost', epoch: 4 })
// JSON:   {"ts":"…","level":"info","node":"node-a","event":"transition","msg":"standby -> active",…}
// pretty: 17:55:14.123 INFO  node-a transition standby -> active: peer lost epoch=4
import { formatJsonLine, formatPrettyLine, LOG_LEVELS, LogLevel, RESERVED_KEYS } from './format';
import { RateLimiter } from './rateLimit';
import { LogStream, writeLine } from './sink';

export type LogFields = Record<string, unknown>;
export type LogFormat = 'auto' | 'json' | 'pretty';

export interface LoggerOptions {
  level: LogLevel;
  /** auto: pretty on a TTY, JSON otherwise (journald, pipes, files). */
  format: LogFormat;
  /** Default process.stdout (journald picks it up under systemd). */
  stream?: LogStream;
  node?: string;
  /** Wall clock in ms since the epoch, for timestamps and rate limiting. */
  clock?: () => number;
  /** Pretty format only. Default: the stream is a TTY and NO_COLOR is not set. */
  colour?: boolean;
}

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  log(level: LogLevel, event: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line; shares level, output and rate limits with this one. */
  child(fields: LogFields): Logger;
  /**
   * True when a line with `key` may be logged now (at most one per intervalMs).
   * When lines were held back, the next line logged — call it right away,
   * `if (log.rateLimit(k, 10_000)) log.warn(…)` — carries `suppressed: <count>`.
   */
  rateLimit(key: string, intervalMs: number): boolean;
  isEnabled(level: LogLevel): boolean;
  /** Changes the level of this logger and all its relatives. */
  setLevel(level: LogLevel): void;
  readonly level: LogLevel;
  readonly format: 'json' | 'pretty';
  /** Lines lost because the stream failed (e.g. EPIPE). */
  droppedLines(): number;
}

interface Shared {
  minLevel: number;
  readonly pretty: boolean;
  readonly colour: boolean;
  readonly stream: LogStream;
  readonly node: string | undefined;
  readonly clock: () => number;
  readonly limiter: RateLimiter;
  /** Suppressed count waiting for the line that follows an allowed rateLimit(). */
  pending: { count: number } | undefined;
  dropped: number;
}

function levelIndex(level: string): number {
  const i = LOG_LEVELS.indexOf(level as LogLevel);
  if (i === -1) throw new Error(`unknown log level ${JSON.stringify(level)}; use one of ${LOG_LEVELS.join(', ')}`);
  return i;
}

/** A field named like a fixed key is kept, renamed with a leading underscore, rather than overwriting it. */
function fieldKey(key: string): string {
  return RESERVED_KEYS.has(key) ? `_${key}` : key;
}

function addFields(into: Map<string, unknown>, fields: LogFields | undefined): void {
  if (fields === undefined || fields === null || typeof fields !== 'object') return;
  for (const [key, value] of Object.entries(fields)) into.set(fieldKey(key), value);
}

class StructuredLogger implements Logger {
  constructor(
    private readonly shared: Shared,
    private readonly fixed: ReadonlyMap<string, unknown>,
  ) {}

  debug(event: string, fields?: LogFields): void {
    this.log('debug', event, fields);
  }
  info(event: string, fields?: LogFields): void {
    this.log('info', event, fields);
  }
  warn(event: string, fields?: LogFields): void {
    this.log('warn', event, fields);
  }
  error(event: string, fields?: LogFields): void {
    this.log('error', event, fields);
  }

  log(level: LogLevel, event: string, fields?: LogFields): void {
    const s = this.shared;
    const pending = s.pending;
    s.pending = undefined;
    if (!this.isEnabled(level)) return;
    try {
      const all = new Map(this.fixed);
      addFields(all, fields);
      if (pending !== undefined) all.set('suppressed', pending.count);
      const rec = { tsMs: s.clock(), level, node: s.node, event: String(event), fields: all };
      const line = s.pretty ? formatPrettyLine(rec, s.colour) : formatJsonLine(rec);
      if (!writeLine(s.stream, line)) s.dropped++;
    } catch {
      // A throwing getter or clock must not turn a log call into a crash.
      s.dropped++;
    }
  }

  child(fields: LogFields): Logger {
    const merged = new Map(this.fixed);
    addFields(merged, fields);
    return new StructuredLogger(this.shared, merged);
  }

  rateLimit(key: string, intervalMs: number): boolean {
    const s = this.shared;
    const decision = s.limiter.check(key, intervalMs, s.clock());
    if (!decision.allowed) return false;
    if (decision.suppressed > 0) {
      const pending = { count: decision.suppressed };
      s.pending = pending;
      // Only the line logged in the same synchronous step may carry the count.
      queueMicrotask(() => {
        if (s.pending === pending) s.pending = undefined;
      });
    }
    return true;
  }

  isEnabled(level: LogLevel): boolean {
    return LOG_LEVELS.indexOf(level) >= this.shared.minLevel;
  }

  setLevel(level: LogLevel): void {
    this.shared.minLevel = levelIndex(level);
  }

  get level(): LogLevel {
    return LOG_LEVELS[this.shared.minLevel] as LogLevel;
  }

  get format(): 'json' | 'pretty' {
    return this.shared.pretty ? 'pretty' : 'json';
  }

  droppedLines(): number {
    return this.shared.dropped;
  }
}

export function createLogger(options: LoggerOptions): Logger {
  const stream: LogStream = options.stream ?? process.stdout;
  const isTTY = stream.isTTY === true;
  if (!['auto', 'json', 'pretty'].includes(options.format)) {
    throw new Error(`unknown log format ${JSON.stringify(options.format)}; use auto, json or pretty`);
  }
  const pretty = options.format === 'pretty' || (options.format === 'auto' && isTTY);
  const shared: Shared = {
    minLevel: levelIndex(options.level),
    pretty,
    colour: pretty && (options.colour ?? (isTTY && !process.env.NO_COLOR)),
    stream,
    node: options.node,
    clock: options.clock ?? Date.now,
    limiter: new RateLimiter(),
    pending: undefined,
    dropped: 0,
  };
  return new StructuredLogger(shared, new Map());
}
