// Builds the fence device a config entry describes.

import type { FenceDeviceConfig } from '../../config/types';
import { CommandFenceDevice, type CommandFenceDeviceOptions } from './commandDevice';
import type { FenceDevice } from './device';
import { createSerialFenceDevice, type DeviceLookup } from './serialDevice';
import { SimPowerFenceDevice } from './simPowerDevice';

export interface CreateFenceDeviceOptions extends CommandFenceDeviceOptions {
  /** Other configured devices by name: an lcus board reads its power state through one of them. */
  lookup?: DeviceLookup;
}

export function createFenceDevice(config: FenceDeviceConfig, options: CreateFenceDeviceOptions = {}): FenceDevice {
  switch (config.type) {
    case 'command':
      return new CommandFenceDevice(config, options);
    case 'sim-power':
      return new SimPowerFenceDevice(config);
    default:
      return createSerialFenceDevice(config, options.lookup ?? (() => undefined));
  }
}
