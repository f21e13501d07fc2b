import fc from 'fast-check';
import { gpiodCliBackend } from '../../../hw/gpio/gpiodCli';
import { BoundedLineSplitter, classifyGpiodFailure, parseGpiogetOutput, parseGpiomonLine } from '../../../hw/gpio/gpiodParse';
import { openGpioLine, type GpioClock } from '../../../hw/gpio/line';
import type { CommandOutcome, CommandRunner, LongCommand } from '../../../hw/gpio/runner';
import type { GpioEvent, GpioLine, GpioLineConfig, Level } from '../../../hw/gpio/types';
import { ManualClock } from '../../../hw/ups/sim/manualClock';

class FakeCommand implements LongCommand {
  private readonly out: Array<(t: string) => void> = [];
  private readonly exits: Array<(o: CommandOutcome) => void> = [];
  private outcome: CommandOutcome | null = null;
  readonly signals: string[] = [];

  constructor(readonly argv: string[]) {}

  get exited(): boolean {
    return this.outcome !== null;
  }

  onStdout(l: (t: string) => void): void {
    this.out.push(l);
  }

  onExit(l: (o: CommandOutcome) => void): void {
    if (this.outcome) {
      const o = this.outcome;
      queueMicrotask(() => l(o));
    } else this.exits.push(l);
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    this.signals.push(signal);
    queueMicrotask(() => this.exit({ code: null, signal, stdout: '', stderr: '' }));
  }

  print(text: string): void {
    for (const l of this.out) l(text);
  }

  exit(o: CommandOutcome): void {
    if (this.outcome) return;
    this.outcome = o;
    for (const l of this.exits) l(o);
  }
}

/** Answers like gpiod 1.6 on a chip whose input levels the test sets. */
class FakeGpiod implements CommandRunner {
  readonly runs: string[][] = [];
  readonly started: FakeCommand[] = [];
  readonly levels = new Map<number, Level>();
  /** stderr for a start that fails at once (e.g. EBUSY). */
  startFailure: string | null = null;
  runOutcome: Partial<CommandOutcome> | null = null;

  async run(command: string, args: readonly string[]): Promise<CommandOutcome> {
    this.runs.push([command, ...args]);
    if (this.runOutcome) return { code: 1, signal: null, stdout: '', stderr: '', ...this.runOutcome };
    const offset = Number(args[args.length - 1]);
    return { code: 0, signal: null, stdout: `${this.levels.get(offset) ?? 0}\n`, stderr: '' };
  }

  start(command: string, args: readonly string[]): LongCommand {
    const c = new FakeCommand([command, ...args]);
    this.started.push(c);
    if (this.startFailure !== null) {
      const stderr = this.startFailure;
      queueMicrotask(() => c.exit({ code: 1, signal: null, stdout: '', stderr }));
    }
    return c;
  }

  alive(tool: string): FakeCommand[] {
    return this.started.filter((c) => c.argv[0] === tool && !c.exited);
  }
}

function rig() {
  const clock = new ManualClock();
  const gclock: GpioClock = { schedule: clock.schedule, nowMs: () => clock.nowMs };
  const runner = new FakeGpiod();
  const backend = gpiodCliBackend({ schedule: clock.schedule, runner, startupMs: 100, commandTimeoutMs: 1000 });
  const open = async (cfg: GpioLineConfig): Promise<GpioLine> => {
    const r = await clock.settle(openGpioLine(backend, cfg, gclock));
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  };
  return { clock, runner, backend, gclock, open };
}

