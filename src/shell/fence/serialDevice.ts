// Builds the hw/fence agents for the serial devices of the configuration,
// reached over TCP (ser2net). Each call builds the agent afresh: the agents
// open their link per operation anyway, the APC password file is read at the
// moment of use (so a rotated password needs no restart and never sits in a
// long-lived object), and the target the fencer names is mapped to the one
// outlet/channel/UPS that feeds the peer.

import {
  ApcMenuFenceDevice,
  ApcPduFenceDevice,
  ApcUpsFenceDevice,
  LcusFenceDevice,
  MegatecUpsFenceDevice,
  oneAtATime,
  Rps10FenceDevice,
  type FenceClock,
} from '../../../hw/fence';
import { timerSchedule } from '../../../hw/ups/schedule';
import type { SerialFenceDeviceConfig } from '../../config/types';
import type { FenceDevice, FenceOpResult, PowerStatusResult } from './device';
import { readSecretFile, redact } from './secretFile';
import { tcpTransportFactory } from './tcpTransport';

/** Finds another configured device by name (the lcus board's sense device). */
export type DeviceLookup = (name: string) => FenceDevice | undefined;

export const realFenceClock: FenceClock = { schedule: timerSchedule, nowMs: () => performance.now() };

/** Target used for `monitor`, which names none. */
const MONITOR_TARGET = 'peer';

type Built = { device: FenceDevice; secret: string | null } | { error: string };

export function createSerialFenceDevice(config: SerialFenceDeviceConfig, lookup: DeviceLookup, clock: FenceClock = realFenceClock): FenceDevice {
  return oneAtATime(perCall(config.name, (target) => buildFor(config, target, lookup, clock)));
}

function buildFor(c: SerialFenceDeviceConfig, target: string, lookup: DeviceLookup, clock: FenceClock): Built {
  const openTransport = tcpTransportFactory(c.address, Math.min(5000, c.timeoutMs));
  const base = { name: c.name, openTransport, clock, openTimeoutMs: Math.min(5000, c.timeoutMs) };
  const cap = (ms: number) => Math.min(ms, c.timeoutMs);
  switch (c.type) {
    case 'rps10':
      return plain(new Rps10FenceDevice({ ...base, outlets: { [target]: c.outlet }, waitForReady: c.waitForReady, readyTimeoutMs: cap(12_000), plugTimeoutMs: cap(5000), completeTimeoutMs: cap(14_000) }));
    case 'apc-pdu': {
      const read = readSecretFile(c.passwordFile, `${c.name}: password file`);
      if (!read.ok) return { error: read.reason };
      const o = { ...base, outlets: { [target]: c.outlet }, login: c.login, password: read.secret, promptTimeoutMs: cap(10_000) };
      const device = c.console === 'menu' ? new ApcMenuFenceDevice(o) : new ApcPduFenceDevice({ ...o, commandTimeoutMs: cap(10_000) });
      return { device, secret: read.secret };
    }
    case 'apc-ups':
      return plain(new ApcUpsFenceDevice({ ...base, targets: [target], confirmWindowMs: c.timeoutMs, replyTimeoutMs: cap(3000), pollMs: cap(2000) }));
    case 'megatec-ups':
      return plain(new MegatecUpsFenceDevice({ ...base, targets: [target], restoreMinutes: c.restoreMinutes, confirmWindowMs: c.timeoutMs, replyTimeoutMs: cap(1000), echoWaitMs: cap(1000), pollMs: cap(2000) }));
    case 'lcus': {
      const sense = lookup(c.senseDevice);
      if (sense === undefined) return { error: `sense device ${c.senseDevice} is not configured` };
      const senseOff = async (t: string) => {
        const s = await sense.status(t);
        return s.state === 'off' ? true : s.state === 'on' ? false : null;
      };
      return plain(new LcusFenceDevice({ ...base, channels: { [target]: c.channel }, senseOff, confirmTimeoutMs: c.timeoutMs, senseTimeoutMs: cap(3000) }));
    }
  }
}

function plain(device: FenceDevice): Built {
  return { device, secret: null };
}

/** A FenceDevice that builds its agent for each call's target, and hides the secret in every reason. */
function perCall(name: string, build: (target: string) => Built): FenceDevice {
  const failOp = (reason: string): FenceOpResult => ({ ok: false, reason: `${name}: ${reason}`, durationMs: 0 });
  const op = async (target: string, run: (d: FenceDevice) => Promise<FenceOpResult>): Promise<FenceOpResult> => {
    const b = build(target);
    if ('error' in b) return failOp(b.error);
    const r = await run(b.device);
    return { ...r, reason: redact(r.reason, b.secret) };
  };
  return {
    name,
    off: (target) => op(target, (d) => d.off(target)),
    on: (target) => op(target, (d) => d.on(target)),
    monitor: () => op(MONITOR_TARGET, (d) => d.monitor()),
    status: async (target): Promise<PowerStatusResult> => {
      const b = build(target);
      if ('error' in b) return { state: 'unknown', reason: `${name}: ${b.error}`, durationMs: 0 };
      const r = await b.device.status(target);
      return { ...r, reason: redact(r.reason, b.secret) };
    },
  };
}
