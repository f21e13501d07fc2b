// One simulated machine of the pair: its power state and the daemon running
// on it. "Power" is a flag plus everything that carries the node's marker:
// a crashed daemon leaves the power on (and its resource running, which is
// what fencing is for); a power-off kills every process of the node.

import { spawn, type ChildProcess } from 'node:child_process';
import { isAlive, killMarked, PAIR_MARK_ENV, signalProcess } from './processes';

/** Why a daemon process ended, as far as the supervisor knows. */
export type ExitCause = 'power-off' | 'crash' | 'stop' | 'unexpected';

export interface DaemonExit {
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  cause: ExitCause;
  /** Last line the daemon wrote on stderr ('' if none): usually why it gave up. */
  stderrLastLine: string;
}

export interface NodeProcessOptions {
  id: string;
  /** Program and arguments of the daemon. */
  argv: readonly [string, ...string[]];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Value of PAIR_MARK_ENV for this node (unique per pair run and node). */
  mark: string;
  onStdout(chunk: Buffer): void;
  onSpawn(pid: number): void;
  onExit(exit: DaemonExit): void;
  /** A delayed start after power-on failed. */
  onBootFailed?(reason: string): void;
}

/** Kept from the daemon's stderr for the exit report. */
const MAX_STDERR_TAIL_BYTES = 4096;
/** After SIGKILL, how long a process may take to be reaped. */
const REAP_WAIT_MS = 2000;

export class NodeProcess {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private pendingCause: ExitCause | null = null;
  private freezeTimer: NodeJS.Timeout | null = null;
  /** The daemon stopped by hang(): it stays stopped until its node is reset. */
  private hungChild: ChildProcess | null = null;
  private stderrTail = '';
  /** Set by stop(): a late power-on (a fence's reboot) must not start a daemon again. */
  private retired = false;
  private bootTimer: NodeJS.Timeout | null = null;
  /** The simulated machine's power. On from the first start until a power-off. */
  powered = false;

  constructor(private readonly opts: NodeProcessOptions) {}

  get id(): string {
    return this.opts.id;
  }

  /** The daemon's pid while it runs (stopped/frozen included), else null. */
  get pid(): number | null {
    const pid = this.child?.pid;
    return pid !== undefined && this.child !== null && isAlive(pid) ? pid : null;
  }

  get frozen(): boolean {
    return this.freezeTimer !== null || this.hung;
  }

  /** Stopped by hang() and not reset since. */
  get hung(): boolean {
    return this.hungChild !== null && this.hungChild === this.child;
  }

