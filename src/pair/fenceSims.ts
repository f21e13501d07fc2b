// The fence device simulators of `edge-ha pair --fence <kind>`: the RPS-10,
// LCUS relay board and APC PDU simulators of hw/fence (served over TCP by
// hw/fence/simServer.ts), or one ipmi_sim BMC per node (ipmiBmc.ts). Their
// outlets are the supervisor's node power: what a daemon switches off through
// them really kills the peer's daemon, as the simulated power switch does.

import type { PowerBackend as OutletPower } from '../../hw/fence/deps';
import { startFenceSimServer } from '../../hw/fence/simServer';
import type { HostPort } from '../config/types';
import type { PowerBackend as NodePower } from '../simpower';
import { NODE_OUTLETS, PDU_LOGIN, type PairFenceKind } from './fenceConfig';
import { startIpmiBmc, type IpmiBmc } from './ipmiBmc';

/**
 * Outlet numbers to the supervisor's node power: NODE_OUTLETS[i] feeds node i;
 * any other outlet is an empty socket that only remembers its state. The
 * simulators switch synchronously; the node's power-off (killing its
 * processes) runs on, and its failure is reported rather than thrown into a
 * simulator. isOn reads the node's power flag, which a power-off clears at once.
 */
export function outletPower(nodeIds: readonly [string, string], power: NodePower, onError: (message: string) => void): OutletPower {
  const others = new Map<number, boolean>();
  const node = (outlet: number): string | null => {
    const i = NODE_OUTLETS.indexOf(outlet);
    return i === -1 ? null : (nodeIds[i] ?? null);
  };
  const run = (what: string, op: Promise<void>): void => void op.catch((e: Error) => onError(`${what}: ${e.message}`));
  return {
    isOn: (outlet) => {
      const id = node(outlet);
      return id === null ? (others.get(outlet) ?? true) : power.isOn(id);
    },
    powerOff: (outlet) => {
      const id = node(outlet);
      if (id === null) others.set(outlet, false);
      else if (power.isOn(id)) run(`outlet ${outlet} (${id}) off`, power.powerOff(id));
    },
    powerOn: (outlet) => {
      const id = node(outlet);
      if (id === null) others.set(outlet, true);
      else if (!power.isOn(id)) run(`outlet ${outlet} (${id}) on`, power.powerOn(id));
    },
  };
}

export interface FenceSimsOptions {
  kind: PairFenceKind;
  nodeIds: readonly [string, string];
  power: NodePower;
  /** The RPS-10/relay/PDU simulator's address. */
  fenceSim: HostPort;
  /** Each node's BMC (ipmi), in node order. */
  bmcs: readonly [HostPort, HostPort];
  /** The simulated power switch the BMCs' chassis control talks to. */
  powerSwitch: HostPort;
  secret: string;
  /** Where ipmi_sim keeps its files. */
  runDir: string;
  /** PAIR_MARK_ENV of the BMC processes. */
  mark: string;
  onError(message: string): void;
}

export interface FenceSims {
  /** One line for the operator: what serves the fencing. */
  readonly description: string;
  close(): Promise<void>;
}

/** Starts the simulators `kind` needs (none for sim-power); throws with a readable reason. */
export async function startFenceSims(o: FenceSimsOptions): Promise<FenceSims> {
  const where = `${o.fenceSim.host}:${o.fenceSim.port}`;
  switch (o.kind) {
    case 'sim-power':
      return { description: 'fencing through the simulated power switch', close: async () => undefined };
    case 'ipmi': {
      const bmcs: IpmiBmc[] = [];
      try {
        for (const [i, id] of o.nodeIds.entries()) {
          bmcs.push(await startIpmiBmc({ nodeId: id, bmc: o.bmcs[i]!, powerSwitch: o.powerSwitch, password: o.secret, dir: o.runDir, mark: o.mark }));
        }
      } catch (e) {
        await Promise.all(bmcs.map((b) => b.stop()));
        throw e;
      }
      const list = bmcs.map((b) => `${b.nodeId} at ${b.address.host}:${b.address.port}/udp`).join(', ');
      return { description: `fencing through ipmi_sim BMCs (${list})`, close: async () => void (await Promise.all(bmcs.map((b) => b.stop()))) };
    }
    default: {
      const kind = o.kind === 'apc-pdu' ? 'apc-pdu' : o.kind;
      const started = await startFenceSimServer({
        kind,
        host: o.fenceSim.host,
        port: o.fenceSim.port,
        power: outletPower(o.nodeIds, o.power, o.onError),
        login: PDU_LOGIN,
        password: o.secret,
        outletCount: kind === 'rps10' ? 10 : 8,
      });
      if (!started.ok) throw new Error(`${started.reason} (is another pair running? pass --port-base to move every port)`);
      const names = { rps10: 'a WTI RPS-10 simulator', lcus: 'an LCUS relay board simulator', 'apc-pdu': 'an APC PDU console simulator' };
      return { description: `fencing through ${names[kind]} on ${where} (outlet ${NODE_OUTLETS[0]} feeds ${o.nodeIds[0]}, ${NODE_OUTLETS[1]} feeds ${o.nodeIds[1]})`, close: () => started.close() };
    }
  }
}