describe('gpiod CLI backend (fake runner)', () => {
  it('holds an output with one gpioset --mode=signal and restarts it for a new level', async () => {
    const { clock, runner, open } = rig();
    const relay = await open({ name: 'relay', chip: 'gpiochip0', offset: 17, direction: 'out', activeLow: true });
    expect(runner.started.map((c) => c.argv.join(' '))).toEqual(['gpioset --mode=signal gpiochip0 17=1']);
    expect(await clock.settle(relay.write(true))).toEqual({ ok: true, value: undefined });
    expect(runner.started[0]!.signals).toEqual(['SIGTERM']);
    expect(runner.alive('gpioset').map((c) => c.argv.at(-1))).toEqual(['17=0']);
    // Same level again: no new process.
    await clock.settle(relay.write(true));
    expect(runner.started).toHaveLength(2);
    expect(await relay.read()).toEqual({ ok: true, value: true });
    // The holder dies behind our back: reads say so instead of answering a stale value.
    runner.alive('gpioset')[0]!.exit({ code: 1, signal: null, stdout: '', stderr: 'gpioset: error setting the GPIO line values: No such device\n' });
    expect(await relay.read()).toMatchObject({ ok: false, error: { message: expect.stringContaining('No such device') } });
    await relay.close();
    expect(runner.alive('gpioset')).toEqual([]);
  });

  it('fails the claim with the tool message when gpioset exits at once (EBUSY)', async () => {
    const { clock, runner, backend, gclock } = rig();
    runner.startFailure = 'gpioset: error setting the GPIO line values: Device or resource busy\n';
    const r = await clock.settle(openGpioLine(backend, { name: 'relay', chip: 'gpiochip0', offset: 17, direction: 'out' }, gclock));
    expect(r).toEqual({
      ok: false,
      error: { kind: 'busy', message: 'cannot drive GPIO line "relay" (gpiochip0 offset 17) to 0: gpioset: error setting the GPIO line values: Device or resource busy' },
    });
  });

  it('reads inputs with gpioget, passing bias, and names a missing tool or garbage output', async () => {
    const { clock, runner, backend, gclock, open } = rig();
    runner.levels.set(4, 1);
    const pg = await open({ name: 'pg', chip: 'gpiochip1', offset: 4, direction: 'in', bias: 'pull-up', activeLow: true });
    expect(await pg.read()).toEqual({ ok: true, value: false });
    expect(runner.runs.at(-1)).toEqual(['gpioget', '--bias=pull-up', 'gpiochip1', '4']);
    runner.runOutcome = { code: 0, stdout: 'high\n' };
    expect(await pg.read()).toEqual({ ok: false, error: { kind: 'io-error', message: 'cannot read GPIO line "pg" (gpiochip1 offset 4): gpioget printed "high\\n", expected 0 or 1' } });
    runner.runOutcome = { code: null, failure: 'gpioget: not found' };
    const r = await clock.settle(openGpioLine(backend, { name: 'x', chip: 'gpiochip1', offset: 5, direction: 'in' }, gclock));
    expect(r).toMatchObject({ ok: false, error: { kind: 'unavailable', message: expect.stringContaining('gpioget is not installed (Debian package gpiod)') } });
  });

  it('watches with gpiomon, parsing split lines, skipping junk and other offsets, and reports its death', async () => {
    const { clock, runner, open } = rig();
    const flush = (): Promise<void> => new Promise((r) => setImmediate(r));
    runner.levels.set(4, 0);
    const pg = await open({ name: 'pg', chip: 'gpiochip0', offset: 4, direction: 'in' });
    const events: GpioEvent[] = [];
    pg.watch((e) => events.push(e));
    await flush();
    const mon = runner.alive('gpiomon')[0]!;
    expect(mon.argv).toEqual(['gpiomon', '-b', 'gpiochip0', '4']);
    clock.advance(100); // gpiomon survived its startup window
    await flush();
    mon.print('event:  RISING EDGE offset: 4 timestamp: [     12');
    mon.print('34.000000001]\nsomething unexpected\nevent: FALLING EDGE offset: 9 timestamp: [1.000000000]\n');
    mon.print('event: FALLING EDGE offset: 4 timestamp: [    1234.500000000]\n');
    expect(events.map((e) => (e.type === 'edge' ? e.active : e.error.kind))).toEqual([true, false]);
    const runsBefore = runner.runs.length;
    expect(await pg.read()).toEqual({ ok: true, value: false });
    expect(runner.runs.length).toBe(runsBefore); // answered from the monitor: a gpioget would be EBUSY
    mon.exit({ code: 1, signal: null, stdout: '', stderr: 'gpiomon: error waiting for events: No such device\n' });
    expect(events.at(-1)).toEqual({ type: 'error', error: { kind: 'no-such-line', message: expect.stringContaining('error waiting for events: No such device') } });
    // After the monitor died, reads go back to gpioget.
    await pg.read();
    expect(runner.runs.length).toBe(runsBefore + 1);
  });

  it('stops gpiomon when the last listener goes', async () => {
    const { clock, runner, open } = rig();
    const pg = await open({ name: 'pg', chip: 'gpiochip0', offset: 4, direction: 'in' });
    const stop = pg.watch(() => undefined);
    await new Promise((r) => setImmediate(r));
    clock.advance(100);
    await new Promise((r) => setImmediate(r));
    const mon = runner.alive('gpiomon')[0]!;
    stop();
    expect(mon.signals).toEqual(['SIGTERM']);
  });
});

describe('gpiod output parsing', () => {
  it('reads gpiomon 1.6 default lines', () => {
    expect(parseGpiomonLine('event:  RISING EDGE offset: 17 timestamp: [    1234.000000001]')).toEqual({ ok: true, value: { edge: 'rising', offset: 17, timestampMs: 1234000.000001 } });
    expect(parseGpiomonLine('event: FALLING EDGE offset: 0 timestamp: [       5.250000000]')).toEqual({ ok: true, value: { edge: 'falling', offset: 0, timestampMs: 5250 } });
    expect(parseGpiomonLine('event: SIDEWAYS EDGE offset: 0 timestamp: [1.000000000]').ok).toBe(false);
    expect(parseGpiogetOutput('1\n')).toEqual({ ok: true, value: 1 });
    expect(parseGpiogetOutput('0 1\n').ok).toBe(false);
  });

  it('never throws on arbitrary text and bounds unfinished lines', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        const r = parseGpiomonLine(s);
        if (r.ok) expect(Number.isInteger(r.value.offset) && ['rising', 'falling'].includes(r.value.edge)).toBe(true);
        else expect(r.error).toContain('not a gpiomon event line');
        const g = parseGpiogetOutput(s);
        expect(g.ok).toBe(s.trim() === '0' || s.trim() === '1');
      }),
    );
    const split = new BoundedLineSplitter(10);
    expect(split.push('short\nthis line is far too long')).toEqual(['short']);
    expect(split.push(' and still going\nok\n')).toEqual(['ok']);
    expect(split.dropped).toBe(1);
  });

  it('classifies tool errors by errno text', () => {
    expect(classifyGpiodFailure('gpioget', 'cannot read x', 'gpioget: error reading GPIO values: Permission denied\n').kind).toBe('unavailable');
    expect(classifyGpiodFailure('gpioget', 'cannot read x', 'gpioget: unable to open chip: No such file or directory\n').kind).toBe('no-such-line');
    expect(classifyGpiodFailure('gpioget', 'cannot read x', 'weird\n')).toEqual({ kind: 'io-error', message: 'cannot read x: weird' });
  });
});
