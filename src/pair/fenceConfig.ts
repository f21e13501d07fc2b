// `edge-ha pair --fence <kind>`: which fence device each node's generated
// config names. The example files fence through the simulated power switch
// (sim-power); the other kinds replace that device list with a device that
// speaks a real protocol to a simulator the supervisor runs (fenceSims.ts),
// whose outlets power the pair's nodes: outlet 1 feeds the first node
// (node-a), outlet 2 the second (node-b).

import { formatHostPort } from '../config/hostPort';
import type { HostPort } from '../config/types';

export const PAIR_FENCE_KINDS = ['sim-power', 'rps10', 'lcus', 'apc-pdu', 'ipmi'] as const;
export type PairFenceKind = (typeof PAIR_FENCE_KINDS)[number];

/** RPS-10 plug, PDU outlet and relay channel of each node, in node order. */
export const NODE_OUTLETS: readonly [number, number] = [1, 2];
/** The APC PDU console's login in the simulated pair (the password goes in a 0600 file). */
export const PDU_LOGIN = 'apc';
/** The BMC user of the simulated pair's ipmi_sim (the password goes in a 0600 file). */
export const BMC_USER = 'admin';

export function isPairFenceKind(s: string): s is PairFenceKind {
  return (PAIR_FENCE_KINDS as readonly string[]).includes(s);
}

export interface FenceConfigContext {
  kind: PairFenceKind;
  /** 0 or 1: the node this config fences (the peer of the config's node). */
  peerIndex: 0 | 1;
  peerId: string;
  /** The simulated power switch (sim-power), as moved by --port-base. */
  power: HostPort;
  /** Where the RPS-10, relay-board or PDU simulator listens. */
  fenceSim: HostPort;
  /** The peer's BMC (ipmi_sim, UDP). */
  peerBmc: HostPort;
  /** The 0600 file with the PDU console's or the BMC's password. */
  secretFile: string;
}

export interface FencingSection {
  devices: Array<Record<string, unknown>>;
  /** Absent: each device is its own level. */
  levels?: string[][];
}

/** The `fencing.devices` (and `levels`) a node's config gets for `--fence <kind>`; null for sim-power (the example's own). */
export function fencingFor(c: FenceConfigContext): FencingSection | null {
  const outlet = NODE_OUTLETS[c.peerIndex];
  const address = formatHostPort(c.fenceSim);
  switch (c.kind) {
    case 'sim-power':
      return null;
    case 'rps10':
      return { devices: [{ name: 'rps10', type: 'rps10', address, outlet, timeoutMs: 10_000 }] };
    case 'lcus':
      // The relay board never answers: the switch's status says whether the peer really lost power.
      // Only the board fences (levels); the sense device reads, it is not a fallback.
      return {
        devices: [
          { name: 'relay-board', type: 'lcus', address, channel: outlet, senseDevice: 'power-sense', timeoutMs: 10_000 },
          { name: 'power-sense', type: 'sim-power', address: formatHostPort(c.power), plug: c.peerId, timeoutMs: 5000 },
        ],
        levels: [['relay-board']],
      };
    case 'apc-pdu':
      return { devices: [{ name: 'pdu', type: 'apc-pdu', address, outlet, login: PDU_LOGIN, passwordFile: c.secretFile, console: 'aos', timeoutMs: 10_000 }] };
    case 'ipmi':
      return {
        devices: [
          {
            name: 'bmc',
            type: 'ipmi',
            address: formatHostPort(c.peerBmc),
            user: BMC_USER,
            passwordFile: c.secretFile,
            authType: 'md5',
            timeoutMs: 1000,
            retries: 3,
            offConfirmTimeoutMs: 10_000,
          },
        ],
      };
  }
}
