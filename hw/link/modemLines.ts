// Modem lines of a real serial port through serialport's set/get, and the
// stand-in for links that have none. serialport's `set` writes DTR, RTS and
// BREAK together on every call (unlisted flags fall back to DTR/RTS asserted,
// BREAK off), so we keep what we last asked for and always send all three:
// raising RTS must not silently raise DTR with it.

import type { Schedule } from '../ups/schedule';
import { LINK_OK, linkError, type LinkError, type LinkResult, type ModemLines, type ModemStatus } from './types';

/** The part of a serialport `SerialPort` the modem lines need. */
export interface ModemPort {
  readonly isOpen: boolean;
  set(options: { dtr: boolean; rts: boolean; brk: boolean }, callback: (err: Error | null) => void): void;
  get(callback: (err: Error | null, status?: Partial<ModemStatus> | null) => void): void;
}

/** Longest BREAK we agree to hold; Heartbeat sends a short one, seconds would be a config mistake. */
export const MAX_BREAK_MS = 10_000;

export class PortModemLines implements ModemLines {
  private dtr = true;
  private rts = true;

  constructor(
    private readonly port: ModemPort,
    private readonly where: string,
    private readonly schedule: Schedule,
  ) {}

  async setDtr(asserted: boolean): Promise<LinkResult<void>> {
    const r = await this.apply({ dtr: asserted, rts: this.rts, brk: false }, `set DTR ${asserted ? 'on' : 'off'}`);
    if (r.ok) this.dtr = asserted;
    return r;
  }

  async setRts(asserted: boolean): Promise<LinkResult<void>> {
    const r = await this.apply({ dtr: this.dtr, rts: asserted, brk: false }, `set RTS ${asserted ? 'on' : 'off'}`);
    if (r.ok) this.rts = asserted;
    return r;
  }

  read(): Promise<LinkResult<ModemStatus>> {
    if (!this.port.isOpen) return Promise.resolve(linkError('closed', `cannot read modem lines: ${this.where} is not open`));
    return new Promise((resolve) => {
      try {
        this.port.get((e, status) => {
          if (e) resolve({ ok: false, error: classify(e, 'read CTS/DSR/DCD', this.where) });
          else resolve({ ok: true, value: { cts: status?.cts === true, dsr: status?.dsr === true, dcd: status?.dcd === true } });
        });
      } catch (e) {
        resolve({ ok: false, error: classify(e, 'read CTS/DSR/DCD', this.where) });
      }
    });
  }

  async sendBreak(durationMs: number): Promise<LinkResult<void>> {
    const bad = checkBreakMs(durationMs);
    if (bad) return { ok: false, error: bad };
    const start = await this.apply({ dtr: this.dtr, rts: this.rts, brk: true }, 'start BREAK');
    if (!start.ok) {
      // The kernel may have entered BREAK before the modem-bit ioctl failed: always try to leave it.
      await this.apply({ dtr: this.dtr, rts: this.rts, brk: false }, 'end BREAK');
      return start;
    }
    await new Promise<void>((resolve) => this.schedule(durationMs, resolve));
    return this.apply({ dtr: this.dtr, rts: this.rts, brk: false }, 'end BREAK');
  }

  private apply(flags: { dtr: boolean; rts: boolean; brk: boolean }, what: string): Promise<LinkResult<void>> {
    if (!this.port.isOpen) return Promise.resolve(linkError('closed', `cannot ${what}: ${this.where} is not open`));
    return new Promise((resolve) => {
      try {
        this.port.set(flags, (e) => resolve(e ? { ok: false, error: classify(e, what, this.where) } : LINK_OK));
      } catch (e) {
        resolve({ ok: false, error: classify(e, what, this.where) });
      }
    });
  }
}

/** Modem lines of a link that has none (TCP, a pipe); every call says so. */
export function noModemLines(why: string): ModemLines {
  const no = (what: string) => Promise.resolve(linkError('unsupported', `cannot ${what}: ${why}`));
  return {
    setDtr: (on) => no(`set DTR ${on ? 'on' : 'off'}`),
    setRts: (on) => no(`set RTS ${on ? 'on' : 'off'}`),
    read: () => no('read CTS/DSR/DCD'),
    sendBreak: () => no('send BREAK'),
  };
}

export function checkBreakMs(durationMs: number): LinkError | null {
  if (!Number.isFinite(durationMs) || durationMs <= 0 || durationMs > MAX_BREAK_MS) {
    return { kind: 'invalid-argument', message: `BREAK duration must be 1..${MAX_BREAK_MS} ms, got ${durationMs}` };
  }
  return null;
}

/** ENOTTY is what a pty (or a pipe) answers: the device has no modem lines at all. */
function classify(e: unknown, what: string, where: string): LinkError {
  const message = e instanceof Error ? e.message : String(e);
  if (/not open/i.test(message)) return { kind: 'closed', message: `cannot ${what}: ${where} is not open` };
  if (/Inappropriate ioctl|ENOTTY/i.test(message)) {
    return { kind: 'ioctl-failed', message: `cannot ${what} on ${where}: the device has no modem lines (a pseudo-terminal has none): ${message}` };
  }
  return { kind: 'ioctl-failed', message: `cannot ${what} on ${where}: ${message}` };
}
