// The effective configuration written back in the form of a configuration
// file (addresses as `host:port`, every default spelled out), so that what
// `edge-ha config-check` prints can be saved and loaded again unchanged.

import { formatHostPort } from './hostPort';
import type { ConfigInput } from './schema';
import type { Config, FenceDeviceConfig } from './types';

export function toFileForm(config: Config): ConfigInput {
  return {
    cluster: { ...config.cluster },
    node: { ...config.node },
    peer: { ...config.peer },
    heartbeat: {
      keyFile: config.heartbeat.keyFile,
      paths: config.heartbeat.paths.map((p) => ({
        name: p.name,
        bind: formatHostPort(p.bind),
        peer: formatHostPort(p.peer),
        intervalMs: p.intervalMs,
        missMultiplier: p.missMultiplier,
      })),
    },
    fencing: {
      action: config.fencing.action,
      monitorIntervalMs: config.fencing.monitorIntervalMs,
      devices: config.fencing.devices.map(deviceFileForm),
      ...(config.fencing.levels === undefined ? {} : { levels: config.fencing.levels.map((l) => [...l]) }),
      ...(config.fencing.arbitrator === undefined ? {} : { arbitrator: arbitratorFileForm(config.fencing.arbitrator) }),
    },
    resource: { ...config.resource, command: [...config.resource.command] },
    stateDir: config.stateDir,
    controlSocket: config.controlSocket,
    timeouts: { ...config.timeouts },
    logging: { ...config.logging },
    telemetry: structuredClone(config.telemetry),
    hardware: hardwareFileForm(config.hardware),
    testing: { ...config.testing },
  };
}

function deviceFileForm(device: FenceDeviceConfig): ConfigInput['fencing']['devices'][number] {
  if (device.type === 'command') {
    return { ...device, command: [...device.command], options: { ...device.options } };
  }
  // GPIO and serial-port devices have no network address.
  if (device.type === 'gpio-relay' || device.type === 'rcd-serial') return { ...device, sense: { ...device.sense } };
  if (device.type === 'watchdog') return { name: device.name, type: device.type, waitMs: device.waitMs };
  if (device.type === 'operator') return { name: device.name, type: device.type };
  return { ...device, address: formatHostPort(device.address) };
}

function arbitratorFileForm(a: NonNullable<Config['fencing']['arbitrator']>): NonNullable<ConfigInput['fencing']['arbitrator']> {
  return a.type === 'witness' ? { ...a, address: formatHostPort(a.address) } : { ...a };
}

function hardwareFileForm(h: Config['hardware']): ConfigInput['hardware'] {
  const { ups, ...rest } = structuredClone(h);
  if (!ups) return rest;
  const { serve, ...upsRest } = ups;
  return { ...rest, ups: { ...upsRest, ...(serve ? { serve: { ...serve, bind: formatHostPort(h.ups?.serve?.bind ?? serve.bind) } } : {}) } };
}
