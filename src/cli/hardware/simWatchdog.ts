// `edge-ha sim-device watchdog --link PATH`: hw/watchdog's FIFO simulator of
// /dev/watchdog at PATH. The daemon (or `echo > PATH`) opens and writes it
// like the real device; a missed keepalive is reported as a "reset" event
// line instead of rebooting anything.

import type { Readable, Writable } from 'node:stream';
import { FifoWatchdogSim } from '../../../hw/watchdog/sim/fifoSim';
import { attachControl, parseCommandObject, type ControlReply } from './controlLines';
import { stopOnce, type RunningSim } from './simRunning';

/** The usual driver default (softdog, iTCO_wdt: 60 s, reference §7.1). */
export const WATCHDOG_SIM_TIMEOUT_MS = 60_000;

export interface WatchdogSimOptions {
  path: string;
  timeoutMs?: number;
  nowayout?: boolean;
  stdin: Readable;
  stdout: Writable;
}

export async function runWatchdogSim(o: WatchdogSimOptions): Promise<RunningSim> {
  let reply: (obj: ControlReply) => void = () => undefined;
  const sim = new FifoWatchdogSim({
    path: o.path,
    timeoutMs: o.timeoutMs ?? WATCHDOG_SIM_TIMEOUT_MS,
    nowayout: o.nowayout,
    onReset: (reason) => reply({ event: 'reset', reason }),
  });
  await sim.start();
  const state = () => ({ state: sim.core.state, timeLeftMs: sim.core.timeLeftMs(), resets: sim.core.resets });
  const { done, stop } = stopOnce(async () => {
    control.detach();
    await sim.stop();
  });
  const execute = (line: string): ControlReply => {
    const cmd = parseCommandObject(line, ['status']);
    if (!cmd.ok) return { ok: false, error: cmd.error };
    if (cmd.arg !== true) return { ok: false, command: cmd.key, error: 'status takes the value true' };
    return { ok: true, command: 'status', state: state() };
  };
  const control = attachControl(o.stdin, o.stdout, execute, () => void stop());
  reply = control.reply;
  reply({ ready: true, kind: 'watchdog', link: o.path, timeoutMs: o.timeoutMs ?? WATCHDOG_SIM_TIMEOUT_MS, state: state() });
  return { kind: 'watchdog', linkPath: o.path, done, stop };
}
