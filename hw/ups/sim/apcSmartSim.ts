// An APC Smart UPS on the other end of the wire: `Y` → `SM`, one byte per
// query answered with CR LF, `NA` for what it does not know, `a` listing its
// commands, and the alert bytes of §4.4 sent on power events. K, Z and ^N act
// only when repeated more than 1.5 s apart. Fault knobs: silent, garbage, NA
// to everything (`unsupported`), slow replies, chunked output, alerts injected
// at any byte position of the next reply, and unsolicited alerts.

import type { Schedule } from '../schedule';
import { asciiBytes, type DataListener, type Unsubscribe } from '../transport';
import type { ApcSimState } from './apcWire';
import { encodeApcStatus } from '../apcsmart/status';
import { defaultFaults, SimOutput, type SimOutputFaults } from './simOutput';
import type { SimDevice } from './simTransport';

export interface ApcSmartSimFaults extends SimOutputFaults {
  /** Ignore everything but `Y` until smart mode is entered, as a real unit does. */
  requireSmartMode: boolean;
}

const OL = 0x08;
const OB = 0x10;
const LB = 0x40;
const CAL = 0x01;
const DANGEROUS_MIN_GAP_MS = 1500;
const DANGEROUS_WINDOW_MS = 15_000;
const ACTIONS = 'YRQaWAUDSKZ\x0e@\x7f';

export class ApcSmartSim implements SimDevice {
  readonly faults: ApcSmartSimFaults;
  /** Every command byte received, as chars. */
  readonly received: string[] = [];
  private readonly output: SimOutput;
  private smart = false;
  private injections: { chars: string; position: number }[] = [];
  private armed: { byte: string; ready: boolean; cancel: () => void } | null = null;
  private atDigits: string | null = null;
  private cancelShutdown: (() => void) | null = null;
  private bitsBeforeOff: number | null = null;

  constructor(
    readonly state: ApcSimState,
    private readonly deps: { schedule: Schedule },
    faults: Partial<ApcSmartSimFaults> = {},
  ) {
    this.faults = { ...defaultFaults(faults), requireSmartMode: faults.requireSmartMode ?? true };
    this.output = new SimOutput(deps.schedule, () => this.faults);
  }

  get inSmartMode(): boolean {
    return this.smart;
  }

  get isLoadOn(): boolean {
    return this.bitsBeforeOff === null;
  }

  onOutput(listener: DataListener): Unsubscribe {
    return this.output.onOutput(listener);
  }

  receive(bytes: Uint8Array): void {
    for (const byte of bytes) this.handle(String.fromCharCode(byte));
  }

  /** Mains lost or back: flips OL/OB and sends `!` or `$`. */
  setOnBattery(on: boolean): void {
    this.state.statusBits = on ? (this.state.statusBits & ~OL) | OB : (this.state.statusBits & ~OB) | OL;
    this.sendAlert(on ? '!' : '$');
  }

  setLowBattery(low: boolean): void {
    this.state.statusBits = low ? this.state.statusBits | LB : this.state.statusBits & ~LB;
    this.sendAlert(low ? '%' : '+');
  }

  /** Unprompted bytes, e.g. `#` (replace battery) or `?`. */
  sendAlert(chars: string): void {
    this.output.unsolicited(asciiBytes(chars));
  }

  /** Put `chars` at byte `position` of the next reply (0 = before it; past the end = after its LF). */
  injectIntoNextReply(chars: string, position: number): void {
    this.injections.push({ chars, position });
  }

  private handle(ch: string): void {
    this.received.push(ch);
    if (this.atDigits !== null) return this.collectAtDigit(ch);
    if (ch === 'Y') {
      this.smart = true;
      return this.reply('SM');
    }
    if (this.faults.requireSmartMode && !this.smart) return;
    if (ch === '\x1b') return;
    if (this.faults.reply === 'unsupported') return this.reply('NA');
    const answer = this.state.answers.get(ch);
    if (answer !== undefined) return this.reply(answer);
    if (!this.action(ch)) this.reply('NA');
  }

