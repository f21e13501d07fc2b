// The schema of an edge-ha YAML configuration file. Parsing a file's data
// with `configSchema` yields exactly the `Config` of ./types (checked at
// compile time at the bottom), with every default filled in. Relative paths
// are still relative here: load.ts resolves them against the file's directory.

import { z } from 'zod';
import {
  bool,
  commandArgv,
  durationMs,
  fenceOptions,
  filePath,
  hostPort,
  idString,
  intIn,
  oneOf,
  section,
  text,
  type IssueParams,
} from './fields';
import { checkFenceLevels, fenceLevels } from './fenceLevels';
import { hostPortKey } from './hostPort';
import { checkSenseDevices, FENCE_DEVICE_TYPES, serialFenceDevices } from './serialDevices';
import { telemetrySection } from './telemetry';
import { arbitratorSection, hardwareSection } from './hardware';
import type { Config } from './types';

export const DEFAULT_INTERVAL_MS = 20;
export const DEFAULT_MISS_MULTIPLIER = 8;
export const MAX_HEARTBEAT_PATHS = 8;
export const MAX_FENCE_DEVICES = 8;

const intervalMs = () => intIn(5, 10_000);
const missMultiplier = () => intIn(2, 100);

const heartbeatPath = section({
  name: idString(),
  bind: hostPort(),
  peer: hostPort(),
  intervalMs: intervalMs().optional(),
  missMultiplier: missMultiplier().optional(),
});

const PATHS_AT: ListAt = { list: 'paths', shown: 'heartbeat.paths' };
const PATHS_EXPECTED = { error: `a list of 1 to ${MAX_HEARTBEAT_PATHS} heartbeat paths` };

const heartbeat = section({
  keyFile: filePath(),
  intervalMs: intervalMs().default(DEFAULT_INTERVAL_MS),
  missMultiplier: missMultiplier().default(DEFAULT_MISS_MULTIPLIER),
  paths: z.array(heartbeatPath, PATHS_EXPECTED).min(1, PATHS_EXPECTED).max(MAX_HEARTBEAT_PATHS, PATHS_EXPECTED),
})
  .superRefine((hb, ctx) => {
    reportDuplicates(ctx, PATHS_AT, 'name', hb.paths.map((p) => p.name), 'a path name not used by another path');
    const binds = hb.paths.map((p) => hostPortKey(p.bind));
    reportDuplicates(ctx, PATHS_AT, 'bind', binds, 'a bind address not used by another path');
    hb.paths.forEach((p, i) => {
      if (hostPortKey(p.bind) !== hostPortKey(p.peer)) return;
      const params: IssueParams = { note: 'the node would send its heartbeats to itself' };
      ctx.addIssue({ code: 'custom', message: 'an address different from bind', path: ['paths', i, 'peer'], params });
    });
  })
  // Per-path timing falls back to the section-wide defaults; the output only keeps per-path values.
  .transform((hb) => ({
    keyFile: hb.keyFile,
    paths: hb.paths.map((p) => ({
      name: p.name,
      bind: p.bind,
      peer: p.peer,
      intervalMs: p.intervalMs ?? hb.intervalMs,
      missMultiplier: p.missMultiplier ?? hb.missMultiplier,
    })),
  }));

const commandFenceDevice = section({
  name: idString(),
  type: z.literal('command'),
  command: commandArgv(),
  options: fenceOptions().default({}),
  timeoutMs: durationMs(1).default(20_000),
});

const simPowerFenceDevice = section({
  name: idString(),
  type: z.literal('sim-power'),
  address: hostPort(),
  plug: text('a plug (outlet) name'),
  timeoutMs: durationMs(1).default(5_000),
});

const fenceDevice = z.discriminatedUnion('type', [commandFenceDevice, simPowerFenceDevice, ...serialFenceDevices], {
  error: (issue) =>
    issue.code === 'invalid_union' ? `a fence device type: ${FENCE_DEVICE_TYPES.join(', ')}` : 'a fence device mapping with a type',
});

const DEVICES_AT: ListAt = { list: 'devices', shown: 'fencing.devices' };
const NO_FENCING = 'edge-ha never takes over the service without first fencing the peer';
const DEVICES_EXPECTED = { error: `1 to ${MAX_FENCE_DEVICES} fence devices (${NO_FENCING})` };

const fencing = section(
  {
    action: oneOf(['off', 'reboot']).default('reboot'),
    devices: z.array(fenceDevice, DEVICES_EXPECTED).min(1, DEVICES_EXPECTED).max(MAX_FENCE_DEVICES, DEVICES_EXPECTED),
    levels: fenceLevels().optional(),
    arbitrator: arbitratorSection.optional(),
    /** Each fence device's `monitor` runs this often; a device failing twice raises an alarm. 0: never. */
    monitorIntervalMs: durationMs(0).default(60_000),
  },
  `a mapping with at least one fence device (${NO_FENCING})`,
).superRefine((f, ctx) => {
  reportDuplicates(ctx, DEVICES_AT, 'name', f.devices.map((d) => d.name), 'a device name not used by another device');
  if (f.levels !== undefined) checkFenceLevels(ctx, f.levels, f.devices.map((d) => d.name));
  checkSenseDevices(ctx, f.devices);
});

const resource = section({
  name: idString(),
  type: z.literal('command', { error: 'one of: command' }),
  command: commandArgv(),
  startTimeoutMs: durationMs(1).default(20_000),
  stopTimeoutMs: durationMs(1).default(20_000),
  monitorTimeoutMs: durationMs(1).default(5_000),
  monitorIntervalMs: durationMs(0).default(2_000),
});

