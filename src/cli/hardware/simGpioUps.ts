// `edge-ha sim-device ups-gpio --link DIR`: a dry-contact UPS (relay
// contacts for "on battery" and "battery low", NUT genericups style) wired to
// simulated GPIO inputs. This process is the world side of hw/gpio's file
// bridge: it writes DIR/inputs.json, which the host's startGpioFileBridge
// polls to drive its SimGpioChip lines `on-battery` and `low-battery`.
// Steered like the serial UPSes: {"set":{"onBattery":true}} on stdin.

import { existsSync, mkdirSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { writeGpioInputsFile } from '../../../hw/gpio/simFileBridge';
import { parseControlLine } from '../../../hw/simdevice/control';
import { attachControl, type ControlReply } from './controlLines';
import { stopOnce, type RunningSim } from './simRunning';

/** File names and line names the host's bridge must be configured with. */
export const GPIO_UPS_INPUTS_FILE = 'inputs.json';
export const GPIO_UPS_ON_BATTERY_LINE = 'on-battery';
export const GPIO_UPS_LOW_BATTERY_LINE = 'low-battery';

export interface GpioUpsSimOptions {
  /** The bridge directory (created if missing). */
  dir: string;
  stdin: Readable;
  stdout: Writable;
  /** Contacts pulled up and closing to ground: asserted is level 0. */
  activeLow?: boolean;
}

export async function runGpioUpsSim(o: GpioUpsSimOptions): Promise<RunningSim> {
  const createdDir = !existsSync(o.dir);
  mkdirSync(o.dir, { recursive: true });
  const inputsPath = join(o.dir, GPIO_UPS_INPUTS_FILE);
  const state = { onBattery: false, lowBattery: false };
  const level = (asserted: boolean): 0 | 1 => (asserted !== (o.activeLow === true) ? 1 : 0);
  const publish = () =>
    writeGpioInputsFile(inputsPath, { [GPIO_UPS_ON_BATTERY_LINE]: level(state.onBattery), [GPIO_UPS_LOW_BATTERY_LINE]: level(state.lowBattery) });
  await publish();
  const { done, stop } = stopOnce(async () => {
    control.detach();
    rmSync(inputsPath, { force: true });
    if (createdDir) removeIfEmpty(o.dir);
  });
  const execute = async (line: string): Promise<ControlReply> => {
    const cmd = parseControlLine(line);
    if (!cmd.ok) return { ok: false, error: cmd.error };
    const c = cmd.value;
    if (c.kind === 'set') {
      const other = Object.keys(c.set).filter((k) => k !== 'onBattery' && k !== 'lowBattery');
      if (other.length > 0) return { ok: false, command: 'set', error: `ups-gpio has only the onBattery and lowBattery contacts; cannot set ${other.join(', ')}` };
      if (c.set.onBattery !== undefined) state.onBattery = c.set.onBattery;
      if (c.set.lowBattery !== undefined) state.lowBattery = c.set.lowBattery;
      await publish();
    } else if (c.kind !== 'status') {
      return { ok: false, command: c.kind, error: `ups-gpio cannot ${c.kind}: a dry-contact UPS has only the onBattery and lowBattery contacts` };
    }
    return { ok: true, command: c.kind, state: { ...state } };
  };
  const control = attachControl(o.stdin, o.stdout, execute, () => void stop());
  control.reply({ ready: true, kind: 'ups-gpio', link: o.dir, inputs: inputsPath, lines: [GPIO_UPS_ON_BATTERY_LINE, GPIO_UPS_LOW_BATTERY_LINE], activeLow: o.activeLow === true, state: { ...state } });
  return { kind: 'ups-gpio', linkPath: o.dir, done, stop };
}

/** The host may have left its outputs file there; then the directory stays. */
function removeIfEmpty(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // not empty or already gone: either way nothing of ours is left in it
  }
}
