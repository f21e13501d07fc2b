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
import { readSecretFile } from './secretFile';
import { buildManualSerial, isSerialAgent, SERIAL_AGENTS, type ManualSerialOptions } from './manualSerial';
import { SimPowerFenceDevice } from './simPowerDevice';

export const MANUAL_AGENTS = ['sim-power', 'fence-agent', ...SERIAL_AGENTS] as const;
export type ManualAgent = (typeof MANUAL_AGENTS)[number];
export const MANUAL_ACTIONS = ['on', 'off', 'reboot', 'status', 'monitor'] as const;
export type ManualAction = (typeof MANUAL_ACTIONS)[number];

export interface ManualDeviceOptions extends ManualSerialOptions {
  address?: string;
  plug?: string;
  agent?: string;
  /** `key=value` strings, as typed after `--arg`. */
  args?: string[];
  passwordFile?: string;
  timeoutMs?: number;
}

export interface ManualDevice {
  device: FenceDevice;
  /** The target named in reasons (the plug, or `target` for a single-port device). */
  target: string;
  timeoutMs: number;
  /** The password read from --password-file, to be redacted from anything printed. */
  secret: string | null;
}

export type Built = { ok: true; value: ManualDevice } | { ok: false; reason: string };

const ARG = /^([A-Za-z][A-Za-z0-9_-]{0,63})=(.*)$/s;

export function buildManualDevice(agent: string, o: ManualDeviceOptions, env: NodeJS.ProcessEnv = process.env): Built {
  if (o.timeoutMs !== undefined && (!Number.isInteger(o.timeoutMs) || o.timeoutMs < 1 || o.timeoutMs > 600_000)) {
    return { ok: false, reason: `--timeout: expected milliseconds 1..600000, got ${o.timeoutMs}` };
  }
  if (agent === 'sim-power') return buildSimPower(o);
  if (agent === 'fence-agent') return buildFenceAgent(o, env);
  if (isSerialAgent(agent)) return buildSerial(agent, o);
  return { ok: false, reason: `unknown agent ${JSON.stringify(agent)} (available: ${MANUAL_AGENTS.join(', ')})` };
}

function buildSimPower(o: ManualDeviceOptions): Built {
  if (o.agent !== undefined || (o.args ?? []).length > 0) return { ok: false, reason: 'sim-power takes --address and --plug, not --agent or --arg' };
  if (o.passwordFile !== undefined) return { ok: false, reason: 'sim-power has no login: --password-file does not apply' };
  if (o.address === undefined || o.plug === undefined) return { ok: false, reason: 'sim-power needs --address HOST:PORT and --plug NAME' };
  const address = parseHostPort(o.address);
  if (!address.ok) return { ok: false, reason: `--address: expected host:port, got ${JSON.stringify(o.address)}${address.note ? ` (${address.note})` : ''}` };
  const timeoutMs = o.timeoutMs ?? 5000;
  const device = new SimPowerFenceDevice({ name: 'sim-power', type: 'sim-power', address: address.value, plug: o.plug, timeoutMs });
  return { ok: true, value: { device, target: o.plug, timeoutMs, secret: null } };
}

function buildSerial(agent: Parameters<typeof buildManualSerial>[0], o: ManualDeviceOptions): Built {
  if (o.agent !== undefined || (o.args ?? []).length > 0 || o.plug !== undefined) {
    return { ok: false, reason: `${agent} takes --address and --outlet, not --agent, --arg or --plug` };
  }
  const built = buildManualSerial(agent, o);
  if (!built.ok) return built;
  return { ok: true, value: { device: built.device, target: 'peer', timeoutMs: built.timeoutMs, secret: built.secret } };
}

function buildFenceAgent(o: ManualDeviceOptions, env: NodeJS.ProcessEnv): Built {
  if (o.address !== undefined) return { ok: false, reason: 'fence-agent takes the device address as --arg ipaddr=HOST, not --address' };
  if (o.agent === undefined) return { ok: false, reason: 'fence-agent needs --agent NAME|PATH (e.g. --agent fence_ipmilan)' };
  const program = resolveProgram(o.agent, env.PATH ?? '');
  if (!program.ok) return program;
  const options: Record<string, string> = {};
  for (const arg of o.args ?? []) {
    const m = ARG.exec(arg);
    if (m === null) return { ok: false, reason: `--arg ${JSON.stringify(arg.split('=')[0])}: expected key=value with a key of letters, digits, "_" and "-"` };
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
  const timeoutMs = o.timeoutMs ?? 20_000;
  const config = { name: 'fence-agent', type: 'command' as const, command: [program.path], options, timeoutMs };
  const device = new CommandFenceDevice(config, { sendTarget: o.plug !== undefined });
  return { ok: true, value: { device, target: o.plug ?? 'target', timeoutMs, secret } };
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
    return { action, exitCode, state: s.state, reason: s.reason, durationMs: s.durationMs };
  }
  if (action === 'monitor') {
    const r = await device.monitor();
    return { action, exitCode: r.ok ? 0 : 1, reason: r.reason, durationMs: r.durationMs };
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
