// The GPIO character device through Debian's gpiod 1.6 tools, run as child
// processes (no native addon: works in SEA and cross-built images).
//
// * Input read: `gpioget [-B bias] <chip> <offset>`, one 0/1.
// * Input watch: one long-lived `gpiomon -b [-B bias] <chip> <offset>`; its
//   event lines move a cached level. While it holds the line a gpioget would
//   get EBUSY, so reads answer from that cache.
// * Output: the kernel releases a line when its holder exits, and gpioset
//   "reverts to default" then, so an output is one long-lived
//   `gpioset --mode=signal <chip> <offset>=<level>`. A new level means
//   SIGTERM, wait for exit, start a new gpioset: a gap of a few ms in which
//   the line is undriven. Relays and LEDs do not notice; anything that does
//   needs a native binding, not this backend.
// gpioset and gpiomon print nothing when they start well, so a start counts
// as good once the process is still alive `startupMs` later.

import type { Schedule } from '../ups/schedule';
import type { Unsubscribe } from '../ups/transport';
import { BoundedLineSplitter, classifyGpiodFailure, parseGpiogetOutput, parseGpiomonLine } from './gpiodParse';
import { childProcessRunner, type CommandOutcome, type CommandRunner, type LongCommand } from './runner';
import { gpioError, GPIO_OK, type GpioBackend, type GpioError, type GpioResult, type Level, type RawGpioLine, type RawLineRequest } from './types';

export interface GpiodCliOptions {
  schedule: Schedule;
  runner?: CommandRunner;
  /** How long a started gpioset/gpiomon must survive to count as started. */
  startupMs?: number;
  /** Deadline for one gpioget, and for a killed holder to exit. */
  commandTimeoutMs?: number;
  /** Tool paths, if not on PATH. */
  tools?: Partial<Record<'gpioget' | 'gpioset' | 'gpiomon', string>>;
}

export function gpiodCliBackend(options: GpiodCliOptions): GpioBackend {
  const o = {
    runner: options.runner ?? childProcessRunner,
    schedule: options.schedule,
    startupMs: options.startupMs ?? 150,
    commandTimeoutMs: options.commandTimeoutMs ?? 2000,
    tools: { gpioget: 'gpioget', gpioset: 'gpioset', gpiomon: 'gpiomon', ...options.tools },
  };
  return {
    kind: 'gpiod-cli',
    async open(request) {
      const line = new GpiodLine(request, o);
      if (request.direction === 'out') {
        const held = await line.writeLevel(request.initialLevel);
        if (!held.ok) return held;
      } else {
        // Read once so a wrong chip or offset fails at claim time, not at the first fence.
        const probe = await line.readLevel();
        if (!probe.ok) return probe;
      }
      return { ok: true, value: line };
    },
  };
}

type Resolved = Required<Omit<GpiodCliOptions, 'tools'>> & { tools: Record<'gpioget' | 'gpioset' | 'gpiomon', string> };

class GpiodLine implements RawGpioLine {
  private holder: LongCommand | null = null;
  private holderDied: CommandOutcome | null = null;
  private monitor: LongCommand | null = null;
  private level: Level | null = null;
  private closed = false;
  private readonly what: string;

  constructor(
    private readonly req: RawLineRequest,
    private readonly o: Resolved,
  ) {
    this.what = `GPIO line "${req.name}" (${req.chip} offset ${req.offset})`;
  }

  async readLevel(): Promise<GpioResult<Level>> {
    if (this.closed) return gpioError('closed', `${this.what} is released`);
    if (this.req.direction === 'out') {
      if (this.holderDied) return { ok: false, error: this.died('gpioset', this.holderDied) };
      return this.level === null ? gpioError('io-error', `${this.what} has not been driven yet`) : { ok: true, value: this.level };
    }
    if (this.monitor && this.level !== null) return { ok: true, value: this.level };
    const r = await this.o.runner.run(this.o.tools.gpioget, [...this.biasArgs(), this.req.chip, String(this.req.offset)], this.o.commandTimeoutMs);
    if (r.failure || r.code !== 0) return { ok: false, error: classifyGpiodFailure('gpioget', `cannot read ${this.what}`, r.stderr, r.failure) };
    const level = parseGpiogetOutput(r.stdout);
    if (!level.ok) return gpioError('io-error', `cannot read ${this.what}: ${level.error}`);
    if (!this.monitor) this.level = level.value;
    return level;
  }

