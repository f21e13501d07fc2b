// `edge-ha sim-device <kind> --link PATH`: a simulated device served
// standalone until stdin ends or Ctrl-C, steered by JSON lines on stdin with
// one JSON reply per line on stdout. Exit 0 when stopped, 1 when it could not
// start (socat missing, link path taken), 64 on a usage error.

import type { Command } from 'commander';
import { isSimUpsKind, loadSeedVars, runSimDevice } from '../../../hw/simdevice/runSimDevice';
import type { HardwareCliDeps } from './deps';
import { EXIT_OK, EXIT_WARNING, HardwareUsageError } from './exitCodes';
import { parseTimeoutMs } from './probeOptions';
import { usageExits, type Runner } from './probeCommands';
import { runArecaSim } from './simAreca';
import { runGpioUpsSim } from './simGpioUps';
import type { RunningSim } from './simRunning';
import { runWatchdogSim, WATCHDOG_SIM_TIMEOUT_MS } from './simWatchdog';

export const SIM_DEVICE_KINDS = ['ups-megatec', 'ups-apcsmart', 'ups-gpio', 'raid-areca', 'watchdog'] as const;
export type SimDeviceKind = (typeof SIM_DEVICE_KINDS)[number];

export interface SimDeviceOptions {
  link: string;
  fromDump?: string;
  activeLow?: boolean;
  members?: string;
  timeoutMs?: string;
  nowayout?: boolean;
}

const HELP = `
Kinds and --link:
  ups-megatec, ups-apcsmart   PATH becomes a pty (socat) that a driver opens as the UPS's serial port
  raid-areca                  PATH becomes a pty serving the Areca RS-232 API (password 0000)
  ups-gpio                    PATH is a directory: inputs.json drives the lines on-battery, low-battery
  watchdog                    PATH becomes a FIFO that behaves like /dev/watchdog
Control (one JSON object per stdin line; each gets a JSON reply on stdout):
  UPS kinds   {"set":{"onBattery":true}} {"set":{"lowBattery":true,"charge":15}} {"drain":{"percentPerMin":5}}
              {"unplug":true} {"plug":true} {"garbage":100} {"status":true}   (ups-gpio: set onBattery/lowBattery, status)
  raid-areca  {"failDisk":1} {"replaceDisk":1} {"heal":true} {"set":{"volume":0,"status":["rebuilding"],"progress":500}}
              {"fault":"drop"} {"fault":{"garbage":20}} {"unplug":true} {"plug":true} {"status":true}
  watchdog    {"status":true}; a missed keepalive prints {"event":"reset",...}
Ctrl-C or end of input stops it and removes what it created at PATH.

Examples:
  edge-ha sim-device ups-megatec --link /tmp/ttyUPS0
  edge-ha sim-device ups-apcsmart --link /tmp/ttyUPS1 --from-dump APC__Smart-UPS_1500__apcsmart__2.2.1__01.dev
  edge-ha sim-device raid-areca --link /tmp/ttyARECA --members 4
  (echo '{"set":{"onBattery":true}}'; sleep 600) | edge-ha sim-device ups-gpio --link /tmp/ups-gpio`;

export function registerSimDeviceCommand(program: Command, deps: HardwareCliDeps, run: Runner): void {
  const cmd = program
    .command('sim-device')
    .description(`run a simulated device standalone (${SIM_DEVICE_KINDS.join(', ')}), steered by JSON lines on stdin`)
    .argument('<kind>', SIM_DEVICE_KINDS.join(' | '))
    .requiredOption('--link <path>', 'where the host finds the device (pty link, bridge directory or FIFO)')
    .option('--from-dump <file>', 'ups-megatec, ups-apcsmart: seed from a nut-ddl .dev file or saved upsc output')
    .option('--active-low', 'ups-gpio: contacts read 0 when asserted (pulled up, closing to ground)')
    .option('--members <n>', 'raid-areca: disks in the raid5 set (default 3)')
    .option('--timeout-ms <ms>', `watchdog: time without a keepalive before the simulated reset (default ${WATCHDOG_SIM_TIMEOUT_MS})`)
    .option('--nowayout', 'watchdog: ignore the magic close, like the nowayout module parameter')
    .addHelpText('after', HELP);
  usageExits(cmd, deps);
  cmd.action(run((kind: string, o: SimDeviceOptions) => simDevice(kind, o, deps), EXIT_WARNING));
}

/** Options a kind does not take are usage errors, not silently ignored. */
function checkOptions(kind: SimDeviceKind, o: SimDeviceOptions): void {
  const takes: Record<string, SimDeviceKind[]> = {
    fromDump: ['ups-megatec', 'ups-apcsmart'],
    activeLow: ['ups-gpio'],
    members: ['raid-areca'],
    timeoutMs: ['watchdog'],
    nowayout: ['watchdog'],
  };
  const flag: Record<string, string> = { fromDump: '--from-dump', activeLow: '--active-low', members: '--members', timeoutMs: '--timeout-ms', nowayout: '--nowayout' };
  for (const [key, kinds] of Object.entries(takes)) {
    if ((o as unknown as Record<string, unknown>)[key] !== undefined && !kinds.includes(kind)) {
      throw new HardwareUsageError(`${flag[key]} is for ${kinds.join(', ')}, not ${kind}`);
    }
  }
  if (o.link.trim() === '') throw new HardwareUsageError('--link: empty path');
}

function parseMembers(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 32) throw new HardwareUsageError(`--members: expected 1..32 disks, got ${JSON.stringify(text)}`);
  return n;
}

async function start(kind: SimDeviceKind, o: SimDeviceOptions, deps: HardwareCliDeps): Promise<RunningSim> {
  const io = { stdin: deps.stdin, stdout: deps.stdout };
  switch (kind) {
    case 'ups-megatec':
    case 'ups-apcsmart':
      return runSimDevice({ kind, linkPath: o.link, ...(o.fromDump !== undefined ? { fromDump: o.fromDump } : {}), ...io });
    case 'raid-areca':
      return runArecaSim({ linkPath: o.link, memberCount: parseMembers(o.members), ...io });
    case 'ups-gpio':
      return runGpioUpsSim({ dir: o.link, activeLow: o.activeLow === true, ...io });
    case 'watchdog':
      return runWatchdogSim({ path: o.link, timeoutMs: parseTimeoutMs(o.timeoutMs), nowayout: o.nowayout === true, ...io });
  }
}

export async function simDevice(kind: string, o: SimDeviceOptions, deps: HardwareCliDeps): Promise<number> {
  if (!(SIM_DEVICE_KINDS as readonly string[]).includes(kind)) {
    throw new HardwareUsageError(`unknown device kind ${JSON.stringify(kind)}; kinds: ${SIM_DEVICE_KINDS.join(', ')}`);
  }
  const k = kind as SimDeviceKind;
  checkOptions(k, o);
  if (isSimUpsKind(k) && o.fromDump !== undefined) {
    // A dump that cannot be used is the operator's mistake (64), found before any pty is made.
    try {
      loadSeedVars(k, o.fromDump);
    } catch (e) {
      throw new HardwareUsageError(`--from-dump: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  parseMembers(o.members);
  parseTimeoutMs(o.timeoutMs);
  let sim: RunningSim;
  try {
    sim = await start(k, o, deps);
  } catch (e) {
    deps.err(`edge-ha: sim-device ${k} could not start: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT_WARNING;
  }
  const stopListening = deps.onInterrupt(() => void sim.stop());
  await sim.done;
  stopListening();
  return EXIT_OK;
}
