// What every sim-device kind hands back once it is serving.

export interface RunningSim {
  readonly kind: string;
  /** Where the host connects: the pty link, the bridge directory, the FIFO. */
  readonly linkPath: string;
  /** Resolves once stopped (stdin ended, socat died, or stop()). */
  readonly done: Promise<void>;
  /** Stop serving and remove what was created at the link path. */
  stop(): Promise<void>;
}
