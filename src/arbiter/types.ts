// The arbitrator answers one question for a node that just lost its peer on
// every heartbeat path: "may I survive?". A node that is told no (or gets no
// answer) stops petting its hardware watchdog and is reset: that is how a pair
// without a power switch avoids two nodes running the service at once.

/** One answer of an arbitrator. */
export interface AskResult {
  /** True only on a positive answer; a timeout, an error or a refusal are all false. */
  mayProceed: boolean;
  /** One line a person can act on: who answered what, or why nobody did. */
  reason: string;
  /** Time from the call to the answer (or to the timeout). */
  durationMs: number;
  /**
   * Witness grants only: how long the grant lasts, counted from the moment
   * ask() was called (before the request left), so the node's view of its
   * grant always ends before the witness's does. Renew by asking again well
   * before it runs out; once it has run out without renewal the node must
   * behave as if told no.
   */
  leaseMs?: number;
  /**
   * Witness grants only: the node whose grant ran out unreleased just before
   * this one. That node stops petting when its own lease ends and is reset up
   * to one watchdog timeout later, so do not start the service before then.
   */
  takenOverFrom?: string;
}

export interface Arbitrator {
  /** What this arbitrator is, for logs ("ping 10.0.0.1", "witness 10.0.0.9:5409"). */
  readonly description: string;
  /** Never rejects: every failure is `mayProceed: false` with the reason. */
  ask(signal?: AbortSignal): Promise<AskResult>;
  /** Gives a witness grant back (the node saw its peer again). Never rejects. */
  release?(): Promise<void>;
}

/** A host that must answer: ICMP echo via the system `ping`, or a TCP connect when `port` is set. */
export interface PingArbitratorConfig {
  type: 'ping';
  host: string;
  port?: number;
  timeoutMs: number;
}

/** An `edge-ha witness` on a third machine, which grants survival to one node of a cluster at a time. */
export interface WitnessArbitratorConfig {
  type: 'witness';
  /** `host:port` of the witness (`[v6]:port` for IPv6). */
  address: string;
  /** Key file in the heartbeat key file format, shared with the witness (mode 0600). */
  keyFile: string;
  timeoutMs: number;
  clusterId: string;
  nodeId: string;
}

export type ArbitratorConfig = PingArbitratorConfig | WitnessArbitratorConfig;

/** Milliseconds clocks, injectable so tests control time. */
export interface ArbiterClock {
  /** Monotonic milliseconds for durations and leases (performance.now()). */
  monotonicMs(): number;
  /** Wall-clock milliseconds since the epoch, carried in witness messages (Date.now()). */
  wallMs(): number;
}

export const systemClock: ArbiterClock = {
  monotonicMs: () => performance.now(),
  wallMs: () => Date.now(),
};
