// The real serial port backend, on serialport 13 with `lock` on (a second
// opener gets "Cannot lock port" instead of silently sharing the line). On an
// unplug or a dead pty, serialport emits `close` with a DisconnectedError;
// that becomes onClose(reason) here, and ReconnectingLink takes it from there.
// Baud can change on an open port (serialport `update`); data bits, parity and
// stop bits are fixed at open, so changing them means opening a new link.

import { SerialPort } from 'serialport';
import { timerSchedule, type Schedule } from '../ups/schedule';
import type { DataListener, Unsubscribe } from '../ups/transport';
import { CloseNotifier, DataFanout } from './fanout';
import { checkLineSettings, formatLineSettings } from './lineSettings';
import { PortModemLines, type ModemPort } from './modemLines';
import { LinkOpenError, linkError, type LineControl, type LineSettings, type LinkFactory, type LinkResult, type ModemLines, type SerialLink } from './types';

/** What we use of a serialport `SerialPort` (SerialPortMock fits too). */
export interface SerialPortLike extends ModemPort {
  open(callback: (err: Error | null) => void): void;
  close(callback?: (err: Error | null) => void): void;
  write(data: Buffer, callback: (err: Error | null | undefined) => void): boolean;
  update(options: { baudRate: number }, callback: (err: Error | null) => void): void;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'close', listener: (err?: (Error & { disconnected?: boolean }) | null) => void): unknown;
  on(event: 'error' | 'end', listener: (err?: Error) => void): unknown;
}

export interface SerialPortOpenSettings extends LineSettings {
  path: string;
  autoOpen: false;
  lock: true;
  rtscts: boolean;
  hupcl: boolean;
}

export type SerialPortConstructor = new (options: SerialPortOpenSettings) => SerialPortLike;

export interface SerialPortLinkOptions {
  path: string;
  settings?: Partial<LineSettings>;
  /** Hardware flow control (Heartbeat's serial medium wants it). */
  rtscts?: boolean;
  /** Drop DTR on close (the termios default); off keeps a DTR-powered cable alive. */
  hupcl?: boolean;
  /** Use these modem lines instead of the port's own (a pty has none). */
  modemLines?: ModemLines;
  schedule?: Schedule;
  openTimeoutMs?: number;
  maxEarlyBytes?: number;
  /** Tests: a SerialPort-compatible class. */
  portClass?: SerialPortConstructor;
}

export function serialPortLink(options: SerialPortLinkOptions): LinkFactory {
  return () => openSerialPortLink(options);
}

export async function openSerialPortLink(options: SerialPortLinkOptions): Promise<SerialLink> {
  const settings = checkLineSettings(options.settings ?? {});
  if (!settings.ok) throw new LinkOpenError('invalid-config', `serial ${options.path}: ${settings.error}`);
  if (typeof options.path !== 'string' || options.path.trim() === '') throw new LinkOpenError('invalid-config', 'serial link needs a device path');
  const schedule = options.schedule ?? timerSchedule;
  const Port = options.portClass ?? (SerialPort as unknown as SerialPortConstructor);
  let port: SerialPortLike;
  try {
    port = new Port({ path: options.path, ...settings.value, autoOpen: false, lock: true, rtscts: options.rtscts === true, hupcl: options.hupcl !== false });
  } catch (e) {
    throw new LinkOpenError('invalid-config', `serial ${options.path}: ${(e as Error).message}`);
  }
  // Listen before opening so a device that talks at once loses nothing.
  const link = new SerialPortLink(port, options, settings.value, schedule);
  await new Promise<void>((resolve, reject) => {
    let done = false;
    const cancel = schedule(options.openTimeoutMs ?? 5000, () => {
      if (done) return;
      done = true;
      port.close(() => undefined);
      reject(new LinkOpenError('timeout', `serial ${options.path}: open did not finish within ${options.openTimeoutMs ?? 5000} ms`));
    });
    port.open((e) => {
      if (done) return;
      done = true;
      cancel();
      if (e) reject(classifyOpenError(options.path, e));
      else resolve();
    });
  });
  return link;
}

class SerialPortLink implements SerialLink {
  readonly description: string;
  readonly line: LineControl;
  readonly modem: ModemLines;
  private readonly fanout: DataFanout;
  private readonly closing = new CloseNotifier();
  private lastError: string | null = null;

