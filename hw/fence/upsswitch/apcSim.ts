// An APC Smart UPS in software, just the part a fencer touches: `Y` → SM, `Q`
// (08 on line, 10 on battery, 00 output off), `S` (OK on battery, else NA),
// `@nnn` (OK, off after the grace delay, back on after nnn tenths of an hour
// plus the wake-up delay), ^N twice ≥ 1.5 s apart (on), ESC ignored, anything
// else NA. The output feeds outlet `outlet` of the injected power backend.
// `lie` acknowledges shutdowns without ever cutting the output.

import type { Cancel, Schedule } from '../../ups/schedule';
import { asciiBytes, type DataListener, type Unsubscribe } from '../../ups/transport';
import type { PowerBackend } from '../deps';
import { fenceSimFaults, FenceSimOutput, type FenceSimFaults } from '../sim/faults';

export interface ApcUpsSimOptions {
  power: PowerBackend;
  schedule: Schedule;
  nowMs: () => number;
  outlet?: number;
  onBattery?: boolean;
  /** The UPS's shutdown grace delay (`p`: 20/180/300/600 s). */
  graceMs?: number;
  /** The UPS's wake-up delay (`r`: 0/60/180/300 s). */
  wakeupDelayMs?: number;
  /** Answer `*` instead of OK to shutdowns (older units). */
  asteriskAck?: boolean;
  faults?: Partial<FenceSimFaults>;
}

const TURN_ON = 0x0e;
const ESC = 0x1b;

export class ApcUpsSim {
  readonly faults: FenceSimFaults;
  readonly received: string[] = [];
  private readonly output: FenceSimOutput;
  private atArgs: string | undefined;
  private lastTurnOnMs: number | undefined;
  private pending: Cancel[] = [];

  constructor(private readonly options: ApcUpsSimOptions) {
    this.faults = fenceSimFaults(options.faults);
    this.output = new FenceSimOutput(options.schedule, () => this.faults);
  }

  onOutput(listener: DataListener): Unsubscribe {
    return this.output.onOutput(listener);
  }

  receive(bytes: Uint8Array): void {
    for (const byte of bytes) this.byte(byte);
  }

  private byte(byte: number): void {
    const ch = String.fromCharCode(byte);
    if (this.atArgs !== undefined) {
      // `@` takes exactly three digits; anything else aborts it with NA.
      if (!/[0-9]/.test(ch)) return this.abortAt();
      this.atArgs += ch;
      if (this.atArgs.length === 3) this.shutdownReturn(Number(this.atArgs));
      return;
    }
    if (ch === '@') {
      this.atArgs = '';
      return;
    }
    this.received.push(ch);
    if (ch === 'Y') return this.say('SM');
    if (ch === 'Q') return this.say(this.statusHex());
    if (ch === 'S') return this.options.onBattery ? this.scheduleOff(undefined) : this.say('NA');
    if (byte === TURN_ON) return this.turnOn();
    if (byte === ESC) return;
    this.say('NA');
  }

  private abortAt(): void {
    this.atArgs = undefined;
    this.say('NA');
  }

  private shutdownReturn(tenthsOfHour: number): void {
    this.received.push(`@${this.atArgs}`);
    this.atArgs = undefined;
    this.scheduleOff((this.options.wakeupDelayMs ?? 60_000) + tenthsOfHour * 360_000);
  }

  /** Ack, then off after the grace delay; back on `returnAfterMs` later when given. */
  private scheduleOff(returnAfterMs: number | undefined): void {
    this.ack();
    if (this.faults.lie) return;
    const outlet = this.options.outlet ?? 0;
    const grace = this.options.graceMs ?? 20_000;
    this.pending.push(this.options.schedule(grace, () => this.options.power.powerOff(outlet)));
    if (returnAfterMs !== undefined) {
      this.pending.push(this.options.schedule(grace + returnAfterMs, () => this.options.power.powerOn(outlet)));
    }
  }

  private turnOn(): void {
    const now = this.options.nowMs();
    const previous = this.lastTurnOnMs;
    this.lastTurnOnMs = now;
    if (previous === undefined || now - previous < 1500) return;
    this.lastTurnOnMs = undefined;
    for (const cancel of this.pending.splice(0)) cancel();
    if (!this.faults.lie) this.options.power.powerOn(this.options.outlet ?? 0);
  }

  private statusHex(): string {
    if (!this.options.power.isOn(this.options.outlet ?? 0)) return '00';
    return this.options.onBattery ? '10' : '08';
  }

  private ack(): void {
    if (this.options.asteriskAck) this.output.reply(asciiBytes('*'));
    else this.say('OK');
  }

  private say(text: string): void {
    this.output.reply(asciiBytes(`${text}\r\n`));
  }
}