const timeouts = section({
  startupWaitMs: durationMs(0).default(30_000),
  fenceDelayMs: durationMs(0).default(60),
  fenceTimeoutMs: durationMs(0).default(20_000),
  fenceRetryMs: durationMs(0).default(1_000),
  fenceRetryMaxMs: durationMs(0).default(30_000),
  restartDelayMs: durationMs(0).default(2_000),
  shutdownLingerMs: durationMs(0).default(1_000),
  fenceDelayRandomMs: durationMs(0).default(20),
  powerShutdownWaitMs: durationMs(0).default(15_000),
}).superRefine((t, ctx) => {
  if (t.fenceRetryMaxMs >= t.fenceRetryMs) return;
  const message = `an integer at least timeouts.fenceRetryMs (${t.fenceRetryMs})`;
  ctx.addIssue({ code: 'custom', message, path: ['fenceRetryMaxMs'] });
});

export const configSchema = section({
  cluster: section({ id: idString(), waitForAll: bool().default(true) }),
  node: section({ id: idString(), priority: intIn(0, 65_535).default(100) }),
  peer: section({ id: idString() }),
  heartbeat,
  fencing,
  resource,
  stateDir: filePath(),
  controlSocket: filePath(),
  timeouts: timeouts.prefault({}),
  logging: section({
    level: oneOf(['debug', 'info', 'warn', 'error']).default('info'),
    format: oneOf(['auto', 'json', 'pretty']).default('auto'),
  }).prefault({}),
  telemetry: telemetrySection,
  hardware: hardwareSection,
  testing: section({ faultInjection: bool().default(false) }).prefault({}),
}).superRefine((c, ctx) => {
  if (c.peer.id === c.node.id) ctx.addIssue({ code: 'custom', message: 'an id different from node.id', path: ['peer', 'id'] });
  checkSelfFencing(ctx, c);
});

/**
 * Watchdog self-fencing is safe only with an arbitrator (a node cut off must be able to tell it is the one
 * cut off), a watchdog of its own, and a survivor that waits at least twice the watchdog timeout.
 */
function checkSelfFencing(ctx: z.RefinementCtx, c: z.output<typeof hardwareSection> extends infer H ? { hardware: H & { watchdog: { device?: string | undefined; timeoutSec: number } }; fencing: { devices: { name: string; type: string; waitMs?: number }[]; arbitrator?: { timeoutMs: number } | undefined }; timeouts: { fenceTimeoutMs: number } } : never): void {
  const waits = c.fencing.devices.map((d, i) => ({ d, i })).filter(({ d }) => d.type === 'watchdog');
  const issue = (path: (string | number)[], message: string, note: string) => ctx.addIssue({ code: 'custom', message, path, params: { note } });
  if (waits.length === 0) {
    if (c.fencing.arbitrator) issue(['fencing', 'arbitrator'], 'no arbitrator without a fence device of type watchdog', 'the arbitrator only serves watchdog self-fencing');
    return;
  }
  const timeoutSec = c.hardware.watchdog.timeoutSec;
  if (!c.fencing.arbitrator) {
    issue(['fencing', 'arbitrator'], 'an arbitrator ({type: witness, address, keyFile} or {type: ping, host})', 'without one, a node cut off from its peer cannot tell that it is the one cut off, and both would take over');
  } else if (c.fencing.arbitrator.timeoutMs >= timeoutSec * 1000) {
    issue(['fencing', 'arbitrator', 'timeoutMs'], `an integer under hardware.watchdog.timeoutSec in ms (${timeoutSec * 1000})`, 'the answer must come before the watchdog could fire');
  }
  if (!c.hardware.watchdog.device) {
    issue(['hardware', 'watchdog', 'device'], 'a watchdog device (/dev/watchdog)', 'self-fencing resets this node through its watchdog');
  }
  const longestWaitMs = Math.max(...waits.map(({ d }) => d.waitMs ?? 0));
  if (c.timeouts.fenceTimeoutMs < longestWaitMs + 1000) {
    issue(['timeouts', 'fenceTimeoutMs'], `an integer at least ${longestWaitMs + 1000} (the longest watchdog wait plus 1 s)`, 'a fence that must wait cannot finish sooner than its wait');
  }
  for (const { d, i } of waits) {
    if ((d.waitMs ?? 0) >= 2 * timeoutSec * 1000) continue;
    issue(['fencing', 'devices', i, 'waitMs'], `an integer at least ${2 * timeoutSec * 1000} (twice hardware.watchdog.timeoutSec)`, 'the peer may still be running until its watchdog fires; sbd waits twice the timeout');
  }
}

/** Where a list sits: its key in the section, and its full path for messages. */
interface ListAt {
  list: string;
  shown: string;
}

/** Adds one issue per repeated value, at `<list>[i].<key>`, naming the earlier entry that has it. */
function reportDuplicates(ctx: z.RefinementCtx, at: ListAt, key: string, values: string[], expected: string): void {
  const firstIndex = new Map<string, number>();
  values.forEach((value, i) => {
    const first = firstIndex.get(value);
    if (first === undefined) {
      firstIndex.set(value, i);
      return;
    }
    const params: IssueParams = { note: `already used by ${at.shown}[${first}]` };
    ctx.addIssue({ code: 'custom', message: expected, path: [at.list, i, key], params });
  });
}

/** The data of a configuration file as written (before defaults). */
export type ConfigInput = z.input<typeof configSchema>;

type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
/** Compile-time check: the schema's output is exactly `Config` (this line fails to compile otherwise). */
export type SchemaOutputIsConfig = Assert<Equal<z.output<typeof configSchema>, Config>>;
