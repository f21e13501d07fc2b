// Turns a backend's raw line into a GpioLine: checks the config, applies
// active-low both ways, debounces watched inputs on the injected clock and
// shares one raw watch among all listeners (the gpiod backend pays a process
// per watch, so it starts with the first listener and stops with the last).

import { timerSchedule, type Schedule } from '../ups/schedule';
import type { Unsubscribe } from '../ups/transport';
import { Debouncer } from './debounce';
import {
  gpioError,
  type GpioBackend,
  type GpioError,
  type GpioEvent,
  type GpioLine,
  type GpioLineConfig,
  type GpioResult,
  type Level,
  type RawGpioLine,
} from './types';

export interface GpioClock {
  schedule: Schedule;
  nowMs: () => number;
}

export const realGpioClock: GpioClock = { schedule: timerSchedule, nowMs: () => performance.now() };

/** A minute of debounce is a config mistake, not a contact. */
export const MAX_DEBOUNCE_MS = 60_000;

export function checkGpioConfig(config: GpioLineConfig): GpioError | null {
  const bad = (message: string): GpioError => ({ kind: 'invalid-config', message: `GPIO line "${config.name}": ${message}` });
  if (typeof config.name !== 'string' || config.name.trim() === '') return { kind: 'invalid-config', message: 'GPIO line needs a name' };
  if (typeof config.chip !== 'string' || config.chip.trim() === '') return bad('chip must be a chip name such as gpiochip0');
  if (!Number.isInteger(config.offset) || config.offset < 0 || config.offset > 65535) return bad(`offset must be a whole number 0..65535, got ${config.offset}`);
  if (config.direction !== 'in' && config.direction !== 'out') return bad(`direction must be "in" or "out", got ${String((config as { direction: unknown }).direction)}`);
  if (config.direction === 'in' && config.debounceMs !== undefined) {
    const d = config.debounceMs;
    if (!Number.isFinite(d) || d < 0 || d > MAX_DEBOUNCE_MS) return bad(`debounceMs must be 0..${MAX_DEBOUNCE_MS}, got ${d}`);
  }
  return null;
}

/** Claim a line through `backend`. Never rejects. */
export async function openGpioLine(backend: GpioBackend, config: GpioLineConfig, clock: GpioClock = realGpioClock): Promise<GpioResult<GpioLine>> {
  const bad = checkGpioConfig(config);
  if (bad) return { ok: false, error: bad };
  const activeLow = config.activeLow === true;
  const initialActive = config.direction === 'out' && config.initialActive === true;
  let raw: GpioResult<RawGpioLine>;
  try {
    raw = await backend.open({
      name: config.name,
      chip: config.chip,
      offset: config.offset,
      direction: config.direction,
      initialLevel: toLevel(initialActive, activeLow),
      bias: config.direction === 'in' ? (config.bias ?? 'as-is') : 'as-is',
    });
  } catch (e) {
    raw = gpioError('io-error', `GPIO line "${config.name}": ${backend.kind} backend failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!raw.ok) return raw;
  return { ok: true, value: new BackedGpioLine(config, raw.value, clock) };
}

export function toLevel(active: boolean, activeLow: boolean): Level {
  return active !== activeLow ? 1 : 0;
}

export function toActive(level: Level, activeLow: boolean): boolean {
  return (level === 1) !== activeLow;
}

class BackedGpioLine implements GpioLine {
  readonly name: string;
  readonly direction: 'in' | 'out';
  readonly activeLow: boolean;
  private readonly listeners = new Set<(e: GpioEvent) => void>();
  private stopRaw: Unsubscribe | null = null;
  private debouncer: Debouncer | null = null;
  private watchGeneration = 0;
  private closed = false;

  constructor(
    private readonly config: GpioLineConfig,
    private readonly raw: RawGpioLine,
    private readonly clock: GpioClock,
  ) {
    this.name = config.name;
    this.direction = config.direction;
    this.activeLow = config.activeLow === true;
  }

  async read(): Promise<GpioResult<boolean>> {
    if (this.closed) return gpioError('closed', `GPIO line "${this.name}" is closed`);
    const r = await guard(() => this.raw.readLevel(), this.name);
    return r.ok ? { ok: true, value: toActive(r.value, this.activeLow) } : r;
  }

  async write(active: boolean): Promise<GpioResult<void>> {
    if (this.closed) return gpioError('closed', `GPIO line "${this.name}" is closed`);
    if (this.direction !== 'out') return gpioError('wrong-direction', `GPIO line "${this.name}" is an input and cannot be written`);
    return guard(() => this.raw.writeLevel(toLevel(active, this.activeLow)), this.name);
  }

  watch(listener: (event: GpioEvent) => void): Unsubscribe {
    const refuse = (error: GpioError): Unsubscribe => {
      queueMicrotask(() => listener({ type: 'error', error }));
      return () => undefined;
    };
    if (this.closed) return refuse({ kind: 'closed', message: `GPIO line "${this.name}" is closed` });
    if (this.direction !== 'in') return refuse({ kind: 'wrong-direction', message: `GPIO line "${this.name}" is an output; only inputs report edges` });
    this.listeners.add(listener);
    if (this.listeners.size === 1) void this.startRawWatch();
    return () => {
      if (!this.listeners.delete(listener)) return;
      if (this.listeners.size === 0) this.stopRawWatch();
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    this.stopRawWatch();
    await guard(async () => {
      await this.raw.close();
      return { ok: true, value: undefined };
    }, this.name);
  }

  /** Seed the debouncer with the level now, then follow raw changes. */
  private async startRawWatch(): Promise<void> {
    const generation = ++this.watchGeneration;
    const initial = await guard(() => this.raw.readLevel(), this.name);
    if (generation !== this.watchGeneration) return;
    const debounceMs = this.config.direction === 'in' ? (this.config.debounceMs ?? 0) : 0;
    const debouncer = new Debouncer(debounceMs, this.clock.schedule, initial.ok ? initial.value : null, (level) =>
      this.emit({ type: 'edge', active: toActive(level, this.activeLow), atMs: this.clock.nowMs() }),
    );
    this.debouncer = debouncer;
    const started = await guard(
      () => this.raw.watchLevels((level) => debouncer.push(level), (error) => this.failWatch(generation, error)),
      this.name,
    );
    if (generation !== this.watchGeneration) {
      if (started.ok) started.value();
      return;
    }
    if (!started.ok) this.failWatch(generation, started.error);
    else this.stopRaw = started.value;
  }

  private stopRawWatch(): void {
    this.watchGeneration++;
    this.debouncer?.stop();
    this.debouncer = null;
    const stop = this.stopRaw;
    this.stopRaw = null;
    stop?.();
  }

  private failWatch(generation: number, error: GpioError): void {
    if (generation !== this.watchGeneration) return;
    this.emit({ type: 'error', error });
    this.listeners.clear();
    this.stopRawWatch();
  }

  private emit(event: GpioEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch {
        // One listener's bug must not stop the others hearing the edge.
      }
    }
  }
}

/** Backends promise not to reject; this keeps that promise even when one breaks it. */
async function guard<T>(op: () => Promise<GpioResult<T>>, name: string): Promise<GpioResult<T>> {
  try {
    return await op();
  } catch (e) {
    return gpioError('io-error', `GPIO line "${name}": ${e instanceof Error ? e.message : String(e)}`);
  }
}
