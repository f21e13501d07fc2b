// `edge-ha fence-device`: one fence device driven by hand, with no daemon, to
// test the wiring on site the way ClusterLabs' agents can be run by hand. The
// actions and exit codes are the fence-agents API's: 0 success (status: on),
// 1 failure, 2 off (status). `off` and `reboot` go through the same fencer as
// a real fence, so "off" here means what it means there: status read back off.

import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { parseHostPort } from '../../config/hostPort';
import { CommandFenceDevice } from './commandDevice';
import type { FenceDevice } from './device';
import { Fencer, type FenceAttempt } from './fencer';
import { foreignOptions, resolveAgent, UPS_PROTOCOLS, type ManualAction, type ManualOptions, type UpsProtocol } from './manualAgents';
import { buildGpioRelay, buildRcdSerial } from './manualGpio';
import { buildIpmi } from './manualIpmi';
import { buildManualSerial, type SerialAgent } from './manualSerial';
import { readSecretFile } from './secretFile';
import { SimPowerFenceDevice } from './simPowerDevice';

export { MANUAL_ACTIONS, MANUAL_AGENTS, type ManualAction, type ManualAgent, type ManualOptions } from './manualAgents';

export interface ManualDevice {
  device: FenceDevice;
  /** The target named in reasons (the plug, or `target`/`peer` for a single-port device). */
  target: string;
  timeoutMs: number;
  /** The password read from --password-file, to be redacted from anything printed. */
  secret: string | null;
  /** Releases what the device holds (GPIO lines, the simulated chip's bridge). */
  close?: () => Promise<void>;
  /** A hold-mode relay: after a confirmed off, keep it energised this long (null: until interrupted). */
  hold?: { holdMs: number | null };
}

export type Built = { ok: true; value: ManualDevice } | { ok: false; reason: string };

const ARG = /^([A-Za-z][A-Za-z0-9_-]{0,63})=(.*)$/s;
const MAX_TIMEOUT_MS = 600_000;

/** The device `fence-device <name>` drives, from its options; never throws, never touches the device. */
export async function buildManualDevice(name: string, o: ManualOptions, env: NodeJS.ProcessEnv = process.env): Promise<Built> {
  const choice = resolveAgent(name);
  if (!choice.ok) return choice;
  const foreign = foreignOptions(choice.agent, name, o);
  if (foreign !== null) return { ok: false, reason: foreign };
  const timeoutMs = o.timeout === undefined ? undefined : /^[0-9]{1,9}$/.test(o.timeout) ? Number(o.timeout) : NaN;
  if (timeoutMs !== undefined && !(timeoutMs >= 1 && timeoutMs <= MAX_TIMEOUT_MS)) {
    return { ok: false, reason: `--timeout: expected milliseconds 1..${MAX_TIMEOUT_MS}, got ${JSON.stringify(o.timeout)}` };
  }
  switch (choice.agent) {
    case 'sim-power':
      return buildSimPower(o, timeoutMs);
    case 'fence-agent':
      return buildFenceAgent(o, timeoutMs, env);
    case 'ipmi':
      return buildIpmi(o, timeoutMs);
    case 'gpio-relay':
      return buildGpioRelay(o, timeoutMs);
    case 'rcd-serial':
      return buildRcdSerial(o, timeoutMs);
    case 'lcus-relay':
      return buildSerial('lcus', o, timeoutMs);
    case 'rps10':
    case 'apc-pdu':
      return buildSerial(choice.agent, o, timeoutMs);
    case 'ups':
      return buildUps(name, o, choice.protocol, timeoutMs);
  }
}

function buildUps(typed: string, o: ManualOptions, implied: UpsProtocol | undefined, timeoutMs: number | undefined): Built {
  if (implied !== undefined && o.protocol !== undefined && o.protocol !== implied) {
    return { ok: false, reason: `--protocol ${JSON.stringify(o.protocol)} contradicts the agent ${typed}, which is ups --protocol ${implied}` };
  }
  const protocol = o.protocol ?? implied;
  if (protocol === undefined) return { ok: false, reason: 'ups needs --protocol apcsmart|megatec (APC Smart-UPS, or a Megatec/Q1 UPS)' };
  if (!(UPS_PROTOCOLS as readonly string[]).includes(protocol)) {
    return { ok: false, reason: `--protocol: expected one of ${UPS_PROTOCOLS.join(', ')}, got ${JSON.stringify(protocol.slice(0, 32))}` };
  }
  if (protocol === 'apcsmart' && o.restoreMinutes !== undefined) {
    return { ok: false, reason: '--restore-minutes applies to --protocol megatec only (an APC Smart-UPS switched off stays off until switched on)' };
  }
  return buildSerial(protocol === 'apcsmart' ? 'apc-ups' : 'megatec-ups', o, timeoutMs);
}

function buildSimPower(o: ManualOptions, timeoutMs: number | undefined): Built {
  if (o.address === undefined || o.plug === undefined) return { ok: false, reason: 'sim-power needs --address HOST:PORT and --plug NAME' };
  const address = parseHostPort(o.address);
  if (!address.ok) return { ok: false, reason: `--address: expected host:port, got ${JSON.stringify(o.address)}${address.note ? ` (${address.note})` : ''}` };
  const ms = timeoutMs ?? 5000;
  const device = new SimPowerFenceDevice({ name: 'sim-power', type: 'sim-power', address: address.value, plug: o.plug, timeoutMs: ms });
  return { ok: true, value: { device, target: o.plug, timeoutMs: ms, secret: null } };
}

