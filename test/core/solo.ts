// The single-core half of the harness: one ClusterCore fed by hand with
// heartbeats from a fake node-b, ticks and results at times the test chooses.

import { ClusterCore } from '../../src/core/core';
import type { CoreAction, CoreConfig, CoreEvent, Heartbeat, PersistedState, Role } from '../../src/core/types';
import { A, B, type EventIn, Recorder, peerHb, testConfig } from './fixtures';

/** One core fed by hand: heartbeats from a fake node-b, ticks and results at chosen times. */
export class Solo extends Recorder {
  now = 0;
  readonly core: ClusterCore;
  private peerSeq = 0;

  constructor(opts: { config?: Partial<CoreConfig>; persisted?: PersistedState; incarnation?: number; seed?: number } = {}) {
    super();
    this.core = new ClusterCore({ config: testConfig(A, B, opts.config), persisted: opts.persisted, incarnation: opts.incarnation ?? 1, seed: opts.seed });
  }

  boot(): CoreAction[] { return this.record(A, this.now, this.core.boot(this.now), 'boot'); }
  feed(ev: EventIn, label: string = ev.type): CoreAction[] {
    return this.record(A, this.now, this.core.handle({ ...ev, nowMs: this.now } as CoreEvent), label);
  }
  tick(): CoreAction[] { return this.feed({ type: 'tick' }, 'tick'); }
  /** A heartbeat from node-b; seq counts up unless given. */
  hb(fields: Partial<Heartbeat> = {}, path = 'crossover'): CoreAction[] {
    const hb = peerHb({ seq: ++this.peerSeq, ...fields });
    return this.feed({ type: 'heartbeat', path, hb }, `hb ${path} seq ${hb.seq} ${hb.role}/${hb.resource} epoch ${hb.epoch}`);
  }
  /** Tick at every nextWakeMs up to `t` (the peer stays silent), then set the clock to t. */
  runTo(t: number): void {
    for (let w = this.core.nextWakeMs(); w <= t; w = this.core.nextWakeMs()) {
      this.now = Math.max(this.now + 1, Math.ceil(w));
      if (this.now > t) break;
      this.tick();
    }
    this.now = t;
  }
  /** Answer the newest pending resource operation of one kind. */
  finish(op: 'start' | 'stop' | 'monitor', ok = true, running = op === 'start' && ok): CoreAction[] {
    const type = op === 'start' ? 'startResource' : op === 'stop' ? 'stopResource' : 'monitorResource';
    const last = this.acts(type).at(-1);
    if (!last) throw new Error(`no ${type} to answer\n${this.transcript()}`);
    return this.feed({ type: 'resourceResult', opId: last.a.opId, op, ok, running, reason: `${op} ${ok ? 'ok' : 'failed'}` }, `${op} result`);
  }
  get role(): Role { return this.core.currentRole; }
}
