// GPIO through onoff (legacy sysfs). onoff is an optional dependency with a
// native part (epoll), so it is required lazily: a machine without it, or
// without /sys/class/gpio, gets an `unavailable` error, not a crash at load.
// onoff's own activeLow and debounce are left off: line.ts does both for all
// backends. Numbering is sysfs base + offset (see sysfsNumber.ts).

import type { Unsubscribe } from '../ups/transport';
import { realSysfsReader, sysfsGpioNumber, type SysfsReader } from './sysfsNumber';
import { gpioError, GPIO_OK, type GpioBackend, type GpioResult, type Level, type RawGpioLine, type RawLineRequest } from './types';

/** The slice of onoff's `Gpio` we use (matches onoff 6 typings). */
export interface OnoffGpio {
  read(callback: (err: Error | null | undefined, value: number) => void): void;
  write(value: Level, callback: (err: Error | null | undefined) => void): void;
  watch(callback: (err: Error | null | undefined, value: number) => void): void;
  unwatch(callback?: (err: Error | null | undefined, value: number) => void): void;
  setEdge(edge: 'none' | 'both'): void;
  unexport(): void;
}

export interface OnoffModule {
  Gpio: new (gpio: number, direction: 'in' | 'high' | 'low', edge?: 'none' | 'both', options?: { activeLow?: boolean }) => OnoffGpio;
}

export interface OnoffBackendOptions {
  /** Defaults to `require('onoff')`; returns null when it cannot be loaded. */
  load?: () => OnoffModule | null;
  sysfs?: SysfsReader;
}

export function loadOnoff(): OnoffModule | null {
  try {
    return require('onoff') as OnoffModule;
  } catch {
    return null;
  }
}

export function onoffBackend(options: OnoffBackendOptions = {}): GpioBackend {
  const load = options.load ?? loadOnoff;
  const sysfs = options.sysfs ?? realSysfsReader;
  let cached: OnoffModule | null | undefined;
  return {
    kind: 'onoff',
    async open(request) {
      if (cached === undefined) cached = load();
      const what = `GPIO line "${request.name}" (${request.chip} offset ${request.offset})`;
      if (cached === null) return gpioError('unavailable', `${what}: the onoff module is not installed (optional dependency); use the gpiod backend`);
      if (request.bias !== 'as-is') return gpioError('invalid-config', `${what}: sysfs cannot set bias ${request.bias}; use the gpiod backend`);
      const n = sysfsGpioNumber(request.chip, request.offset, sysfs);
      if (!n.ok) return gpioError('no-such-line', `${what}: ${n.error}`);
      try {
        const direction = request.direction === 'in' ? 'in' : request.initialLevel === 1 ? 'high' : 'low';
        const gpio = new cached.Gpio(n.value, direction, 'none', { activeLow: false });
        return { ok: true, value: new OnoffLine(gpio, request, `${what}, sysfs gpio${n.value}`) };
      } catch (e) {
        return gpioError(/EBUSY/.test(String(e)) ? 'busy' : 'io-error', `cannot claim ${what} as sysfs gpio${n.value}: ${(e as Error).message}`);
      }
    },
  };
}

class OnoffLine implements RawGpioLine {
  private closed = false;

  constructor(
    private readonly gpio: OnoffGpio,
    private readonly req: RawLineRequest,
    private readonly what: string,
  ) {}

  readLevel(): Promise<GpioResult<Level>> {
    if (this.closed) return Promise.resolve(gpioError('closed', `${this.what} is released`));
    return new Promise((resolve) => {
      try {
        this.gpio.read((e, value) => resolve(e ? gpioError('io-error', `cannot read ${this.what}: ${e.message}`) : { ok: true, value: value ? 1 : 0 }));
      } catch (e) {
        resolve(gpioError('io-error', `cannot read ${this.what}: ${(e as Error).message}`));
      }
    });
  }

  writeLevel(level: Level): Promise<GpioResult<void>> {
    if (this.closed) return Promise.resolve(gpioError('closed', `${this.what} is released`));
    if (this.req.direction !== 'out') return Promise.resolve(gpioError('wrong-direction', `${this.what} is an input`));
    return new Promise((resolve) => {
      try {
        this.gpio.write(level, (e) => resolve(e ? gpioError('io-error', `cannot write ${this.what}: ${e.message}`) : GPIO_OK));
      } catch (e) {
        resolve(gpioError('io-error', `cannot write ${this.what}: ${(e as Error).message}`));
      }
    });
  }

  async watchLevels(onLevel: (level: Level) => void, onError: (e: { kind: 'io-error'; message: string }) => void): Promise<GpioResult<Unsubscribe>> {
    if (this.closed) return gpioError('closed', `${this.what} is released`);
    if (this.req.direction !== 'in') return gpioError('wrong-direction', `${this.what} is an output`);
    const callback = (e: Error | null | undefined, value: number): void => {
      if (e) onError({ kind: 'io-error', message: `watching ${this.what} failed: ${e.message}` });
      else onLevel(value ? 1 : 0);
    };
    try {
      this.gpio.setEdge('both');
      this.gpio.watch(callback);
    } catch (e) {
      return gpioError('io-error', `cannot watch ${this.what} (does the pin support interrupts?): ${(e as Error).message}`);
    }
    return {
      ok: true,
      value: () => {
        try {
          this.gpio.unwatch(callback);
          this.gpio.setEdge('none');
        } catch {
          // Stopping a watch on a line that vanished is nothing to report.
        }
      },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      this.gpio.unexport();
    } catch {
      // Already unexported (or sysfs gone): the line is released either way.
    }
  }
}
