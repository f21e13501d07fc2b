// One simulated appliance: its power, its daemon process (running, frozen or
// dead), the core inside it, its durable state and its resource. The resource
// is ground truth for the checkers: it keeps running when only the daemon dies,
// and stops only when stopped or when the power goes.

import type { ClusterCore } from '../core/core';
import type { CoreEvent, PersistedState } from '../core/types';

export type ProcState = 'running' | 'frozen' | 'dead';
export type SimResourceState = 'stopped' | 'starting' | 'running' | 'stopping';
/**
 * What this node's fence device does when fired: `ok` switches and reads back
 * off; `fail` reports a fault; `slow` answers after the core's timeout; `hang`
 * never answers; `lie` says done without switching, so the read-back sees on.
 */
export type FenceMode = 'ok' | 'fail' | 'slow' | 'hang' | 'lie';
export const FENCE_MODES: readonly FenceMode[] = ['ok', 'fail', 'slow', 'hang', 'lie'];

export class SimNode {
  readonly key: 'a' | 'b';
  readonly id: string;
  power = true;
  proc: ProcState = 'dead';
  core: ClusterCore | null = null;
  /** Bumped on every daemon start; results for an older life are dropped. */
  life = 0;
  incarnation = 0;
  storage: PersistedState | undefined;
  resource: SimResourceState = 'stopped';
  /** Resource operations run one at a time, like the real command runner. */
  resourceBusyUntilMs = 0;
  /** Bumped at every power loss: a resource operation begun before it must not finish after the reboot. */
  powerGen = 0;
  fenceMode: FenceMode = 'ok';
  /** Bumped by every setFenceMode: steps of an older fence-device sequence are dropped. */
  fenceSequenceGen = 0;
  /** Events that reached a frozen process (socket buffer, child exits), delivered on resume. */
  frozenInbox: CoreEvent[] = [];
  tickAtMs = Infinity;
  tickGen = 0;
  /** When the node last stopped being a live, responsive process (for the liveness checker). */
  lastNotAliveMs = 0;
  /** A confirmed fence result reached this core since its last start of the resource. */
  confirmedFenceSeen = false;
  epochHigh = 0;

  constructor(key: 'a' | 'b') {
    this.key = key;
    this.id = `node-${key}`;
  }

  get alive(): boolean {
    return this.power && this.proc === 'running' && this.core !== null;
  }

  get holds(): boolean {
    return this.power && this.resource !== 'stopped';
  }
}
