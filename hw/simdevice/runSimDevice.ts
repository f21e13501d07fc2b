// The logic behind `edge-ha sim-device <kind> --link PATH [--from-dump FILE]`:
// a simulated serial UPS on one end of a PTY pair whose other end is PATH, so
// a driver (ours or NUT's) opens PATH as if it were the UPS's serial port. It
// is steered by JSON lines on stdin and answers each with one JSON line.

import { readFileSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { parseNutDump } from '../ups/nutDump';
import { timerSchedule, type Cancel, type Schedule } from '../ups/schedule';
import { BoundedLines, parseControlLine, CONTROL_MAX_LINE_CHARS, type ControlCommand } from './control';
import { openPtyPair } from './ptyPair';
import { hostOnSerial, type SerialHost } from './serialHost';
import { createSimUps, DEFAULT_APC_VARS, DEFAULT_MEGATEC_VARS, SIM_UPS_KINDS, type SimUps, type SimUpsKind, type SimUpsState } from './simUps';

export const DRAIN_TICK_MS = 1000;
/** Charge at which draining raises low battery. */
export const DRAIN_LOW_BATTERY_PERCENT = 20;

export interface RunSimDeviceOptions {
  kind: string;
  linkPath: string;
  /** A nut-ddl .dev file or saved `upsc` output to seed the device from. */
  fromDump?: string;
  stdin: Readable;
  stdout: Writable;
  schedule?: Schedule;
  drainTickMs?: number;
}

export interface RunningSimDevice {
  readonly kind: SimUpsKind;
  readonly linkPath: string;
  state(): SimUpsState;
  /** Resolves once stopped (stdin ended, socat died, or stop()). */
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

export function isSimUpsKind(kind: string): kind is SimUpsKind {
  return (SIM_UPS_KINDS as readonly string[]).includes(kind);
}

/** Seed variables: the dump's, or the built-in defaults. Throws with a message naming the file. */
export function loadSeedVars(kind: SimUpsKind, fromDump?: string): Map<string, string> {
  if (fromDump === undefined) return new Map(kind === 'ups-megatec' ? DEFAULT_MEGATEC_VARS : DEFAULT_APC_VARS);
  let text: string;
  try {
    text = readFileSync(fromDump, 'utf8');
  } catch (e) {
    throw new Error(`cannot read dump ${fromDump}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const dump = parseNutDump(text);
  if (!dump.ok) throw new Error(`dump ${fromDump}: ${dump.error}`);
  if (!dump.value.vars.has('ups.status')) throw new Error(`dump ${fromDump} has no ups.status line`);
  return dump.value.vars;
}

export async function runSimDevice(opts: RunSimDeviceOptions): Promise<RunningSimDevice> {
  if (!isSimUpsKind(opts.kind)) throw new Error(`unknown device kind "${opts.kind}" (known: ${SIM_UPS_KINDS.join(', ')})`);
  const kind = opts.kind;
  const schedule = opts.schedule ?? timerSchedule;
  const ups = createSimUps(kind, loadSeedVars(kind, opts.fromDump), schedule);
  const pty = await openPtyPair(opts.linkPath);
  let host: SerialHost;
  try {
    host = await hostOnSerial(ups.device, pty.simEndPath);
  } catch (e) {
    await pty.close();
    throw e;
  }
  const reply = (obj: object) => void opts.stdout.write(`${JSON.stringify(obj)}\n`);
  const drain = new Drainer(ups, schedule, opts.drainTickMs ?? DRAIN_TICK_MS);
  let stopping: Promise<void> | null = null;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const stop = () =>
    (stopping ??= (async () => {
      drain.setRate(0);
      opts.stdin.off('data', onData);
      await host.close();
      await pty.close();
      finish();
    })());
  const lines = new BoundedLines(CONTROL_MAX_LINE_CHARS);
  let chain = Promise.resolve(); // replies in the order the commands came
  const onData = (chunk: Buffer | string) => {
    for (const line of lines.push(chunk.toString())) {
      if (line !== null && line.trim() === '') continue;
      chain = chain.then(() => execute(line)).then(reply, () => undefined);
    }
  };
  const execute = async (line: string | null): Promise<object> => {
    if (line === null) return { ok: false, error: `command line longer than ${CONTROL_MAX_LINE_CHARS} characters ignored` };
    const cmd = parseControlLine(line);
    if (!cmd.ok) return { ok: false, error: cmd.error };
    try {
      await apply(cmd.value, ups, drain, host);
    } catch (e) {
      return { ok: false, command: cmd.value.kind, error: e instanceof Error ? e.message : String(e) };
    }
    return { ok: true, command: cmd.value.kind, state: ups.state() };
  };
  opts.stdin.on('data', onData);
  opts.stdin.once('end', () => void stop());
  void pty.exited.then(({ code, stderr }) => {
    if (stopping) return;
    reply({ event: 'exited', error: `socat exited (code ${code}): ${stderr.trim() || 'no message'}` });
    void stop();
  });
  if (ups.problems.length > 0) reply({ event: 'seed-problems', problems: ups.problems });
  reply({ ready: true, kind, link: pty.devicePath, state: ups.state() });
  return { kind, linkPath: pty.devicePath, state: () => ups.state(), done, stop };
}

async function apply(cmd: ControlCommand, ups: SimUps, drain: Drainer, host: SerialHost): Promise<void> {
  switch (cmd.kind) {
    case 'set': {
      const s = cmd.set;
      if (s.charge !== undefined) ups.setCharge(s.charge);
      if (s.inputVoltage !== undefined) ups.setInputVoltage(s.inputVoltage);
      if (s.load !== undefined) ups.setLoad(s.load);
      if (s.onBattery !== undefined) ups.setOnBattery(s.onBattery);
      if (s.lowBattery !== undefined) ups.setLowBattery(s.lowBattery);
      return;
    }
    case 'drain':
      return drain.setRate(cmd.percentPerMin);
    case 'unplug':
    case 'plug':
      return ups.setUnplugged(cmd.kind === 'unplug');
    case 'garbage': {
      const bytes = new Uint8Array(cmd.bytes);
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
      return host.inject(bytes);
    }
    case 'status':
      return;
  }
}

/** Takes charge away on a tick while on battery; raises LB at the threshold, as a real pack would. */
class Drainer {
  private rate = 0;
  private cancel: Cancel | null = null;

  constructor(
    private readonly ups: SimUps,
    private readonly schedule: Schedule,
    private readonly tickMs: number,
  ) {}

  setRate(percentPerMin: number): void {
    this.rate = percentPerMin;
    this.cancel?.();
    this.cancel = null;
    if (percentPerMin > 0) this.arm();
  }

  private arm(): void {
    this.cancel = this.schedule(this.tickMs, () => {
      const s = this.ups.state();
      if (s.onBattery && s.charge > 0) {
        this.ups.adjustCharge(-(this.rate * this.tickMs) / 60_000);
        if (this.ups.state().charge <= DRAIN_LOW_BATTERY_PERCENT && !s.lowBattery) this.ups.setLowBattery(true);
      }
      this.arm();
    });
  }
}

