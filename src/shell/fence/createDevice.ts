// Builds the fence device a config entry describes.

import type { FenceDeviceConfig } from '../../config/types';
import { CommandFenceDevice, type CommandFenceDeviceOptions } from './commandDevice';
import type { FenceDevice } from './device';
import { SimPowerFenceDevice } from './simPowerDevice';

export function createFenceDevice(config: FenceDeviceConfig, options: CommandFenceDeviceOptions = {}): FenceDevice {
  switch (config.type) {
    case 'command':
      return new CommandFenceDevice(config, options);
    case 'sim-power':
      return new SimPowerFenceDevice(config);
  }
}
