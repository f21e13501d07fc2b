// Safety invariants, checked after every simulated event. Any violation here
// is a bug that could run the service twice or lose track of ownership.

import type { Observation, Observer, SimWorld } from '../world';
import type { Violation } from './violation';

export class SafetyChecker implements Observer {
  readonly violations: Violation[] = [];
  private readonly epochs = new Map<string, number>();
  private twoHoldersReported = false;

  observe(o: Observation, w: SimWorld): void {
    switch (o.kind) {
      case 'step': {
        // At no instant may two powered nodes hold the resource (a powered-off node holds nothing).
        if (!this.twoHoldersReported && w.a.holds && w.b.holds) {
          this.twoHoldersReported = true;
          this.add('one-holder', o.atMs, `two nodes hold the resource: ${w.a.id} (${w.a.resource}), ${w.b.id} (${w.b.resource})`);
        }
        return;
      }
      case 'start':
        // A takeover justified by fencing must follow a confirmed fence result.
        if (o.cause === 'fence' && !o.node.confirmedFenceSeen) {
          this.add('fence-before-takeover', o.atMs, `${o.node.id} started the resource as a fenced takeover without a confirmed fence of ${w.peerOf(o.node).id}`);
        }
        return;
      case 'persist': {
        const last = this.epochs.get(o.node.id) ?? 0;
        if (o.epoch < last) this.add('epoch-monotonic', o.atMs, `${o.node.id} epoch went backwards: ${last} -> ${o.epoch}`);
        this.epochs.set(o.node.id, Math.max(last, o.epoch));
        return;
      }
      default:
        return;
    }
  }

  private add(rule: string, atMs: number, message: string): void {
    this.violations.push({ checker: 'safety', rule, atMs, message });
  }
}
