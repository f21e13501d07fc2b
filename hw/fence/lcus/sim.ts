// An LCUS board in software: reads frames from the host and switches the
// injected power backend. It never answers (neither does the real board), so of
// the fault knobs only `lie` (frame accepted, relay does not move), `slowMs`
// (the relay moves late) and `silent` (the board is dead: nothing switches)
// mean anything here. Bad frames are counted, as a board would just ignore them.

import type { Schedule } from '../../ups/schedule';
import type { DataListener, Unsubscribe } from '../../ups/transport';
import type { PowerBackend } from '../deps';
import { fenceSimFaults, type FenceSimFaults } from '../sim/faults';
import { describeLcusFrameError, LcusFrameReader, type LcusCommand } from './protocol';

export interface LcusSimOptions {
  power: PowerBackend;
  schedule: Schedule;
  /** Same wiring knob as the device: true when an energised relay cuts power. */
  relayOnCutsPower?: boolean;
  faults?: Partial<FenceSimFaults>;
}

export class LcusSim {
  readonly faults: FenceSimFaults;
  /** Frames the board acted on (or, when lying, pretended to). */
  readonly accepted: LcusCommand[] = [];
  /** Why each bad byte run was ignored. */
  readonly rejected: string[] = [];
  private readonly reader = new LcusFrameReader();

  constructor(private readonly options: LcusSimOptions) {
    this.faults = fenceSimFaults(options.faults);
  }

  receive(bytes: Uint8Array): void {
    if (this.faults.silent) return;
    for (const item of this.reader.push(bytes)) {
      if (!item.ok) {
        this.rejected.push(describeLcusFrameError(item.error));
        continue;
      }
      this.accepted.push(item.value);
      if (!this.faults.lie) this.options.schedule(this.faults.slowMs, () => this.apply(item.value));
    }
  }

  /** The board never sends anything. */
  onOutput(_listener: DataListener): Unsubscribe {
    return () => {};
  }

  private apply(cmd: LcusCommand): void {
    const cut = cmd.on === (this.options.relayOnCutsPower === true);
    if (cut) this.options.power.powerOff(cmd.channel);
    else this.options.power.powerOn(cmd.channel);
  }
}