  /** Powers the machine on and starts its daemon. Throws if the daemon cannot be spawned. */
  start(): void {
    if (this.retired) throw new Error(`${this.id}: the pair is shutting down`);
    if (this.child !== null) throw new Error(`${this.id}: the daemon is already running`);
    const [program, ...args] = this.opts.argv;
    // detached: the daemon leads its own process group, so a signal to our
    // group (Ctrl-C at the terminal) does not reach it behind our back.
    const child = spawn(program, args, {
      cwd: this.opts.cwd,
      env: { ...this.opts.env, [PAIR_MARK_ENV]: this.opts.mark },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (child.pid === undefined) {
      // spawn reports its failure through 'error' right after; nothing started.
      child.on('error', () => undefined);
      throw new Error(`${this.id}: cannot start ${program}`);
    }
    const pid = child.pid;
    this.child = child;
    this.powered = true;
    this.pendingCause = null;
    this.stderrTail = '';
    child.stdout?.on('data', (chunk: Buffer) => this.opts.onStdout(chunk));
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-MAX_STDERR_TAIL_BYTES);
    });
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        if (this.child === child) this.child = null;
        this.clearFreeze();
        const cause = this.pendingCause ?? 'unexpected';
        this.pendingCause = null;
        const stderrLastLine = lastLine(this.stderrTail);
        this.opts.onExit({ pid, code, signal, cause, stderrLastLine });
        resolve();
      });
    });
    this.opts.onSpawn(pid);
  }

  /** Kills the daemon alone: the machine stays powered and its resource keeps running. */
  crash(): boolean {
    const pid = this.pid;
    if (pid === null) return false;
    this.pendingCause = 'crash';
    return signalProcess(pid, 'SIGKILL');
  }

  /** Stops the daemon (SIGSTOP) for `seconds`, then lets it go on (SIGCONT). */
  freeze(seconds: number): boolean {
    const pid = this.pid;
    if (pid === null || !signalProcess(pid, 'SIGSTOP')) return false;
    this.clearFreeze();
    const child = this.child;
    this.freezeTimer = setTimeout(() => {
      this.freezeTimer = null;
      // Only the process we froze: after a power cycle the pid is another daemon's.
      if (this.child === child) signalProcess(pid, 'SIGCONT');
    }, seconds * 1000);
    return true;
  }

  /**
   * Stops the daemon (SIGSTOP) for good, as a hung kernel or a deadlock would:
   * it sends no heartbeat and pets no watchdog until its node is powered off.
   */
  hang(): boolean {
    const pid = this.pid;
    if (pid === null || !signalProcess(pid, 'SIGSTOP')) return false;
    this.clearFreeze();
    this.hungChild = this.child;
    return true;
  }

  /** Cuts the power: every process of the node dies. Resolves once they are gone. */
  async powerOff(): Promise<void> {
    this.powered = false;
    this.clearBoot();
    const pid = this.pid;
    if (pid !== null) {
      this.pendingCause = 'power-off';
      signalProcess(pid, 'SIGKILL', true);
      signalProcess(pid, 'SIGKILL');
    }
    await this.waitForExit(REAP_WAIT_MS);
    await killMarked(this.opts.mark, REAP_WAIT_MS);
  }

  /**
   * Restores power. The daemon starts after bootDelayMs, as a machine takes a
   * while to boot (and the demo's viewer gets to see the node off). A start
   * that fails later is reported through onBootFailed.
   */
  async powerOn(bootDelayMs = 0): Promise<void> {
    if (this.child !== null) await this.waitForExit(REAP_WAIT_MS);
    if (this.retired) throw new Error(`${this.id}: the pair is shutting down`);
    this.powered = true;
    this.clearBoot();
    if (bootDelayMs <= 0) return this.start();
    this.bootTimer = setTimeout(() => {
      this.bootTimer = null;
      if (!this.powered || this.retired || this.child !== null) return;
      try {
        this.start();
      } catch (e) {
        this.opts.onBootFailed?.((e as Error).message);
      }
    }, bootDelayMs);
  }

  /** Powered on, daemon not started yet. */
  get booting(): boolean {
    return this.bootTimer !== null;
  }

  private clearBoot(): void {
    if (this.bootTimer !== null) clearTimeout(this.bootTimer);
    this.bootTimer = null;
  }

  /**
   * Asks the daemon to shut down (SIGTERM), waits up to graceMs, then kills
   * its group; finally kills whatever else still carries the node's marker
   * (a resource the daemon did not stop). Leaves the power off.
   */
  async stop(graceMs: number): Promise<void> {
    this.retired = true;
    this.clearBoot();
    this.clearFreeze();
    const pid = this.pid;
    if (pid !== null) {
      this.pendingCause = 'stop';
      signalProcess(pid, 'SIGCONT'); // a frozen daemon cannot handle SIGTERM
      signalProcess(pid, 'SIGTERM');
      if (!(await this.waitForExit(graceMs))) {
        signalProcess(pid, 'SIGKILL', true);
        signalProcess(pid, 'SIGKILL');
        await this.waitForExit(REAP_WAIT_MS);
      }
    }
    this.powered = false;
    await killMarked(this.opts.mark, REAP_WAIT_MS);
  }

  private clearFreeze(): void {
    if (this.freezeTimer !== null) clearTimeout(this.freezeTimer);
    this.freezeTimer = null;
  }

  /** True once the current daemon (if any) has exited. */
  private async waitForExit(timeoutMs: number): Promise<boolean> {
    if (this.child === null) return true;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const done = await Promise.race([this.exited.then(() => true as const), timedOut]);
    clearTimeout(timer);
    return done;
  }
}

function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return (lines[lines.length - 1] ?? '').slice(0, 300);
}
