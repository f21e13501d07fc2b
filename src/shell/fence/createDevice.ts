// Builds the fence device a config entry describes. Every hardware device is
// wrapped in `oneAtATime`: a monitor timer must never interleave with an off
// on the same BMC session, relay line or serial port.

import { GpioRelayFenceDevice, type RelayMode } from '../../../hw/fence/gpiorelay/device';
import { IpmiFenceDevice, type PrivilegeName } from '../../../hw/fence/ipmi';
import { oneAtATime, type FenceClock } from '../../../hw/fence';
import { RcdSerialFenceDevice } from '../../../hw/fence/rcdserial/device';
import { gpiodCliBackend, onoffBackend, openGpioLine, type GpioBackend, type GpioLine, type GpioLineConfig } from '../../../hw/gpio';
import { linkFactoryFromUrl } from '../../../hw/link';
import type { GpioBackendName, GpioSenseConfig, PowerFenceDeviceConfig } from '../../config/powerDevices';
import type { FenceDeviceConfig } from '../../config/types';
import { CommandFenceDevice, type CommandFenceDeviceOptions } from './commandDevice';
import type { FenceDevice, FenceOpResult, PowerStatusResult } from './device';
import { readSecretFile } from './secretFile';
import { createSerialFenceDevice, realFenceClock, type DeviceLookup } from './serialDevice';
import { SimPowerFenceDevice } from './simPowerDevice';
import { OperatorFenceDevice, WatchdogWaitFenceDevice } from './waitDevices';

export interface CreateFenceDeviceOptions extends CommandFenceDeviceOptions {
  /** Other configured devices by name: an lcus board reads its power state through one of them. */
  lookup?: DeviceLookup;
  /** GPIO backends by name; default gpiod (CLI tools) and onoff (sysfs). `sim` exists only when given here. */
  gpioBackends?: Partial<Record<GpioBackendName, GpioBackend>>;
  clock?: FenceClock;
}

export function createFenceDevice(config: FenceDeviceConfig, options: CreateFenceDeviceOptions = {}): FenceDevice {
  switch (config.type) {
    case 'command':
      return new CommandFenceDevice(config, options);
    case 'sim-power':
      return new SimPowerFenceDevice(config);
    case 'watchdog':
      return new WatchdogWaitFenceDevice(config.name, config.waitMs, options.clock?.schedule, options.clock?.nowMs);
    case 'operator':
      return new OperatorFenceDevice(config.name);
    case 'ipmi':
    case 'gpio-relay':
    case 'rcd-serial':
      return oneAtATime(createPowerFenceDevice(config, options));
    default:
      return createSerialFenceDevice(config, options.lookup ?? (() => undefined));
  }
}

type Agent = (target: string) => Promise<{ device: FenceDevice } | { error: string }>;

