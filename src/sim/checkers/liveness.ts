// Liveness: the pair must not fence a peer it can hear perfectly, and (checked
// by the scenario's final phase) a crash of the active must be taken over
// within detection + fence + start time.

import type { SimParams } from '../params';
import type { Observation, Observer, SimWorld } from '../world';
import type { Violation } from './violation';

export class LivenessChecker implements Observer {
  readonly violations: Violation[] = [];
  /** lastBad[path][from]: last time a heartbeat from that node was lost on that path. */
  private readonly lastBad: Record<'a' | 'b', number>[];
  private readonly windowMs: number;

  constructor(p: SimParams) {
    this.lastBad = p.paths.map(() => ({ a: -Infinity, b: -Infinity }));
    const detect = Math.max(...p.paths.map((x) => x.intervalMs * x.missMultiplier));
    const interval = Math.max(...p.paths.map((x) => x.intervalMs));
    this.windowMs = 2 * detect + p.fenceDelayMs + 4 * interval + p.netDelayMinMs + p.netDelayJitterMs;
  }

  observe(o: Observation, w: SimWorld): void {
    if (o.kind === 'bad-delivery') {
      (this.lastBad[o.pathIndex] as Record<'a' | 'b', number>)[o.from.key] = o.atMs;
      return;
    }
    if (o.kind !== 'fence-fired') return;
    const x = o.node;
    const y = w.peerOf(x);
    const since = o.atMs - this.windowMs;
    if (!y.alive || x.lastNotAliveMs >= since || y.lastNotAliveMs >= since) return;
    const perfect = this.lastBad.findIndex((b) => b.a < since && b.b < since);
    if (perfect >= 0) {
      this.add('no-needless-fence', o.atMs, `${x.id} fenced ${y.id} although path ${w.p.paths[perfect]?.name} delivered every heartbeat both ways for the last ${Math.round(this.windowMs)} ms`);
    }
  }

  add(rule: string, atMs: number, message: string): void {
    this.violations.push({ checker: 'liveness', rule, atMs, message });
  }
}
