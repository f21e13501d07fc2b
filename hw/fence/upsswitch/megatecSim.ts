// A Megatec/Q1 UPS in software, the part a fencer touches: `Q1` answers the
// 46-byte status line (output 000.0 V while the output is off, b1 "shutdown
// active" while one is pending), `S<n>[R<m>]` turns the output off after <n>
// and back after <m> minutes (R0000 or none: it stays off), `C` cancels a
// pending shutdown or turns the output back on, anything else is echoed.
// Host lines end at CR and are bounded; the output feeds one backend outlet.

import { BoundedLine } from '../../ups/boundedLine';
import type { Cancel, Schedule } from '../../ups/schedule';
import { asciiBytes, type DataListener, type Unsubscribe } from '../../ups/transport';
import type { PowerBackend } from '../deps';
import { fenceSimFaults, FenceSimOutput, type FenceSimFaults } from '../sim/faults';
import { parseShutdownText } from './megatecProtocol';

export interface MegatecUpsSimOptions {
  power: PowerBackend;
  schedule: Schedule;
  outlet?: number;
  /** false: firmware without S<n>R<m>, which echoes it like any unknown command. */
  supportsShutdown?: boolean;
  faults?: Partial<FenceSimFaults>;
}

const MAX_COMMAND_CHARS = 32;

export class MegatecUpsSim {
  readonly faults: FenceSimFaults;
  readonly commands: string[] = [];
  private readonly line = new BoundedLine(MAX_COMMAND_CHARS);
  private readonly output: FenceSimOutput;
  private pending: Cancel[] = [];

  constructor(private readonly options: MegatecUpsSimOptions) {
    this.faults = fenceSimFaults(options.faults);
    this.output = new FenceSimOutput(options.schedule, () => this.faults);
  }

  onOutput(listener: DataListener): Unsubscribe {
    return this.output.onOutput(listener);
  }

  receive(bytes: Uint8Array): void {
    for (const byte of bytes) {
      if (byte === 0x0a) continue;
      if (byte !== 0x0d) {
        this.line.append(byte);
        continue;
      }
      const ended = this.line.end();
      if (ended.kind === 'line' && ended.text !== '') this.command(ended.text);
    }
  }

  private command(text: string): void {
    this.commands.push(text);
    if (text === 'Q1') return this.say(this.statusLine());
    if (text === 'C') return this.cancel();
    const shutdown = parseShutdownText(text);
    if (!shutdown.ok || this.options.supportsShutdown === false) return this.say(text);
    if (this.faults.lie) return;
    const outlet = this.options.outlet ?? 0;
    const { delayMs, restoreMinutes } = shutdown.value;
    this.pending.push(this.options.schedule(delayMs, () => this.options.power.powerOff(outlet)));
    if (restoreMinutes !== undefined && restoreMinutes > 0) {
      this.pending.push(this.options.schedule(delayMs + restoreMinutes * 60_000, () => this.finishRestore(outlet)));
    }
  }

  private finishRestore(outlet: number): void {
    this.pending = [];
    this.options.power.powerOn(outlet);
  }

  private cancel(): void {
    for (const c of this.pending.splice(0)) c();
    if (!this.faults.lie) this.options.power.powerOn(this.options.outlet ?? 0);
  }

  /** `(MMM.M NNN.N PPP.P QQQ RR.R SS.S TT.T b7..b0`: standby unit on line; b1 while a shutdown is pending. */
  private statusLine(): string {
    const on = this.options.power.isOn(this.options.outlet ?? 0);
    const shutdownActive = this.pending.length > 0 ? '1' : '0';
    return `(230.0 230.0 ${on ? '230.0' : '000.0'} ${on ? '014' : '000'} 50.0 13.6 30.0 000010${shutdownActive}0`;
  }

  private say(text: string): void {
    this.output.reply(asciiBytes(`${text}\r`));
  }
}
