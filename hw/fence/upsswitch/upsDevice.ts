// What the two UPS agents share beyond the outlet skeleton: a UPS fences the
// targets it feeds (all of them at once: there is one output), and what it
// reports is the state of that output.

import type { FenceClock } from '../deps';
import { fedTarget, OutletFenceDevice, type OnOff } from '../outletDevice';
import type { Step } from '../step';

export abstract class UpsOutputFenceDevice<O extends { name: string; clock: FenceClock; targets: readonly string[] }> extends OutletFenceDevice<O, string> {
  protected locate(target: string): Step<string> {
    return fedTarget(this.o.targets, target);
  }

  protected stateText(_target: string, state: OnOff): string {
    return `UPS output reads ${state}`;
  }
}
