// A link with every fault a real one can have, for unit tests of sessions,
// fence agents and ReconnectingLink. The device side is scripted: `receive`
// bytes whole or in pieces (partial frames), `garbage`, a `responder` that
// answers each write after `replyDelayMs` on the injected clock (slow
// replies), `failWrites` (write errors), `disconnect` (unplug). Every write is
// recorded. The modem part records each change with its time and can be made
// to fail the way a pty does (ENOTTY) or an unplugged port does.

import type { Schedule } from '../ups/schedule';
import type { DataListener, Unsubscribe } from '../ups/transport';
import { CloseNotifier, DataFanout } from './fanout';
import { checkLineSettings } from './lineSettings';
import { checkBreakMs } from './modemLines';
import { DEFAULT_LINE_SETTINGS, LINK_OK, LinkOpenError, linkError, type LineControl, type LineSettings, type LinkResult, type ModemLines, type ModemStatus, type SerialLink } from './types';

export interface FakeClock {
  schedule: Schedule;
  nowMs: () => number;
}

export type ModemChange = { atMs: number; signal: 'DTR' | 'RTS' | 'BREAK'; asserted: boolean };

export class FakeModemLines implements ModemLines {
  /** Every successful change, in order. */
  readonly history: ModemChange[] = [];
  dtr = true;
  rts = true;
  inputs: ModemStatus = { cts: false, dsr: false, dcd: false };
  /** When set, every call fails as an ioctl with this message (e.g. "Inappropriate ioctl for device"). */
  failure: string | null = null;

  constructor(private readonly clock: FakeClock) {}

  setDtr(asserted: boolean): Promise<LinkResult<void>> {
    return this.change('DTR', asserted, () => (this.dtr = asserted));
  }

  setRts(asserted: boolean): Promise<LinkResult<void>> {
    return this.change('RTS', asserted, () => (this.rts = asserted));
  }

  async read(): Promise<LinkResult<ModemStatus>> {
    if (this.failure !== null) return linkError('ioctl-failed', `cannot read CTS/DSR/DCD on fake link: ${this.failure}`);
    return { ok: true, value: { ...this.inputs } };
  }

  async sendBreak(durationMs: number): Promise<LinkResult<void>> {
    const bad = checkBreakMs(durationMs);
    if (bad) return { ok: false, error: bad };
    const start = await this.change('BREAK', true, () => undefined);
    if (!start.ok) return start;
    await new Promise<void>((resolve) => this.clock.schedule(durationMs, resolve));
    return this.change('BREAK', false, () => undefined);
  }

  private async change(signal: ModemChange['signal'], asserted: boolean, apply: () => void): Promise<LinkResult<void>> {
    if (this.failure !== null) return linkError('ioctl-failed', `cannot set ${signal} ${asserted ? 'on' : 'off'} on fake link: ${this.failure}`);
    apply();
    this.history.push({ atMs: this.clock.nowMs(), signal, asserted });
    return LINK_OK;
  }
}

/** Line settings that change freely (like a real UART) and record each change; `failure` refuses them. */
export class FakeLineControl implements LineControl {
  readonly applied: LineSettings[] = [];
  failure: string | null = null;

  constructor(
    private readonly where: string,
    private current: LineSettings,
  ) {}

  get settings(): LineSettings {
    return { ...this.current };
  }

  async apply(changes: Partial<LineSettings>): Promise<LinkResult<LineSettings>> {
    const next = checkLineSettings(changes, this.current);
    if (!next.ok) return linkError('invalid-argument', `${this.where}: ${next.error}`);
    if (this.failure !== null) return linkError('io-error', `${this.where}: ${this.failure}`);
    this.current = next.value;
    this.applied.push({ ...next.value });
    return { ok: true, value: this.settings };
  }
}

export interface FakeLinkOptions {
  clock: FakeClock;
  description?: string;
  settings?: LineSettings;
  maxEarlyBytes?: number;
  /** Answer each write (return null for silence). */
  responder?: (written: Uint8Array) => Uint8Array | null;
  replyDelayMs?: number;
}

export class FakeLink implements SerialLink {
  readonly description: string;
  readonly line: FakeLineControl;
  readonly modem: FakeModemLines;
  /** Every chunk the host wrote, in order (a rejected write is not recorded). */
  readonly written: Uint8Array[] = [];
  responder: ((written: Uint8Array) => Uint8Array | null) | null;
  replyDelayMs: number;
  /** When set, writes reject with this message. */
  writeFailure: string | null = null;
  private readonly fanout: DataFanout;
  private readonly closing = new CloseNotifier();