function createPowerFenceDevice(c: Extract<PowerFenceDeviceConfig, { type: 'ipmi' | 'gpio-relay' | 'rcd-serial' }>, options: CreateFenceDeviceOptions): FenceDevice {
  const clock = options.clock ?? realFenceClock;
  switch (c.type) {
    case 'ipmi':
      return perCall(c.name, async () => {
        // Read at each use: a rotated password needs no restart and never sits in a long-lived object.
        const read = readSecretFile(c.passwordFile, `${c.name}: password file`);
        if (!read.ok) return { error: read.reason };
        const privilege = c.privilege.toUpperCase() as PrivilegeName;
        const o = { name: c.name, host: c.address.host, port: c.address.port, user: c.user, password: read.secret, privilege };
        return { device: new IpmiFenceDevice({ ...o, authType: c.authType, lanplus: c.lanplus, timeoutMs: c.timeoutMs, retries: c.retries, offConfirmTimeoutMs: c.offConfirmTimeoutMs, clock }) };
      });
    case 'gpio-relay': {
      const relay = lazyLine(backendFor(c.backend, options, clock), { name: `${c.name}-relay`, chip: c.chip, offset: c.line, direction: 'out', activeLow: c.activeLow });
      const sense = senseLine(c.name, c.sense, c.backend, options, clock);
      const mode: RelayMode = c.mode === 'hold' ? { kind: 'hold' } : { kind: 'pulse', pulseMs: c.pulseMs };
      return perCall(c.name, async (target) => {
        const [r, s] = [await relay(), await sense()];
        if ('error' in r) return r;
        if ('error' in s) return s;
        return { device: new GpioRelayFenceDevice({ name: c.name, target, relay: r.line, sense: s.line, mode, clock, confirmTimeoutMs: c.timeoutMs }) };
      });
    }
    case 'rcd-serial': {
      const sense = senseLine(c.name, c.sense, 'gpiod', options, clock);
      return perCall(c.name, async (target) => {
        const link = linkFactoryFromUrl(c.port, { schedule: clock.schedule });
        if (!link.ok) return { error: `port ${JSON.stringify(c.port)}: ${link.error}` };
        const s = await sense();
        if ('error' in s) return s;
        const senseOff = async () => {
          const r = await s.line.read();
          return r.ok ? !r.value : null;
        };
        const device = new RcdSerialFenceDevice({ name: c.name, target, openLink: link.value, signal: c.signal, pulseMs: c.pulseMs, senseOff, clock, confirmTimeoutMs: c.timeoutMs });
        return { device };
      });
    }
  }
}

function backendFor(name: GpioBackendName, options: CreateFenceDeviceOptions, clock: FenceClock): GpioBackend | string {
  const given = options.gpioBackends?.[name];
  if (given !== undefined) return given;
  if (name === 'gpiod') return gpiodCliBackend({ schedule: clock.schedule });
  if (name === 'onoff') return onoffBackend();
  return 'the sim GPIO backend has no simulated chip here (it exists only in tests and edge-ha pair)';
}

function senseLine(device: string, s: GpioSenseConfig, fallback: GpioBackendName, options: CreateFenceDeviceOptions, clock: FenceClock) {
  const backend = backendFor(s.backend ?? fallback, options, clock);
  return lazyLine(backend, { name: `${device}-sense`, chip: s.chip, offset: s.line, direction: 'in', activeLow: s.activeLow });
}

/**
 * Claims the line at first use and keeps it: a relay in hold mode must stay
 * energised between calls, which a released line does not guarantee. A
 * failed claim is tried again at the next call (the chip may appear later).
 */
function lazyLine(backend: GpioBackend | string, config: GpioLineConfig): () => Promise<{ line: GpioLine } | { error: string }> {
  let claimed: GpioLine | null = null;
  return async () => {
    if (typeof backend === 'string') return { error: `line ${config.name}: ${backend}` };
    if (claimed !== null) return { line: claimed };
    const r = await openGpioLine(backend, config);
    if (!r.ok) return { error: `line ${config.name} (${config.chip} offset ${config.offset}): ${r.error.message}` };
    claimed = r.value;
    return { line: claimed };
  };
}

/** A FenceDevice that builds its agent for each call's target; a build failure is the call's reason. */
function perCall(name: string, build: Agent): FenceDevice {
  const fail = (reason: string): FenceOpResult => ({ ok: false, reason: `${name}: ${reason}`, durationMs: 0 });
  const op = async (target: string, run: (d: FenceDevice) => Promise<FenceOpResult>): Promise<FenceOpResult> => {
    const b = await build(target);
    return 'error' in b ? fail(b.error) : run(b.device);
  };
  return {
    name,
    off: (target) => op(target, (d) => d.off(target)),
    on: (target) => op(target, (d) => d.on(target)),
    monitor: () => op('peer', (d) => d.monitor()),
    status: async (target): Promise<PowerStatusResult> => {
      const b = await build(target);
      return 'error' in b ? { state: 'unknown', reason: `${name}: ${b.error}`, durationMs: 0 } : b.device.status(target);
    },
  };
}
