// A serial port (or a PDU console that allows one login) serves one
// conversation at a time, and the agents open the link per operation. If the
// daemon's monitor timer fired during an off, two opens would fight over the
// port. This wrapper queues a device's calls so they run one after another,
// with a cap so a hung link cannot pile up work; over the cap a call fails at
// once with a reason instead of waiting.

import type { FenceDevice, FenceOpResult, PowerStatusResult } from '../../src/shell/fence/device';
import { SerialQueue } from '../ups/serialQueue';

export const DEFAULT_MAX_QUEUED = 8;

export function oneAtATime(device: FenceDevice, maxQueued = DEFAULT_MAX_QUEUED): FenceDevice {
  const queue = new SerialQueue(maxQueued);
  const busy = `${device.name}: ${maxQueued} operations already queued on this device`;
  const busyOp = (): FenceOpResult => ({ ok: false, reason: busy, durationMs: 0 });
  const busyStatus = (): PowerStatusResult => ({ state: 'unknown', reason: busy, durationMs: 0 });
  return {
    name: device.name,
    off: (target) => queue.run(() => device.off(target), busyOp),
    on: (target) => queue.run(() => device.on(target), busyOp),
    status: (target) => queue.run(() => device.status(target), busyStatus),
    monitor: () => queue.run(() => device.monitor(), busyOp),
  };
}
