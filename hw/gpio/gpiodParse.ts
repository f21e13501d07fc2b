// Reading what the Debian 12 gpiod 1.6.3 tools print. gpioget prints one
// 0/1 per requested offset; gpiomon's default format is
//   event:  RISING EDGE offset: 17 timestamp: [    1234.000000001]
//   event: FALLING EDGE offset: 17 timestamp: [    1234.500000000]
// (the "%s" of " RISING EDGE" / "FALLING EDGE" keeps the columns aligned).
// Errors arrive on stderr as "<tool>: <what>: <strerror>". Nothing here throws.

import { err, ok, type Result } from '../ups/result';
import type { GpioError, Level } from './types';

export interface GpiomonEvent {
  edge: 'rising' | 'falling';
  offset: number;
  /** Kernel event timestamp (CLOCK_MONOTONIC in libgpiod 1.6), in ms. */
  timestampMs: number;
}

const EVENT_LINE = /^event:\s+(RISING|FALLING) EDGE offset: (\d{1,5}) timestamp: \[\s*(\d{1,12})\.(\d{9})\]$/;

export function parseGpiomonLine(line: string): Result<GpiomonEvent, string> {
  const m = EVENT_LINE.exec(line.trimEnd());
  if (!m) return err(`not a gpiomon event line: ${JSON.stringify(line.slice(0, 80))}`);
  const [, edge, offset, sec, nsec] = m;
  return ok({ edge: edge === 'RISING' ? 'rising' : 'falling', offset: Number(offset), timestampMs: Number(sec) * 1000 + Number(nsec) / 1e6 });
}

/** gpioget for one offset: exactly "0" or "1" and a newline. */
export function parseGpiogetOutput(stdout: string): Result<Level, string> {
  const t = stdout.trim();
  if (t === '0') return ok(0);
  if (t === '1') return ok(1);
  return err(`gpioget printed ${JSON.stringify(stdout.slice(0, 40))}, expected 0 or 1`);
}

/** Turn a tool's stderr (or start failure) into a typed error naming the line. */
export function classifyGpiodFailure(tool: string, what: string, stderr: string, failure?: string): GpioError {
  const text = (failure ?? stderr).trim().split('\n').slice(-2).join(' ').slice(0, 300) || `${tool} failed with no message`;
  const message = `${what}: ${text}`;
  if (failure && /not found/.test(failure)) return { kind: 'unavailable', message: `${what}: ${tool} is not installed (Debian package gpiod)` };
  if (/Device or resource busy|EBUSY/i.test(text)) return { kind: 'busy', message };
  if (/Permission denied|EACCES|EPERM/i.test(text)) return { kind: 'unavailable', message };
  if (/No such file|No such device|unable to open chip|invalid GPIO offset|Invalid argument|out of range/i.test(text)) {
    return { kind: 'no-such-line', message };
  }
  return { kind: 'io-error', message };
}

/**
 * Cuts a tool's stdout into lines, holding at most `maxLineChars` of an
 * unfinished line; a longer line is dropped (and counted), not kept growing.
 */
export class BoundedLineSplitter {
  private partial = '';
  private overflowing = false;
  private droppedLines = 0;

  constructor(private readonly maxLineChars = 512) {}

  get dropped(): number {
    return this.droppedLines;
  }

  push(text: string): string[] {
    const out: string[] = [];
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      const piece = nl < 0 ? text.slice(start) : text.slice(start, nl);
      if (!this.overflowing) {
        this.partial += piece;
        if (this.partial.length > this.maxLineChars) {
          this.overflowing = true;
          this.partial = '';
        }
      }
      if (nl < 0) return out;
      if (this.overflowing) this.droppedLines++;
      else out.push(this.partial);
      this.partial = '';
      this.overflowing = false;
      start = nl + 1;
    }
  }
}
