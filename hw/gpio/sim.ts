// An in-memory gpiochip for tests, the lab and `edge-ha pair`. The host side
// claims lines through `simGpioBackend`, exactly like a real chip (one holder
// per line, inputs read what the outside world drives, outputs hold what the
// host wrote). The world side (a test, a simulated peer, the file bridge)
// drives inputs and reads outputs by line name or offset. Fault knobs make a
// line's reads or writes fail, for error-path tests.

import type { Unsubscribe } from '../ups/transport';
import { gpioError, GPIO_OK, type GpioBackend, type GpioResult, type Level, type RawGpioLine, type RawLineRequest } from './types';

export type SimLineRef = string | number;

export interface SimLineChange {
  offset: number;
  name: string;
  level: Level;
  /** `host`: written by the line's holder; `world`: driven from outside. */
  by: 'host' | 'world';
}

interface SimLine {
  name: string;
  /** What the outside world drives onto the pin (seen by an input). */
  worldLevel: Level;
  /** What the host drives (seen when the line is a claimed output). */
  hostLevel: Level;
  claimed: 'in' | 'out' | null;
  failReads: string | null;
  failWrites: string | null;
}

export class SimGpioChip {
  private readonly lines: SimLine[];
  private readonly listeners = new Set<(change: SimLineChange) => void>();

  /** `lines`: a count (names line0..) or one name per offset. */
  constructor(
    readonly chipName: string,
    lines: number | readonly string[],
  ) {
    const names = typeof lines === 'number' ? Array.from({ length: lines }, (_, i) => `line${i}`) : [...lines];
    this.lines = names.map((name) => ({ name, worldLevel: 0, hostLevel: 0, claimed: null, failReads: null, failWrites: null }));
  }

  get lineCount(): number {
    return this.lines.length;
  }

  lineName(offset: number): string {
    return this.lines[offset]?.name ?? `line${offset}`;
  }

  /** Offset of a line given by name or offset; undefined if the chip has no such line. */
  offsetOf(ref: SimLineRef): number | undefined {
    if (typeof ref === 'number') return Number.isInteger(ref) && ref >= 0 && ref < this.lines.length ? ref : undefined;
    const i = this.lines.findIndex((l) => l.name === ref);
    return i < 0 ? undefined : i;
  }

  /** World side: drive an input pin. Ignored while the host holds the line as an output (it wins). */
  drive(ref: SimLineRef, level: Level): void {
    const line = this.must(ref);
    if (line.line.worldLevel === level) return;
    line.line.worldLevel = level;
    if (line.line.claimed !== 'out') this.notify(line.offset, 'world');
  }

  /** The level on the pin now: the host's for a claimed output, else the world's. */
  level(ref: SimLineRef): Level {
    const { line } = this.must(ref);
    return line.claimed === 'out' ? line.hostLevel : line.worldLevel;
  }

  /** Who holds the line now, if anyone. */
  claimedAs(ref: SimLineRef): 'in' | 'out' | null {
    return this.must(ref).line.claimed;
  }

  /** Make reads (or writes) of a line fail with `message`; null heals it. */
  failReads(ref: SimLineRef, message: string | null): void {
    this.must(ref).line.failReads = message;
  }

  failWrites(ref: SimLineRef, message: string | null): void {
    this.must(ref).line.failWrites = message;
  }

  onChange(listener: (change: SimLineChange) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Host side, used by the backend. */
  claim(request: RawLineRequest): GpioResult<RawGpioLine> {
    const offset = this.offsetOf(request.offset);
    if (offset === undefined) {
      return gpioError('no-such-line', `GPIO line "${request.name}": ${this.chipName} has no offset ${request.offset} (it has ${this.lines.length} lines)`);
    }
    const line = this.lines[offset]!;
    if (line.claimed !== null) return gpioError('busy', `GPIO line "${request.name}": ${this.chipName} offset ${offset} is already claimed`);
    line.claimed = request.direction;
    if (request.direction === 'out') {
      line.hostLevel = request.initialLevel;
      this.notify(offset, 'host');
    }
    return { ok: true, value: new SimRawLine(this, offset, request.name, line) };
  }

  /** Internal: the raw line's hooks into the chip. */
  notify(offset: number, by: 'host' | 'world'): void {
    const line = this.lines[offset]!;
    const change: SimLineChange = { offset, name: line.name, level: this.level(offset), by };
    for (const l of [...this.listeners]) {
      try {
        l(change);
      } catch {
        // A watcher's bug is not the chip's.
      }
    }
  }

  private must(ref: SimLineRef): { offset: number; line: SimLine } {
    const offset = this.offsetOf(ref);
    if (offset === undefined) throw new Error(`simulated ${this.chipName} has no line ${JSON.stringify(ref)}`);
    return { offset, line: this.lines[offset]! };
  }
}

class SimRawLine implements RawGpioLine {
  private released = false;

  constructor(
    private readonly chip: SimGpioChip,
    private readonly offset: number,
    private readonly name: string,
    private readonly line: SimLine,
  ) {}

  async readLevel(): Promise<GpioResult<Level>> {
    if (this.released) return gpioError('closed', `GPIO line "${this.name}" is released`);
    if (this.line.failReads !== null) return gpioError('io-error', `GPIO line "${this.name}": ${this.line.failReads}`);
    return { ok: true, value: this.chip.level(this.offset) };
  }

  async writeLevel(level: Level): Promise<GpioResult<void>> {
    if (this.released) return gpioError('closed', `GPIO line "${this.name}" is released`);
    if (this.line.claimed !== 'out') return gpioError('wrong-direction', `GPIO line "${this.name}" is an input`);
    if (this.line.failWrites !== null) return gpioError('io-error', `GPIO line "${this.name}": ${this.line.failWrites}`);
    if (this.line.hostLevel !== level) {
      this.line.hostLevel = level;
      this.chip.notify(this.offset, 'host');
    }
    return GPIO_OK;
  }

  async watchLevels(onLevel: (level: Level) => void): Promise<GpioResult<Unsubscribe>> {
    if (this.released) return gpioError('closed', `GPIO line "${this.name}" is released`);
    const stop = this.chip.onChange((c) => {
      if (c.offset === this.offset && !this.released) onLevel(c.level);
    });
    return { ok: true, value: stop };
  }

  async close(): Promise<void> {
    if (this.released) return;
    this.released = true;
    this.line.claimed = null;
  }
}

/** A backend over one or more simulated chips, found by `chip` name. */
export function simGpioBackend(...chips: SimGpioChip[]): GpioBackend {
  return {
    kind: 'sim',
    async open(request) {
      const chip = chips.find((c) => c.chipName === request.chip);
      if (!chip) return gpioError('no-such-line', `GPIO line "${request.name}": no simulated chip named ${request.chip} (have ${chips.map((c) => c.chipName).join(', ') || 'none'})`);
      return chip.claim(request);
    },
  };
}
