// The hardware commands of the edge-ha CLI:
//   edge-ha probe ups  --driver megatec|apcsmart|nut ... [--json] [--timeout-ms MS]
//   edge-ha probe raid --driver md|areca-cli|areca ...  [--json] [--timeout-ms MS]
//   edge-ha sim-device <kind> --link PATH [...]
// See docs/hardware.md for examples and exit codes.

import type { Command } from 'commander';
import { processDeps, type HardwareCliDeps } from './deps';
import { registerProbeCommands, runner } from './probeCommands';
import { registerSimDeviceCommand } from './simDeviceCommand';

export { EXIT_CRITICAL, EXIT_OK, EXIT_UNREACHABLE, EXIT_USAGE, EXIT_WARNING, HardwareCliExit, HardwareUsageError, type ProbeHealth } from './exitCodes';
export type { HardwareCliDeps } from './deps';
export { probeUps, judgeUpsReading, UPS_DRIVERS, type UpsProbeReport, type UpsProbeTarget } from './upsProbe';
export { probeRaid, type RaidProbeTarget } from './raidProbe';
export { judgeRaid, RAID_DRIVERS, type RaidArrayReport, type RaidProbeReport } from './raidReport';
export { formatUpsReport, explainStatus } from './upsFormat';
export { formatRaidReport } from './raidFormat';
export { ArecaSerialClient } from './arecaSerialClient';
export { readArecaController } from './arecaSerialProbe';
export { simDevice, SIM_DEVICE_KINDS } from './simDeviceCommand';

/**
 * Adds `probe` (with `probe ups` and `probe raid`) and `sim-device`. Each
 * command ends through `deps.exit` (default: process.exit with its code,
 * because main() would report its own code instead); tests pass their own.
 */
export function registerHardwareCommands(program: Command, deps: Partial<HardwareCliDeps> = {}): void {
  const all: HardwareCliDeps = { ...processDeps(), ...deps };
  const run = runner(all);
  registerProbeCommands(program, all, run);
  registerSimDeviceCommand(program, all, run);
}