function buildSerial(agent: SerialAgent, o: ManualOptions, timeoutMs: number | undefined): Built {
  const built = buildManualSerial(agent, { ...o, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
  if (!built.ok) return built;
  return { ok: true, value: { device: built.device, target: 'peer', timeoutMs: built.timeoutMs, secret: built.secret } };
}

function buildFenceAgent(o: ManualOptions, timeoutMs: number | undefined, env: NodeJS.ProcessEnv): Built {
  if (o.agent === undefined) return { ok: false, reason: 'fence-agent needs --agent NAME|PATH (e.g. --agent fence_ipmilan)' };
  const program = resolveProgram(o.agent, env.PATH ?? '');
  if (!program.ok) return program;
  const options: Record<string, string> = {};
  for (const arg of o.arg ?? []) {
    const m = ARG.exec(arg);
    if (m === null) return { ok: false, reason: `--arg ${JSON.stringify(arg.split('=')[0]!.slice(0, 64))}: expected key=value with a key of letters, digits, "_" and "-"` };
    const [, key, value] = m as unknown as [string, string, string];
    if (key === 'action' || key === 'option') return { ok: false, reason: `--arg ${key}: not allowed, --action sets it` };
    if (key === 'passwd' || key === 'password') return { ok: false, reason: `--arg ${key}: a password on the command line shows in ps; use --password-file FILE` };
    options[key] = value;
  }
  let secret: string | null = null;
  if (o.passwordFile !== undefined) {
    const read = readSecretFile(o.passwordFile);
    if (!read.ok) return read;
    secret = read.secret;
    options.passwd = secret;
  }
  const ms = timeoutMs ?? 20_000;
  const config = { name: 'fence-agent', type: 'command' as const, command: [program.path], options, timeoutMs: ms };
  const device = new CommandFenceDevice(config, { sendTarget: o.plug !== undefined });
  return { ok: true, value: { device, target: o.plug ?? 'target', timeoutMs: ms, secret } };
}

/** A path is used as it is; a bare name is looked up in PATH, like a shell does. */
export function resolveProgram(name: string, pathEnv: string): { ok: true; path: string } | { ok: false; reason: string } {
  if (name.includes('/')) {
    return isExecutable(name) ? { ok: true, path: name } : { ok: false, reason: `--agent ${name}: not an executable file` };
  }
  for (const dir of pathEnv.split(delimiter).filter((d) => d !== '')) {
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return { ok: true, path: candidate };
  }
  return { ok: false, reason: `--agent ${name}: not found in PATH (install fence-agents, or give the full path)` };
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export interface ManualResult {
  action: ManualAction;
  /** fence-agents exit code: 0 success (status: on), 1 failure, 2 off (status). */
  exitCode: 0 | 1 | 2;
  state?: 'on' | 'off' | 'unknown';
  reason: string;
  durationMs: number;
  attempts?: FenceAttempt[];
}

/** Runs one action; never rejects. */
export async function runManualAction(m: ManualDevice, action: ManualAction): Promise<ManualResult> {
  const { device, target } = m;
  if (action === 'off' || action === 'reboot') {
    // off + status (+ on): the whole sequence gets each call's timeout, and a little slack.
    const fencer = new Fencer({ levels: [[device]], timeoutMs: 3 * m.timeoutMs + 1000 });
    const o = await fencer.fence(target, action);
    return { action, exitCode: o.confirmedOff ? 0 : 1, reason: o.reason, durationMs: o.durationMs, attempts: o.attempts };
  }
  if (action === 'status') {
    const s = await device.status(target);
    const exitCode = s.state === 'on' ? 0 : s.state === 'off' ? 2 : 1;
    return { action, exitCode, state: s.state, reason: s.reason, durationMs: Math.round(s.durationMs) };
  }
  if (action === 'monitor') {
    const r = await device.monitor();
    return { action, exitCode: r.ok ? 0 : 1, reason: r.reason, durationMs: Math.round(r.durationMs) };
  }
  return powerOn(m);
}

/** `on` is a success only when the status reads on afterwards, as `off` needs it to read off. */
async function powerOn(m: ManualDevice): Promise<ManualResult> {
  const started = performance.now();
  const on = await m.device.on(m.target);
  const durationMs = () => Math.round(performance.now() - started);
  if (!on.ok) return { action: 'on', exitCode: 1, reason: on.reason, durationMs: durationMs() };
  const s = await m.device.status(m.target);
  if (s.state === 'on') return { action: 'on', exitCode: 0, state: 'on', reason: `${on.reason}; status reads on`, durationMs: durationMs() };
  const why = s.state === 'off' ? 'status still reads off' : `its status is unknown: ${s.reason}`;
  return { action: 'on', exitCode: 1, state: s.state, reason: `${m.device.name} reported on but ${why}`, durationMs: durationMs() };
}
