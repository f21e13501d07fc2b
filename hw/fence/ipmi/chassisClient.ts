// Chassis power through an open IPMI session, as Steps with readable reasons.

import type { Step } from '../step';
import { chassisControlRequest, CMD_CHASSIS_CONTROL, CMD_GET_CHASSIS_STATUS, decodeChassisStatus, NETFN_CHASSIS, type ChassisAction } from './chassis';
import type { IpmiSession } from './session';

export type PowerReading = 'on' | 'off';

export const CHASSIS_ACTION_LABEL: Readonly<Record<ChassisAction, string>> = {
  powerDown: 'power down',
  powerUp: 'power up',
  powerCycle: 'power cycle',
  hardReset: 'hard reset',
};

export async function readPower(s: IpmiSession): Promise<Step<PowerReading>> {
  const r = await s.command(NETFN_CHASSIS, CMD_GET_CHASSIS_STATUS, new Uint8Array(0), 'Get Chassis Status');
  if (!r.ok) return r;
  const status = decodeChassisStatus(r.value);
  if (!status.ok) return { ok: false, reason: status.error.message };
  return { ok: true, value: status.value.powerOn ? 'on' : 'off' };
}

export async function controlChassis(s: IpmiSession, action: ChassisAction): Promise<Step<void>> {
  const r = await s.command(NETFN_CHASSIS, CMD_CHASSIS_CONTROL, chassisControlRequest(action), `Chassis Control (${CHASSIS_ACTION_LABEL[action]})`);
  return r.ok ? { ok: true, value: undefined } : r;
}