  constructor(
    private readonly port: SerialPortLike,
    options: SerialPortLinkOptions,
    settings: LineSettings,
    schedule: Schedule,
  ) {
    this.description = `serial ${options.path}`;
    this.fanout = new DataFanout(options.maxEarlyBytes);
    this.modem = options.modemLines ?? new PortModemLines(port, options.path, schedule);
    this.line = new PortLineControl(port, this.description, settings);
    port.on('data', (chunk) => this.fanout.deliver(chunk));
    port.on('error', (e) => {
      // Handled here so an 'error' with no callback never becomes an uncaught exception.
      this.lastError = e?.message ?? 'unknown error';
    });
    port.on('end', () => this.lost('the device reported end of data (zero-byte read)'));
    port.on('close', (e) => {
      if (e?.disconnected) this.lost(`disconnected: ${e.message}`);
      else this.lost(e ? `closed: ${e.message}` : this.lastError ? `closed after error: ${this.lastError}` : 'closed');
    });
  }

  get isOpen(): boolean {
    return this.closing.reason === null && this.port.isOpen;
  }

  get stats(): { droppedBytes: number } {
    return { droppedBytes: this.fanout.droppedBytes };
  }

  write(bytes: Uint8Array): Promise<void> {
    if (!this.isOpen) return Promise.reject(new Error(`${this.description} is closed${this.closing.reason ? ` (${this.closing.reason})` : ''}`));
    return new Promise((resolve, reject) => {
      try {
        this.port.write(Buffer.from(bytes), (e) => (e ? reject(new Error(`write to ${this.description} failed: ${e.message}`)) : resolve()));
      } catch (e) {
        reject(new Error(`write to ${this.description} failed: ${(e as Error).message}`));
      }
    });
  }

  onData(listener: DataListener): Unsubscribe {
    return this.fanout.subscribe(listener);
  }

  onClose(listener: (reason: string) => void): Unsubscribe {
    return this.closing.subscribe(listener);
  }

  close(): void {
    if (this.closing.reason !== null) return;
    this.closing.fire('closed by us');
    this.fanout.stop();
    try {
      if (this.port.isOpen) this.port.close(() => undefined);
    } catch {
      // A port that is already going away is closed enough.
    }
  }

  private lost(why: string): void {
    if (this.closing.reason !== null) return;
    this.fanout.stop();
    this.closing.fire(`${this.description} ${why}`);
    try {
      if (this.port.isOpen) this.port.close(() => undefined);
    } catch {
      // As in close().
    }
  }
}

class PortLineControl implements LineControl {
  constructor(
    private readonly port: SerialPortLike,
    private readonly where: string,
    private current: LineSettings,
  ) {}

  get settings(): LineSettings {
    return { ...this.current };
  }

  async apply(changes: Partial<LineSettings>): Promise<LinkResult<LineSettings>> {
    const next = checkLineSettings(changes, this.current);
    if (!next.ok) return linkError('invalid-argument', `${this.where}: ${next.error}`);
    const n = next.value;
    if (n.dataBits !== this.current.dataBits || n.parity !== this.current.parity || n.stopBits !== this.current.stopBits) {
      return linkError('unsupported', `${this.where}: data bits, parity and stop bits are set at open (now ${formatLineSettings(this.current)}); open a new link for ${formatLineSettings(n)}`);
    }
    if (n.baudRate === this.current.baudRate) return { ok: true, value: this.settings };
    if (!this.port.isOpen) return linkError('closed', `${this.where} is not open`);
    return new Promise((resolve) => {
      try {
        this.port.update({ baudRate: n.baudRate }, (e) => {
          if (e) return resolve(linkError('io-error', `${this.where}: cannot set ${n.baudRate} baud: ${e.message}`));
          this.current = n;
          resolve({ ok: true, value: this.settings });
        });
      } catch (e) {
        resolve(linkError('io-error', `${this.where}: cannot set ${n.baudRate} baud: ${(e as Error).message}`));
      }
    });
  }
}

export function classifyOpenError(path: string, e: Error): LinkOpenError {
  const m = e.message;
  if (/ENOENT|No such file/i.test(m)) return new LinkOpenError('not-found', `serial ${path}: no such device (unplugged, or the pty is gone)`);
  if (/Cannot lock port|EBUSY|Resource temporarily unavailable/i.test(m)) return new LinkOpenError('busy', `serial ${path}: in use by another process (${m})`);
  if (/EACCES|Permission denied/i.test(m)) return new LinkOpenError('permission', `serial ${path}: permission denied (is the user in group dialout?)`);
  return new LinkOpenError('other', `serial ${path}: cannot open: ${m}`);
}