  /** Commands that are not plain queries; false when the byte means nothing to this UPS. */
  private action(ch: string): boolean {
    switch (ch) {
      case 'R':
        this.smart = false;
        this.reply('BYE');
        break;
      case 'Q':
        this.reply(encodeApcStatus(this.state.statusBits));
        break;
      case 'a':
        this.reply(`3.!$%+?=#|.${this.commandSet()}`);
        break;
      case 'W':
      case 'A':
        this.reply('OK');
        break;
      case 'U': // simulated power failure: `!` now, `$` when it ends
        this.setOnBattery(true);
        this.deps.schedule(2_000, () => this.setOnBattery(false));
        break;
      case 'D':
        this.toggleCalibration();
        break;
      case 'S': // soft shutdown works on battery only
        if ((this.state.statusBits & OB) === 0) this.reply('NA');
        else {
          this.startShutdown();
          this.reply('OK');
        }
        break;
      case '@':
        this.atDigits = '';
        break;
      case '\x7f':
        this.cancelShutdown?.();
        this.cancelShutdown = null;
        this.reply('OK');
        break;
      case 'K':
      case 'Z':
      case '\x0e':
        this.dangerous(ch);
        break;
      default:
        return false;
    }
    return true;
  }

  private commandSet(): string {
    return [...new Set([...this.state.answers.keys(), ...ACTIONS])].join('');
  }

  private collectAtDigit(ch: string): void {
    if (!/^\d$/.test(ch)) {
      this.atDigits = null;
      return this.reply('NA');
    }
    const digits = `${this.atDigits ?? ''}${ch}`;
    this.atDigits = digits.length < 3 ? digits : null;
    if (this.atDigits !== null) return;
    this.startShutdown();
    this.reply('OK');
  }

  /** The second of two identical bytes, 1.5..15 s apart, acts; anything else only (re)arms. */
  private dangerous(byte: string): void {
    if (this.armed?.byte === byte && this.armed.ready) {
      this.armed.cancel();
      this.armed = null;
      if (byte === 'K') {
        this.startShutdown();
        this.reply('OK');
      } else if (byte === 'Z') {
        this.loadOff();
      } else {
        this.loadOn();
      }
      return;
    }
    this.armed?.cancel();
    const armed = { byte, ready: false, cancel: () => {} };
    const cancelReady = this.deps.schedule(DANGEROUS_MIN_GAP_MS, () => (armed.ready = true));
    const cancelExpiry = this.deps.schedule(DANGEROUS_WINDOW_MS, () => (this.armed = this.armed === armed ? null : this.armed));
    armed.cancel = () => (cancelReady(), cancelExpiry());
    this.armed = armed;
  }

  private toggleCalibration(): void {
    const start = (this.state.statusBits & CAL) === 0;
    this.state.statusBits = start ? this.state.statusBits | CAL : this.state.statusBits & ~CAL;
    this.setOnBattery(start);
  }

  /** Load off after the grace delay (`p`, seconds). */
  private startShutdown(): void {
    const graceSec = Number(this.state.answers.get('p') ?? '20');
    this.cancelShutdown?.();
    this.cancelShutdown = this.deps.schedule((Number.isFinite(graceSec) ? graceSec : 20) * 1000, () => this.loadOff());
  }

  private loadOff(): void {
    this.cancelShutdown = null;
    if (this.bitsBeforeOff === null) this.bitsBeforeOff = this.state.statusBits;
    this.state.statusBits = 0;
  }

  private loadOn(): void {
    if (this.bitsBeforeOff !== null) this.state.statusBits = this.bitsBeforeOff;
    this.bitsBeforeOff = null;
  }

  private reply(text: string): void {
    let wire = `${text}\r\n`;
    for (const inj of this.injections) {
      const at = Math.max(0, Math.min(inj.position, wire.length));
      wire = wire.slice(0, at) + inj.chars + wire.slice(at);
    }
    this.injections = [];
    this.output.reply(asciiBytes(wire));
  }
}
