// One GPIO line as the rest of edge-ha sees it, whatever drives it: onoff
// (sysfs), the Debian gpiod 1.6 command-line tools (character device) or the
// in-memory simulator. Values are *logical*: `true` means active (LED lit,
// relay energised, power good), after active-low is applied. Backends only
// move physical levels (0/1) through `RawGpioLine`; active-low and debounce
// live once, in line.ts, so every backend behaves the same.

import type { Result } from '../ups/result';
import type { Unsubscribe } from '../ups/transport';

export type Level = 0 | 1;

export type GpioErrorKind =
  | 'unavailable' // the backend cannot work here (no onoff module, no gpiochip, tool missing)
  | 'no-such-line' // chip or offset does not exist
  | 'busy' // another holder owns the line
  | 'wrong-direction' // write to an input, watch an output
  | 'invalid-config'
  | 'io-error'
  | 'closed';

export interface GpioError {
  kind: GpioErrorKind;
  message: string;
}

export type GpioResult<T> = Result<T, GpioError>;

export type GpioEvent =
  /** A debounced change: `active` is the new logical value, `atMs` when it was accepted. */
  | { type: 'edge'; active: boolean; atMs: number }
  /** The watch broke (monitor process died, line vanished); no more edges follow. */
  | { type: 'error'; error: GpioError };

export type Bias = 'as-is' | 'disable' | 'pull-up' | 'pull-down';

/**
 * Where a line is. `chip` is a character-device chip name (`gpiochip0`) or, for
 * onoff, a sysfs chip directory (`gpiochip512`) or chip label; `offset` is the
 * line's offset within that chip, never a board header pin number.
 */
export interface GpioLineSpec {
  chip: string;
  offset: number;
}

export interface GpioInputConfig extends GpioLineSpec {
  name: string;
  direction: 'in';
  activeLow?: boolean;
  /** A change is reported once the level has been stable this long (0: at once). */
  debounceMs?: number;
  bias?: Bias;
}

export interface GpioOutputConfig extends GpioLineSpec {
  name: string;
  direction: 'out';
  activeLow?: boolean;
  /** Logical value driven as the line is claimed; inactive unless said. */
  initialActive?: boolean;
}

export type GpioLineConfig = GpioInputConfig | GpioOutputConfig;

/** Every method resolves; none rejects or throws. */
export interface GpioLine {
  readonly name: string;
  readonly direction: 'in' | 'out';
  readonly activeLow: boolean;
  /** Inputs: the level now (not debounced). Outputs: the value last driven. */
  read(): Promise<GpioResult<boolean>>;
  /** Outputs only. */
  write(active: boolean): Promise<GpioResult<void>>;
  /** Inputs only: debounced edges. An output answers with one `error` event. */
  watch(listener: (event: GpioEvent) => void): Unsubscribe;
  /** Release the line (outputs keep no guaranteed level after this). */
  close(): Promise<void>;
}

/** What a backend is asked for: the spec, and for outputs the physical level to start at. */
export interface RawLineRequest extends GpioLineSpec {
  /** For messages: the config name of the line. */
  name: string;
  direction: 'in' | 'out';
  initialLevel: Level;
  bias: Bias;
}

/** A backend's line: physical levels only. */
export interface RawGpioLine {
  readLevel(): Promise<GpioResult<Level>>;
  writeLevel(level: Level): Promise<GpioResult<void>>;
  /** Report raw level changes; resolves once watching has started, or with why not. */
  watchLevels(onLevel: (level: Level) => void, onError: (error: GpioError) => void): Promise<GpioResult<Unsubscribe>>;
  close(): Promise<void>;
}

export interface GpioBackend {
  /** `sim`, `gpiod-cli`, `onoff`: for messages. */
  readonly kind: string;
  open(request: RawLineRequest): Promise<GpioResult<RawGpioLine>>;
}

export function gpioError(kind: GpioErrorKind, message: string): { ok: false; error: GpioError } {
  return { ok: false, error: { kind, message } };
}

export const GPIO_OK: { ok: true; value: undefined } = Object.freeze({ ok: true, value: undefined }) as { ok: true; value: undefined };