  constructor(private readonly o: FakeLinkOptions) {
    this.description = o.description ?? 'fake link';
    this.line = new FakeLineControl(this.description, o.settings ?? DEFAULT_LINE_SETTINGS);
    this.modem = new FakeModemLines(o.clock);
    this.fanout = new DataFanout(o.maxEarlyBytes);
    this.responder = o.responder ?? null;
    this.replyDelayMs = o.replyDelayMs ?? 0;
  }

  get isOpen(): boolean {
    return this.closing.reason === null;
  }

  get closeReason(): string | null {
    return this.closing.reason;
  }

  get stats(): { droppedBytes: number } {
    return { droppedBytes: this.fanout.droppedBytes };
  }

  /** All bytes written so far, as one array. */
  writtenBytes(): Uint8Array {
    return Uint8Array.from(this.written.flatMap((c) => [...c]));
  }

  write(bytes: Uint8Array): Promise<void> {
    if (!this.isOpen) return Promise.reject(new Error(`${this.description} is closed (${this.closing.reason})`));
    if (this.writeFailure !== null) return Promise.reject(new Error(`write to ${this.description} failed: ${this.writeFailure}`));
    const copy = Uint8Array.from(bytes);
    this.written.push(copy);
    const answer = this.responder?.(copy) ?? null;
    if (answer !== null) this.o.clock.schedule(this.replyDelayMs, () => this.receive(answer));
    return Promise.resolve();
  }

  onData(listener: DataListener): Unsubscribe {
    return this.fanout.subscribe(listener);
  }

  onClose(listener: (reason: string) => void): Unsubscribe {
    return this.closing.subscribe(listener);
  }

  close(): void {
    if (!this.isOpen) return;
    this.closing.fire('closed by us');
    this.fanout.stop();
  }

  /** The device sends `bytes` (ignored once closed). */
  receive(bytes: Uint8Array | string): void {
    if (!this.isOpen) return;
    this.fanout.deliver(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
  }

  /** The device sends `bytes` cut into pieces of the given sizes (the rest last), each `gapMs` apart. */
  receiveInPieces(bytes: Uint8Array | string, sizes: readonly number[], gapMs = 0): void {
    const all = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
    let at = 0;
    let delay = 0;
    for (const size of [...sizes, all.length]) {
      if (at >= all.length) break;
      const piece = all.subarray(at, Math.min(all.length, at + Math.max(1, size)));
      at += piece.length;
      if (delay === 0 && gapMs === 0) this.receive(piece);
      else this.o.clock.schedule(delay, () => this.receive(piece));
      delay += gapMs;
    }
  }

  /** `count` bytes from `random` (0..1), as line noise would deliver. */
  garbage(count: number, random: () => number): void {
    const out = new Uint8Array(count);
    for (let i = 0; i < count; i++) out[i] = Math.floor(random() * 256) & 0xff;
    this.receive(out);
  }

  /** The port goes away (unplug, pty closed): listeners learn `reason`. */
  disconnect(reason = 'disconnected: bad file descriptor'): void {
    if (!this.isOpen) return;
    this.fanout.stop();
    this.closing.fire(`${this.description} ${reason}`);
  }
}

/**
 * Hands out FakeLinks. `openFailure` makes opens reject (a missing path:
 * `{kind:'not-found', ...}`) until cleared; `links` keeps every link opened.
 */
export class FakeLinkFactory {
  readonly links: FakeLink[] = [];
  openFailure: { kind: LinkOpenError['kind']; message: string } | null = null;
  opens = 0;
  /** Called with each new link before it is handed out (to set its faults). */
  onOpen: ((link: FakeLink) => void) | null = null;

  constructor(private readonly options: FakeLinkOptions) {}

  get latest(): FakeLink | undefined {
    return this.links[this.links.length - 1];
  }

  readonly open: () => Promise<FakeLink> = () => {
    this.opens++;
    if (this.openFailure) return Promise.reject(new LinkOpenError(this.openFailure.kind, this.openFailure.message));
    const link = new FakeLink(this.options);
    this.onOpen?.(link);
    this.links.push(link);
    return Promise.resolve(link);
  };
}
