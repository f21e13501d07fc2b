// A Megatec/Q1 UPS on the other end of the wire: it reads CR-terminated
// commands and answers as the spec says (Q1/D status, F ratings, I identity;
// actions answer nothing; anything unknown is echoed). Tests, shutdown and
// restore run on the injected clock. Fault knobs: silent, garbage, echo
// everything (`unsupported`), slow replies, chunked output, and power events.

import { MegatecLineFramer } from '../megatec/framer';
import type { Schedule } from '../schedule';
import { asciiBytes, type DataListener, type Unsubscribe } from '../transport';
import { encodeInfoLine, encodeQ1Line, encodeRatingsLine, type MegatecSimState } from './megatecWire';
import { defaultFaults, SimOutput, type SimOutputFaults } from './simOutput';
import type { SimDevice } from './simTransport';

export interface MegatecSimFaults extends SimOutputFaults {
  /** Commands (without CR) this unit echoes although it would know them, e.g. "F" or "I". */
  echoCommands: Set<string>;
}

const MINUTE_MS = 60_000;

type Restore = { kind: 'mains' } | { kind: 'never' } | { kind: 'after'; ms: number };

export class MegatecSim implements SimDevice {
  readonly faults: MegatecSimFaults;
  /** Every command line received, in order. */
  readonly received: string[] = [];
  private readonly framer = new MegatecLineFramer();
  private readonly output: SimOutput;
  private cancelTest: (() => void) | null = null;
  private cancelShutdown: (() => void) | null = null;
  private outputOn = true;
  private restoreOnMainsReturn = false;
  private savedOutputVoltage: number | undefined;
  private savedInputVoltage: number | undefined;

  constructor(
    readonly state: MegatecSimState,
    private readonly deps: { schedule: Schedule },
    faults: Partial<MegatecSimFaults> = {},
  ) {
    this.faults = { ...defaultFaults(faults), echoCommands: faults.echoCommands ?? new Set() };
    this.output = new SimOutput(deps.schedule, () => this.faults);
  }

  get isOutputOn(): boolean {
    return this.outputOn;
  }

  onOutput(listener: DataListener): Unsubscribe {
    return this.output.onOutput(listener);
  }

  receive(bytes: Uint8Array): void {
    for (const frame of this.framer.push(bytes)) {
      if (frame.kind === 'line') this.handle(frame.text);
    }
  }

  /** Mains lost (OB) or back (OL). Input voltage drops to 0 while out; the fault voltage keeps the last value seen. */
  setUtilityFail(failed: boolean): void {
    if (failed === this.state.bits.utilityFail) return;
    this.state.bits.utilityFail = failed;
    if (failed) {
      this.savedInputVoltage = this.state.inputVoltage;
      this.state.inputFaultVoltage = 0;
      this.state.inputVoltage = 0;
    } else {
      this.state.inputVoltage = this.savedInputVoltage;
      this.state.inputFaultVoltage = this.savedInputVoltage;
      if (this.restoreOnMainsReturn) this.deps.schedule(10_000, () => this.turnOutputOn());
    }
  }

  setBatteryLow(low: boolean): void {
    this.state.bits.batteryLow = low;
    if (low && this.state.bits.testInProgress) this.stopTest(); // tests end early on battery low
  }

  private handle(command: string): void {
    this.received.push(command);
    if (this.faults.reply === 'unsupported' || this.faults.echoCommands.has(command)) return this.echo(command);
    if (command === 'Q1' || command === 'D') return this.send(encodeQ1Line(this.state));
    if (command === 'F') return this.state.ratings ? this.send(encodeRatingsLine(this.state.ratings)) : this.echo(command);
    if (command === 'I') return this.state.info ? this.send(encodeInfoLine(this.state.info)) : this.echo(command);
    if (!this.runAction(command)) this.echo(command);
  }

  /** Action commands answer nothing; returns false for an unknown command. */
  private runAction(command: string): boolean {
    if (command === 'T') this.startTest(10_000);
    else if (command === 'TL') this.startTest(null);
    else if (/^T\d\d$/.test(command) && command !== 'T00') this.startTest(Number(command.slice(1)) * MINUTE_MS);
    else if (command === 'CT') this.stopTest();
    else if (command === 'Q') this.state.bits.beeperOn = !this.state.bits.beeperOn;
    else if (command === 'C') this.cancelOrRestore();
    else return this.shutdownCommand(command);
    return true;
  }

  private shutdownCommand(command: string): boolean {
    const m = /^S(\.[2-9]|0\d|10)(?:R(\d{4}))?$/.exec(command);
    if (!m) return false;
    const delayMs = m[1]!.startsWith('.') ? Number(m[1]!.slice(1)) * 6_000 : Number(m[1]) * MINUTE_MS;
    // Plain S<n>: back 10 s after mains returns. R0000 (NUT's stayoff and load.off): stays off until C.
    const restore: Restore = m[2] === undefined ? { kind: 'mains' } : Number(m[2]) === 0 ? { kind: 'never' } : { kind: 'after', ms: Number(m[2]) * MINUTE_MS };
    this.cancelShutdown?.();
    this.state.bits.shutdownActive = true;
    this.cancelShutdown = this.deps.schedule(delayMs, () => this.turnOutputOff(restore));
    return true;
  }

  private turnOutputOff(restore: Restore): void {
    this.cancelShutdown = null;
    if (this.outputOn) this.savedOutputVoltage = this.state.outputVoltage;
    this.outputOn = false;
    this.state.outputVoltage = 0;
    this.restoreOnMainsReturn = restore.kind === 'mains';
    if (restore.kind === 'after') {
      // If mains is absent when the restore time expires, the UPS waits for mains.
      this.cancelShutdown = this.deps.schedule(restore.ms, () => {
        if (this.state.bits.utilityFail) this.restoreOnMainsReturn = true;
        else this.turnOutputOn();
      });
    }
  }

  private turnOutputOn(): void {
    this.cancelShutdown?.();
    this.cancelShutdown = null;
    this.outputOn = true;
    this.restoreOnMainsReturn = false;
    this.state.bits.shutdownActive = false;
    this.state.outputVoltage = this.savedOutputVoltage ?? this.state.outputVoltage;
  }

  /** C: cancels a pending shutdown, or during the restore wait turns the output on. */
  private cancelOrRestore(): void {
    if (this.outputOn) {
      this.cancelShutdown?.();
      this.cancelShutdown = null;
      this.state.bits.shutdownActive = false;
    } else {
      this.turnOutputOn();
    }
  }

  private startTest(durationMs: number | null): void {
    this.cancelTest?.();
    this.state.bits.testInProgress = true;
    this.cancelTest = durationMs === null ? null : this.deps.schedule(durationMs, () => this.stopTest());
  }

  private stopTest(): void {
    this.cancelTest?.();
    this.cancelTest = null;
    this.state.bits.testInProgress = false;
  }

  private echo(command: string): void {
    this.output.reply(asciiBytes(`${command}\r`));
  }

  private send(line: string): void {
    this.output.reply(asciiBytes(`${line}\r`));
  }
}