  async writeLevel(level: Level): Promise<GpioResult<void>> {
    if (this.closed) return gpioError('closed', `${this.what} is released`);
    if (this.req.direction !== 'out') return gpioError('wrong-direction', `${this.what} is an input`);
    if (this.holder && !this.holder.exited && this.level === level) return GPIO_OK;
    await this.stopHolder();
    const args = ['--mode=signal', this.req.chip, `${this.req.offset}=${level}`];
    const started = await this.startAndSettle(this.o.tools.gpioset, args);
    if (!started.ok) {
      this.level = null;
      return { ok: false, error: classifyGpiodFailure('gpioset', `cannot drive ${this.what} to ${level}`, started.outcome.stderr, started.outcome.failure) };
    }
    this.holder = started.command;
    this.holderDied = null;
    this.level = level;
    started.command.onExit((outcome) => {
      if (this.holder === started.command && !this.closed) this.holderDied = outcome;
    });
    return GPIO_OK;
  }

  async watchLevels(onLevel: (level: Level) => void, onError: (error: GpioError) => void): Promise<GpioResult<Unsubscribe>> {
    if (this.closed) return gpioError('closed', `${this.what} is released`);
    if (this.req.direction !== 'in') return gpioError('wrong-direction', `${this.what} is an output`);
    if (this.monitor) return gpioError('busy', `${this.what} is already watched`);
    const splitter = new BoundedLineSplitter();
    const args = ['-b', ...this.biasArgs(), this.req.chip, String(this.req.offset)];
    const started = await this.startAndSettle(this.o.tools.gpiomon, args, (text) => {
      for (const line of splitter.push(text)) {
        const ev = parseGpiomonLine(line);
        // Lines that are not events (a banner from a future version) are skipped, not fatal.
        if (!ev.ok || ev.value.offset !== this.req.offset) continue;
        this.level = ev.value.edge === 'rising' ? 1 : 0;
        onLevel(this.level);
      }
    });
    if (!started.ok) return { ok: false, error: classifyGpiodFailure('gpiomon', `cannot watch ${this.what}`, started.outcome.stderr, started.outcome.failure) };
    const command = started.command;
    this.monitor = command;
    let stopping = false;
    command.onExit((outcome) => {
      if (this.monitor === command) this.monitor = null;
      if (!stopping && !this.closed) onError(this.died('gpiomon', outcome));
    });
    return {
      ok: true,
      value: () => {
        stopping = true;
        if (this.monitor === command) this.monitor = null;
        command.kill('SIGTERM');
      },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.monitor?.kill('SIGTERM');
    this.monitor = null;
    await this.stopHolder();
  }

  private biasArgs(): string[] {
    return this.req.bias === 'as-is' ? [] : [`--bias=${this.req.bias}`];
  }

  private died(tool: string, outcome: CommandOutcome): GpioError {
    return classifyGpiodFailure(tool, `${this.what}: ${tool} exited (code ${outcome.code ?? outcome.signal ?? '?'})`, outcome.stderr, outcome.failure);
  }

  private startAndSettle(
    tool: string,
    args: string[],
    onStdout?: (text: string) => void,
  ): Promise<{ ok: true; command: LongCommand } | { ok: false; outcome: CommandOutcome }> {
    return new Promise((resolve) => {
      const command = this.o.runner.start(tool, args);
      let done = false;
      if (onStdout) command.onStdout(onStdout);
      const cancel = this.o.schedule(this.o.startupMs, () => {
        if (done) return;
        done = true;
        resolve({ ok: true, command });
      });
      command.onExit((outcome) => {
        if (done) return;
        done = true;
        cancel();
        resolve({ ok: false, outcome });
      });
    });
  }

  /** Kill the gpioset holding the line and wait (bounded) until it has let go, so the next one is not EBUSY. */
  private stopHolder(): Promise<void> {
    const holder = this.holder;
    this.holder = null;
    if (!holder || holder.exited) return Promise.resolve();
    return new Promise((resolve) => {
      const cancel = this.o.schedule(this.o.commandTimeoutMs, () => {
        holder.kill('SIGKILL');
        resolve();
      });
      holder.onExit(() => {
        cancel();
        resolve();
      });
      holder.kill('SIGTERM');
    });
  }
}
