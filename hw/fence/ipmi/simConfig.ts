// The configuration OpenIPMI's ipmi_sim needs to act as one BMC on a LAN
// port: lan.conf (address, auth types, one admin user, and the chassis
// control script that really switches the power) and the emulator commands.
// Shared by the tests (hw/fence/ipmi/testing) and the simulated pair.

import { join } from 'node:path';

export interface IpmiSimLanOptions {
  /** Directory holding chassis.sh, the script ipmi_sim calls for power control. */
  dir: string;
  host: string;
  port: number;
  user: string;
  password: string;
}

export function ipmiSimLanConf(o: IpmiSimLanOptions): string {
  const auths = 'none md5 straight';
  return [
    'name "edgeha"',
    'set_working_mc 0x20',
    '  startlan 1',
    `    addr ${o.host} ${o.port}`,
    '    priv_limit admin',
    `    allowed_auths_callback ${auths}`,
    `    allowed_auths_user ${auths}`,
    `    allowed_auths_operator ${auths}`,
    `    allowed_auths_admin ${auths}`,
    '    guid a123456789abcdefa123456789abcdef',
    '  endlan',
    `  chassis_control "${join(o.dir, 'chassis.sh')} 0x20"`,
    `  user 2 true "${o.user}" "${o.password}" admin 10 ${auths}`,
    '',
  ].join('\n');
}

/** The emulator commands: one BMC at 0x20 with no sensors. */
export const IPMI_SIM_EMU = ['mc_setbmc 0x20', 'mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02', 'mc_enable 0x20', ''].join('\n');
