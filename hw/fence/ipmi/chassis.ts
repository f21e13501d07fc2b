// The two Chassis commands a fence agent needs (IPMI v2.0 §28.2, §28.3):
// Chassis Control (netFn 0x00, cmd 0x02, one action byte) and Get Chassis
// Status (cmd 0x01; bit 0 of the first data byte is "power is on").

import { fail, ok, shortOf, type Decoded } from './decoded';

export const NETFN_CHASSIS = 0x00;
export const CMD_GET_CHASSIS_STATUS = 0x01;
export const CMD_CHASSIS_CONTROL = 0x02;

export type ChassisAction = 'powerDown' | 'powerUp' | 'powerCycle' | 'hardReset';

export const CHASSIS_ACTION_CODE: Readonly<Record<ChassisAction, number>> = { powerDown: 0x00, powerUp: 0x01, powerCycle: 0x02, hardReset: 0x03 };

export interface ChassisStatus {
  powerOn: boolean;
  powerOverload: boolean;
  interlock: boolean;
  powerFault: boolean;
  powerControlFault: boolean;
}

export function chassisControlRequest(action: ChassisAction): Uint8Array {
  return Uint8Array.from([CHASSIS_ACTION_CODE[action]]);
}

export function decodeChassisStatus(data: Uint8Array): Decoded<ChassisStatus> {
  // Bytes 2 and 3 (last power event, misc state) are mandatory too (§28.2); we only read byte 1.
  const short = shortOf(data, 3, 'Get Chassis Status reply');
  if (short) return short;
  const b = data[0];
  if (b & 0x80) return fail('bad-field', 'Get Chassis Status: reserved bit 7 of the power state byte is set');
  return ok({
    powerOn: (b & 0x01) !== 0,
    powerOverload: (b & 0x02) !== 0,
    interlock: (b & 0x04) !== 0,
    powerFault: (b & 0x08) !== 0,
    powerControlFault: (b & 0x10) !== 0,
  });
}
