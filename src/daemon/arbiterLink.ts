// The daemon's side of self-fencing: asks the arbitrator when the core says
// so, keeps a witness grant alive while the peer stays lost (renewing at a
// third of the lease), and tells the core "no" when a renewal fails and the
// lease runs out: from then on the other node may be granted, so this one
// must reset. A grant taken over from a node whose lease merely ran out is
// reported only a watchdog timeout later: that node may still be running
// until its own watchdog fires.

import type { Config } from '../config/types';
import { createArbitrator, type Arbitrator } from '../arbiter';

export interface ArbiterAnswer {
  mayProceed: boolean;
  reason: string;
}

export class ArbiterLink {
  private renewTimer: NodeJS.Timeout | null = null;
  private leaseEndsMs = 0;
  private generation = 0;

  private constructor(
    private readonly arbitrator: Arbitrator,
    private readonly watchdogTimeoutMs: number,
    private readonly answer: (a: ArbiterAnswer) => void,
    private readonly log: (level: 'info' | 'warn' | 'error', msg: string) => void,
  ) {}

  /** Null when no arbitrator is configured; an error string when it is but cannot be built (a bad key file). */
  static create(cfg: Config, answer: (a: ArbiterAnswer) => void, log: (level: 'info' | 'warn' | 'error', msg: string) => void): ArbiterLink | null | string {
    const a = cfg.fencing.arbitrator;
    if (!a) return null;
    const config =
      a.type === 'ping'
        ? { type: 'ping' as const, host: a.host, timeoutMs: a.timeoutMs, ...(a.port !== undefined ? { port: a.port } : {}) }
        : { type: 'witness' as const, address: `${a.address.host.includes(':') ? `[${a.address.host}]` : a.address.host}:${a.address.port}`, keyFile: a.keyFile, timeoutMs: a.timeoutMs, clusterId: cfg.cluster.id, nodeId: cfg.node.id };
    const built = createArbitrator(config);
    if (!built.ok) return `fencing.arbitrator: ${built.error}`;
    return new ArbiterLink(built.arbitrator, cfg.hardware.watchdog.timeoutSec * 1000, answer, log);
  }

  get description(): string {
    return this.arbitrator.description;
  }

  ask(): void {
    const gen = ++this.generation;
    const startedMs = Date.now();
    void this.arbitrator.ask().then((r) => {
      if (gen !== this.generation) return; // released meanwhile
      if (!r.mayProceed) return this.answer({ mayProceed: false, reason: `${this.arbitrator.description}: ${r.reason}` });
      if (r.leaseMs !== undefined) this.keepAlive(gen, startedMs + r.leaseMs, r.leaseMs);
      const reply = () => gen === this.generation && this.answer({ mayProceed: true, reason: `${this.arbitrator.description}: ${r.reason}` });
      if (r.takenOverFrom === undefined) return reply();
      this.log('warn', `granted after ${r.takenOverFrom}'s lease ran out; waiting one watchdog timeout (${this.watchdogTimeoutMs} ms) for it to reset`);
      setTimeout(reply, this.watchdogTimeoutMs).unref();
    });
  }

  /** The peer is back: stop renewing and give the grant back. */
  release(): void {
    this.generation++;
    this.clearRenew();
    void this.arbitrator.release?.();
  }

  stop(): void {
    this.release();
  }

  private keepAlive(gen: number, leaseEndsMs: number, leaseMs: number): void {
    this.leaseEndsMs = leaseEndsMs;
    this.clearRenew();
    this.renewTimer = setTimeout(() => {
      if (gen !== this.generation) return;
      const startedMs = Date.now();
      void this.arbitrator.ask().then((r) => {
        if (gen !== this.generation) return;
        if (r.mayProceed && r.leaseMs !== undefined) return this.keepAlive(gen, startedMs + r.leaseMs, r.leaseMs);
        if (Date.now() < this.leaseEndsMs) {
          this.log('warn', `witness renewal failed (${r.reason}); retrying until the lease ends`);
          return this.keepAlive(gen, this.leaseEndsMs, Math.max(300, (this.leaseEndsMs - Date.now()) * 1.5));
        }
        this.answer({ mayProceed: false, reason: `lease at ${this.arbitrator.description} ran out without renewal (${r.reason})` });
      });
    }, Math.max(100, leaseMs / 3));
    this.renewTimer.unref();
  }

  private clearRenew(): void {
    if (this.renewTimer) clearTimeout(this.renewTimer);
    this.renewTimer = null;
  }
}
