// The board of `edge-ha pair` and the lab: every device is a simulator in the
// node's run directory, and GPIO is an in-memory chip bridged to two JSON
// files (hw/gpio/simFileBridge.ts), so another process can flip the UPS
// contacts and watch the LEDs and relays.
//
// The paths are fixed names under the run dir given at load time, so the
// supervisor that starts the simulators (pair, sim-device) and the daemon
// that opens them agree without passing each path around:
//   ups.tty         socat pty link of the Megatec/APC simulator (hw/simdevice/ptyPair.ts)
//   mdstat          the md status file the supervisor rewrites to fail/recover a disk
//   watchdog.fifo   the FIFO watchdog simulator (hw/watchdog/sim/fifoSim.ts)
//   gpio/inputs.json, gpio/outputs.json   the GPIO bridge files; `sim-device ups-gpio
//                   --link <run dir>/gpio` writes inputs.json with the lines
//                   on-battery and low-battery (src/cli/hardware/simGpioUps.ts)
// No crossover NIC: the simulated pair talks over loopback, which has no cable to pull.

import { isAbsolute, join } from 'node:path';
import { err, ok, type Result } from '../../ups/result';
import type { BoardProfile } from '../types';

export const SIM_GPIO_CHIP = 'sim-gpio0';
/** One name per offset of the simulated chip. */
export const SIM_GPIO_LINE_NAMES = ['on-battery', 'low-battery', 'led-active', 'led-standby', 'led-fault', 'peer-power', 'peer-reset'] as const;

export interface SimulatedBoardPaths {
  upsTty: string;
  mdstat: string;
  watchdogFifo: string;
  gpioDir: string;
  gpioInputsFile: string;
  gpioOutputsFile: string;
}

export function simulatedBoardPaths(runDir: string): SimulatedBoardPaths {
  const gpioDir = join(runDir, 'gpio');
  return {
    upsTty: join(runDir, 'ups.tty'),
    mdstat: join(runDir, 'mdstat'),
    watchdogFifo: join(runDir, 'watchdog.fifo'),
    gpioDir,
    gpioInputsFile: join(gpioDir, 'inputs.json'),
    gpioOutputsFile: join(gpioDir, 'outputs.json'),
  };
}

function simLine(name: (typeof SIM_GPIO_LINE_NAMES)[number]) {
  return { chip: SIM_GPIO_CHIP, line: SIM_GPIO_LINE_NAMES.indexOf(name), activeLow: false };
}

/** The simulated board for the node whose run directory is `runDir` (absolute). */
export function simulatedBoard(runDir: string | undefined): Result<BoardProfile, string> {
  if (runDir === undefined || runDir.trim() === '') {
    return err('board "simulated": expected a run directory to put its simulated devices in, got nothing (pass runDir)');
  }
  if (!isAbsolute(runDir)) return err(`board "simulated": expected an absolute run directory, got ${JSON.stringify(runDir)}`);
  // The UPS pty path goes into a link URL, which has no escapes for these.
  if (/[\s?\0]/.test(runDir)) return err(`board "simulated": expected a run directory without spaces or "?", got ${JSON.stringify(runDir)}`);
  const p = simulatedBoardPaths(runDir);
  return ok({
    name: 'simulated',
    description: `simulated devices in ${runDir}: UPS pty, mdstat file, FIFO watchdog, GPIO file bridge`,
    gpioBackend: 'sim',
    chips: {},
    simGpio: { chip: SIM_GPIO_CHIP, lineNames: [...SIM_GPIO_LINE_NAMES], inputsFile: p.gpioInputsFile, outputsFile: p.gpioOutputsFile },
    ups: { link: `serial:${p.upsTty}?baud=2400` },
    raid: [{ driver: 'md', mdstat: p.mdstat }],
    watchdog: { kind: 'device', device: p.watchdogFifo },
    relays: { peerPower: simLine('peer-power'), peerReset: simLine('peer-reset') },
    leds: { active: simLine('led-active'), standby: simLine('led-standby'), fault: simLine('led-fault') },
    inputs: { onBattery: simLine('on-battery'), lowBattery: simLine('low-battery') },
  });
}
