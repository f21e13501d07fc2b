// Schemas of the fence devices on a serial line reached over TCP (ser2net):
// the RPS-10, the APC PDU console, the peer's APC or Megatec UPS and the LCUS
// relay board. The LCUS board cannot be asked anything, so it must name
// another device whose status proves the power really changed.

import { z } from 'zod';
import { bool, durationMs, filePath, hostPort, idString, intIn, oneOf, section, text, type IssueParams } from './fields';
import { powerFenceDevices } from './powerDevices';

export const FENCE_DEVICE_TYPES = ['command', 'sim-power', 'rps10', 'apc-pdu', 'apc-ups', 'megatec-ups', 'lcus', 'ipmi', 'gpio-relay', 'rcd-serial', 'watchdog', 'operator'] as const;

const rps10 = section({
  name: idString(),
  type: z.literal('rps10'),
  address: hostPort(),
  outlet: intIn(0, 9),
  waitForReady: bool().default(true),
  // The switch may take 14 s to answer a reset (cluster-glue's bound).
  timeoutMs: durationMs(1).default(20_000),
});

const apcPdu = section({
  name: idString(),
  type: z.literal('apc-pdu'),
  address: hostPort(),
  outlet: intIn(1, 64),
  login: text('a login name'),
  passwordFile: filePath(),
  console: oneOf(['aos', 'menu']).default('aos'),
  timeoutMs: durationMs(1).default(20_000),
});

const apcUps = section({
  name: idString(),
  type: z.literal('apc-ups'),
  address: hostPort(),
  // Covers the UPS's shutdown grace delay (20 s by default, up to 600 s).
  timeoutMs: durationMs(1).default(60_000),
});

const megatecUps = section({
  name: idString(),
  type: z.literal('megatec-ups'),
  address: hostPort(),
  restoreMinutes: intIn(0, 9999).default(0),
  // The output goes off 12 s after the command.
  timeoutMs: durationMs(1).default(30_000),
});

const lcus = section({
  name: idString(),
  type: z.literal('lcus'),
  address: hostPort(),
  channel: intIn(1, 8),
  senseDevice: idString(),
  timeoutMs: durationMs(1).default(10_000),
});

/** Every device type beyond command and sim-power (the IPMI, GPIO and reset-cable ones are in powerDevices.ts). */
export const serialFenceDevices = [rps10, apcPdu, apcUps, megatecUps, lcus, ...powerFenceDevices] as const;

/** Each lcus device's senseDevice must be another configured device that can read power (not an lcus board). */
export function checkSenseDevices(ctx: z.RefinementCtx, devices: readonly { name: string; type: string; senseDevice?: string }[]): void {
  devices.forEach((d, i) => {
    if (d.type !== 'lcus' || d.senseDevice === undefined) return;
    const path = ['devices', i, 'senseDevice'];
    const sensed = devices.find((other) => other.name === d.senseDevice);
    let problem: string | null = null;
    if (d.senseDevice === d.name) problem = 'the relay board cannot confirm its own switching (it never answers)';
    else if (sensed === undefined) problem = `no device named ${JSON.stringify(d.senseDevice)} in fencing.devices`;
    else if (sensed.type === 'lcus') problem = `${d.senseDevice} is another lcus board, which cannot read power`;
    if (problem === null) return;
    const params: IssueParams = { note: problem };
    ctx.addIssue({ code: 'custom', message: 'the name of another fencing device whose status reads the peer\'s power', path, params });
  });
}
