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

/**
 * `done` and an idempotent `stop()` that runs `cleanup` once and then resolves `done`;
 * every kind stops the same way whatever asked first (stdin EOF, Ctrl-C, socat dying).
 */
export function stopOnce(cleanup: () => Promise<void> | void): { done: Promise<void>; stop: () => Promise<void>; isStopping: () => boolean } {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      await cleanup();
      finish();
    })());
  return { done, stop, isStopping: () => stopping !== null };
}
