// An RPS-10 in software: it takes the real 9-byte commands and answers the
// real text, switching an injected power backend. `reset()` is what the DTR
// drop does (the link factory calls it): after `bootMs` the switch says
// `RPS-10 Ready`. Fault knobs act on every reply; `lie` answers as usual but
// leaves the outlet as it was, so only the status read-back can catch it.

import type { Schedule } from '../../ups/schedule';
import { asciiBytes, type DataListener, type Unsubscribe } from '../../ups/transport';
import type { PowerBackend } from '../deps';
import { fenceSimFaults, FenceSimOutput, type FenceSimFaults } from '../sim/faults';
import { Rps10CommandReader, type Rps10Command } from './protocol';

export interface Rps10SimOptions {
  power: PowerBackend;
  schedule: Schedule;
  /** Outlets 0..outletCount-1 exist (master plus slaves, at most 10). */
  outletCount?: number;
  /** Both orders occur in the field. */
  lineEnd?: '\r\n' | '\n\r';
  bootMs?: number;
  /** Off time of a toggle (`T`). */
  toggleDelayMs?: number;
  faults?: Partial<FenceSimFaults>;
}

export class Rps10Sim {
  readonly faults: FenceSimFaults;
  readonly commands: Rps10Command[] = [];
  readonly rejected: string[] = [];
  private readonly reader = new Rps10CommandReader();
  private readonly output: FenceSimOutput;

  constructor(private readonly options: Rps10SimOptions) {
    this.faults = fenceSimFaults(options.faults);
    this.output = new FenceSimOutput(options.schedule, () => this.faults);
  }

  onOutput(listener: DataListener): Unsubscribe {
    return this.output.onOutput(listener);
  }

  /** DTR dropped: the switch restarts and announces itself. */
  reset(): void {
    this.options.schedule(this.options.bootMs ?? 3000, () => this.say(['RPS-10 Ready']));
  }

  receive(bytes: Uint8Array): void {
    for (const r of this.reader.push(bytes)) {
      if (!r.ok) this.rejected.push(r.error);
      else this.execute(r.value);
    }
  }

  private execute(cmd: Rps10Command): void {
    this.commands.push(cmd);
    const outlets = this.outletsFor(cmd);
    if (outlets.length === 0) return; // no such plug: the switch says nothing
    if (cmd.action === 'status') {
      this.say([...outlets.map((n) => this.plugLine(n)), 'Complete']);
      return;
    }
    if (cmd.action === 'off' || cmd.action === 'on') {
      for (const n of outlets) this.set(n, cmd.action);
      this.say([...outlets.map((n) => `Plug ${n} ${cmd.action === 'on' ? 'On' : 'Off'}`), 'Complete']);
      return;
    }
    for (const n of outlets) this.set(n, 'off');
    this.say(outlets.map((n) => `Plug ${n} Off`));
    this.options.schedule(this.options.toggleDelayMs ?? 5000, () => {
      for (const n of outlets) this.set(n, 'on');
      this.say([...outlets.map((n) => `Plug ${n} On`), 'Complete']);
    });
  }

  private outletsFor(cmd: Rps10Command): number[] {
    const count = Math.min(10, this.options.outletCount ?? 1);
    if (cmd.address === '*') return Array.from({ length: count }, (_, i) => i);
    return cmd.address < count ? [cmd.address] : [];
  }

  private set(outlet: number, state: 'on' | 'off'): void {
    if (this.faults.lie) return;
    if (state === 'off') this.options.power.powerOff(outlet);
    else this.options.power.powerOn(outlet);
  }

  private plugLine(outlet: number): string {
    return `Plug ${outlet} ${this.options.power.isOn(outlet) ? 'On' : 'Off'}`;
  }

  private say(lines: string[]): void {
    const end = this.options.lineEnd ?? '\r\n';
    this.output.reply(asciiBytes(lines.map((l) => l + end).join('')));
  }
}
