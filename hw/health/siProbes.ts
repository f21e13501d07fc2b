// The slow probes, backed by systeminformation (typescript-stack.md §3.3).
// Several of its Linux calls use execSync (cpuTemperature, fsSize), so they
// run only from SlowHealthPoller, minutes apart, never from a hot timer.
// The library is loaded lazily and injectable, so tests pass canned data.

import { DEFAULT_THRESHOLDS, fsHealth, memoryHealth, temperatureHealth, type HealthThresholds } from './thresholds';
import type { SlowProbe } from './slowPoller';
import type { HealthEvent } from './types';

/** The part of systeminformation used here. */
export interface SystemInfoLike {
  cpuTemperature(): Promise<{ main: number | null; max: number | null; cores: number[] }>;
  mem(): Promise<{ total: number; available: number }>;
  fsSize(): Promise<Array<{ fs: string; type: string; mount: string; size: number; used: number; use: number }>>;
  diskLayout(): Promise<Array<{ device: string; name: string; smartStatus: string }>>;
}

export function loadSystemInformation(): SystemInfoLike {
  // Lazy: the module is large and only needed when health polling is on.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('systeminformation') as SystemInfoLike;
}

/** File systems that say nothing about the appliance's disks. */
export const PSEUDO_FS_TYPES: readonly string[] = ['tmpfs', 'devtmpfs', 'squashfs', 'overlay', 'ramfs', 'proc', 'sysfs'];

export interface SiProbeOptions {
  thresholds?: HealthThresholds;
  /** Mount points to judge; default all real file systems fsSize lists. */
  mounts?: readonly string[];
  /** Without a sensor: false (default) reports ok "no sensor", true reports degraded. */
  temperatureRequired?: boolean;
  /** diskLayout runs smartctl per disk: seconds on real disks, so it is off unless asked. */
  includeDiskLayout?: boolean;
  si?: SystemInfoLike;
}

const validTemp = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

export function systemInformationProbes(o: SiProbeOptions = {}): SlowProbe<any>[] {
  const th = o.thresholds ?? DEFAULT_THRESHOLDS;
  let si: SystemInfoLike | null = o.si ?? null;
  const lib = (): SystemInfoLike => (si ??= loadSystemInformation());
  const probes: SlowProbe<any>[] = [
    {
      name: 'cpuTemperature',
      read: () => lib().cpuTemperature(),
      evaluate: (t: Awaited<ReturnType<SystemInfoLike['cpuTemperature']>>): HealthEvent[] => {
        const values = [t.max, t.main, ...(Array.isArray(t.cores) ? t.cores : [])].filter(validTemp);
        if (values.length === 0) {
          return o.temperatureRequired === true
            ? [temperatureHealth(null, th.temperatureC, 'no temperature sensor found')]
            : [{ source: 'temperature', level: 'ok', reason: 'no temperature sensor on this machine (not required)' }];
        }
        return [temperatureHealth(Math.max(...values), th.temperatureC)];
      },
      onFailure: (why) => [temperatureHealth(null, th.temperatureC, why)],
    },
    {
      name: 'mem',
      read: () => lib().mem(),
      evaluate: (m: Awaited<ReturnType<SystemInfoLike['mem']>>): HealthEvent[] => {
        if (!(m.total > 0) || !(m.available >= 0)) return [memoryHealth(null, th.memoryUsePercent, `mem() gave total ${m.total}, available ${m.available}`)];
        return [memoryHealth(((m.total - m.available) / m.total) * 100, th.memoryUsePercent)];
      },
      onFailure: (why) => [memoryHealth(null, th.memoryUsePercent, why)],
    },
    {
      name: 'fsSize',
      read: () => lib().fsSize(),
      evaluate: (list: Awaited<ReturnType<SystemInfoLike['fsSize']>>): HealthEvent[] => {
        const wanted = o.mounts;
        const seen = list.filter((f) => (wanted ? wanted.includes(f.mount) : !PSEUDO_FS_TYPES.includes(f.type)));
        const events = seen.map((f) => fsHealth(f.mount, f.size > 0 ? (f.used / f.size) * 100 : Number.isFinite(f.use) ? f.use : null, th.fsUsePercent));
        for (const m of wanted ?? []) {
          if (!seen.some((f) => f.mount === m)) events.push(fsHealth(m, null, th.fsUsePercent, `${m} is not mounted`));
        }
        return events;
      },
      onFailure: (why) => (o.mounts ?? []).map((m) => fsHealth(m, null, th.fsUsePercent, why)),
    },
  ];
  if (o.includeDiskLayout === true) {
    probes.push({
      name: 'diskLayout',
      read: () => lib().diskLayout(),
      evaluate: (disks: Awaited<ReturnType<SystemInfoLike['diskLayout']>>): HealthEvent[] =>
        disks.map((d) => {
          const s = (d.smartStatus ?? 'unknown').toLowerCase();
          const level = s === 'ok' || s === 'unknown' ? 'ok' : 'degraded';
          return { source: `disk:${d.device}`, level, reason: `${d.device} (${d.name}) SMART status ${d.smartStatus ?? 'unknown'}` };
        }),
    });
  }
  return probes;
}
