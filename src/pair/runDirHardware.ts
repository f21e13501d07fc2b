// The `hardware:` section of the pair's example configs, as the run directory
// rewrites it: the UPS link's port moves with --port-base, the mdstat file and
// the watchdog FIFO go into the node's run dir. What is left is the plan of
// what the supervisor must simulate for that node (nodeHardware.ts).
//
// The pair simulates exactly what the examples describe: a Megatec UPS on
// `tcp://HOST:PORT`, one md array read from a file, a watchdog device. Any
// other choice (an APC UPS, a serial path, an Areca controller) is refused
// with the reason, since nothing here would answer it.

import { join } from 'node:path';
import { isMap, isSeq, type Document } from 'yaml';
import { parseLinkUrl } from '../../hw/link';
import type { HostPort } from '../config/types';
import type { NodeHardwarePlan } from './nodeHardware';

/** When the example sets no hardware.watchdog.timeoutSec. */
export const DEFAULT_WATCHDOG_TIMEOUT_SEC = 10;
export const MDSTAT_FILE = 'mdstat';
export const WATCHDOG_FIFO = 'watchdog';

/** What one example file asks to be simulated. */
export interface ExampleHardware {
  ups: HostPort | null;
  /** Index in hardware.raid of the md entry. */
  mdIndex: number | null;
  watchdogTimeoutSec: number | null;
}

export const NO_HARDWARE: NodeHardwarePlan = { ups: null, mdstat: null, watchdog: null };

type Read<T> = { ok: true; value: T } | { ok: false; error: string };

/** Reads and checks the example's hardware section; value null when it has none. */
export function readExampleHardware(doc: Document, file: string): Read<ExampleHardware | null> {
  const section = doc.getIn(['hardware']);
  if (section === undefined || section === null) return { ok: true, value: null };
  const fail = (key: string, what: string): Read<never> => ({ ok: false, error: `${file}: hardware.${key}: ${what}` });
  if (!isMap(section)) return fail('', 'expected a mapping');
  let ups: HostPort | null = null;
  if (doc.hasIn(['hardware', 'ups'])) {
    const driver = doc.getIn(['hardware', 'ups', 'driver']);
    if (driver !== 'megatec') return fail('ups.driver', `the simulated pair serves a Megatec UPS only; set megatec (got ${JSON.stringify(driver)})`);
    const link = doc.getIn(['hardware', 'ups', 'link']);
    const parsed = typeof link === 'string' ? parseLinkUrl(link) : null;
    if (parsed === null || !parsed.ok || parsed.value.kind !== 'tcp') {
      return fail('ups.link', `the simulated pair serves its UPS on TCP: expected tcp://HOST:PORT, got ${JSON.stringify(link)}`);
    }
    ups = { host: parsed.value.host, port: parsed.value.port };
  }
  let mdIndex: number | null = null;
  const raid = doc.getIn(['hardware', 'raid']);
  if (raid !== undefined && raid !== null) {
    if (!isSeq(raid)) return fail('raid', 'expected a list');
    for (let i = 0; i < raid.items.length; i++) {
      const driver = doc.getIn(['hardware', 'raid', i, 'driver']);
      if (driver !== 'md') return fail(`raid[${i}].driver`, `the simulated pair writes an md array's mdstat only; set md (got ${JSON.stringify(driver)})`);
      if (mdIndex !== null) return fail(`raid[${i}]`, 'the simulated pair has one md array per node; list one entry');
      mdIndex = i;
    }
  }
  let watchdogTimeoutSec: number | null = null;
  if (doc.hasIn(['hardware', 'watchdog'])) {
    const t = doc.getIn(['hardware', 'watchdog', 'timeoutSec']) ?? DEFAULT_WATCHDOG_TIMEOUT_SEC;
    if (typeof t !== 'number' || !Number.isInteger(t) || t < 1 || t > 3600) return fail('watchdog.timeoutSec', `expected whole seconds from 1 to 3600, got ${JSON.stringify(t)}`);
    watchdogTimeoutSec = t;
  }
  return { ok: true, value: { ups, mdIndex, watchdogTimeoutSec } };
}

/** The example ports the hardware adds to the pair (moved with --port-base like the others). */
export function hardwarePorts(examples: readonly (ExampleHardware | null)[]): number[] {
  return examples.flatMap((h) => (h?.ups ? [h.ups.port] : []));
}

/** Writes the run-dir paths and moved port into the document; returns what to simulate. */
export function rewriteHardware(doc: Document, h: ExampleHardware | null, stateDir: string, ports: Map<number, number> | null): NodeHardwarePlan {
  if (h === null) return NO_HARDWARE;
  let ups: HostPort | null = null;
  if (h.ups !== null) {
    ups = { host: h.ups.host, port: ports?.get(h.ups.port) ?? h.ups.port };
    const host = ups.host.includes(':') ? `[${ups.host}]` : ups.host;
    doc.setIn(['hardware', 'ups', 'link'], `tcp://${host}:${ups.port}`);
  }
  let mdstat: string | null = null;
  if (h.mdIndex !== null) {
    mdstat = join(stateDir, MDSTAT_FILE);
    doc.setIn(['hardware', 'raid', h.mdIndex, 'mdstat'], mdstat);
  }
  let watchdog: NodeHardwarePlan['watchdog'] = null;
  if (h.watchdogTimeoutSec !== null) {
    watchdog = { device: join(stateDir, WATCHDOG_FIFO), timeoutMs: h.watchdogTimeoutSec * 1000 };
    doc.setIn(['hardware', 'watchdog', 'device'], watchdog.device);
  }
  // The pair must never shut this machine down: on critical power the daemon only exits.
  const none = doc.createNode([]);
  none.flow = true;
  doc.setIn(['hardware', 'shutdownCommand'], none);
  return { ups, mdstat, watchdog };
}
