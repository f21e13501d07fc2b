// Builds the fencer's levels from the configuration: `fencing.levels` when it
// is given, else each device on its own level in config order (the behaviour
// before topologies existed). One device object per configured device, even
// when several levels name it, so a device is never driven twice at once.

import type { Config } from '../../config/types';
import type { CommandFenceDeviceOptions } from './commandDevice';
import { createFenceDevice } from './createDevice';
import type { FenceDevice } from './device';

export function fenceLevelsFor(
  fencing: Pick<Config['fencing'], 'devices' | 'levels'> & { action?: string },
  options: CommandFenceDeviceOptions = {},
): FenceDevice[][] {
  const byName = new Map<string, FenceDevice>();
  // Looked up at use time, so an lcus board may name a device configured after it.
  const lookup = (name: string) => byName.get(name);
  for (const d of fencing.devices) byName.set(d.name, createFenceDevice(d, { ...options, lookup }));
  if (fencing.levels === undefined) return [...byName.values()].map((d) => [d]);
  // The schema refuses unknown names; one that slipped through would be a level that can never succeed.
  return fencing.levels.map((level) => level.map((name) => byName.get(name) ?? missingDevice(name)));
}

function missingDevice(name: string): FenceDevice {
  const fail = async () => ({ ok: false, reason: `device ${name} is not in fencing.devices`, durationMs: 0 });
  return {
    name,
    off: fail,
    on: fail,
    monitor: fail,
    status: async () => ({ state: 'unknown', reason: `device ${name} is not in fencing.devices`, durationMs: 0 }),
  };
}
