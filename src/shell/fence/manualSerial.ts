// `edge-ha fence-device rps10|apc-pdu|ups|lcus-relay`: the serial agents by
// hand, over TCP (ser2net). The options become the same config entry the
// daemon would build, so what works here works there. The LCUS board cannot
// be asked anything; its power state is read through a second agent named
// with --sense-agent/--sense-address/--sense-outlet (an apc-pdu sense takes
// its login from --login/--password-file/--console).

import { parseHostPort } from '../../config/hostPort';
import type { HostPort, SerialFenceDeviceConfig } from '../../config/types';
import type { FenceDevice } from './device';
import { readSecretFile } from './secretFile';
import { createSerialFenceDevice } from './serialDevice';

export const SERIAL_AGENTS = ['rps10', 'apc-pdu', 'apc-ups', 'megatec-ups', 'lcus'] as const;
export type SerialAgent = (typeof SERIAL_AGENTS)[number];

export interface ManualSerialOptions {
  address?: string;
  outlet?: string;
  login?: string;
  passwordFile?: string;
  console?: string;
  restoreMinutes?: string;
  senseAgent?: string;
  senseAddress?: string;
  senseOutlet?: string;
  timeoutMs?: number;
}

export type SerialBuilt = { ok: true; device: FenceDevice; timeoutMs: number; secret: string | null } | { ok: false; reason: string };

const DEFAULT_TIMEOUT_MS: Record<SerialAgent, number> = { rps10: 20_000, 'apc-pdu': 20_000, 'apc-ups': 60_000, 'megatec-ups': 30_000, lcus: 10_000 };

export function isSerialAgent(agent: string): agent is SerialAgent {
  return (SERIAL_AGENTS as readonly string[]).includes(agent);
}

/** The flags that name the address and outlet (`--sense-address` for an lcus board's sense device). */
interface Flags {
  address: string;
  outlet: string;
}
const OWN: Flags = { address: '--address', outlet: '--outlet' };
const SENSE: Flags = { address: '--sense-address', outlet: '--sense-outlet' };

export function buildManualSerial(agent: SerialAgent, o: ManualSerialOptions, flags: Flags = OWN): SerialBuilt {
  const address = addressOf(o.address, flags.address, agent);
  if (!address.ok) return address;
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS[agent];
  const common = { name: agent, address: address.value, timeoutMs };
  const config = configFor(agent, common, o, flags);
  if (!config.ok) return config;
  let secret: string | null = null;
  if (config.value.type === 'apc-pdu') {
    // Read now only to fail early with a clear reason; the device reads it again at each use.
    const read = readSecretFile(config.value.passwordFile);
    if (!read.ok) return read;
    secret = read.secret;
  } else if (config.value.type !== 'lcus' && (o.passwordFile !== undefined || o.login !== undefined || o.console !== undefined)) {
    // (For an lcus board these belong to its sense device, which checks them.)
    return { ok: false, reason: `${agent} has no login: --login, --password-file and --console apply to apc-pdu only` };
  }
  let sense: FenceDevice | undefined;
  if (config.value.type === 'lcus') {
    const built = buildSense(o);
    if (!built.ok) return built;
    sense = built.device;
    secret = built.secret;
  }
  const device = createSerialFenceDevice(config.value, (name) => (name === 'sense' ? sense : undefined));
  return { ok: true, device, timeoutMs, secret };
}

type ConfigResult = { ok: true; value: SerialFenceDeviceConfig } | { ok: false; reason: string };
type Common = { name: string; address: HostPort; timeoutMs: number };

function configFor(agent: SerialAgent, common: Common, o: ManualSerialOptions, flags: Flags): ConfigResult {
  const outlet = (min: number, max: number) => intOption(o.outlet, flags.outlet, min, max, agent);
  switch (agent) {
    case 'rps10': {
      const n = outlet(0, 9);
      return n.ok ? { ok: true, value: { ...common, type: 'rps10', outlet: n.value, waitForReady: true } } : n;
    }
    case 'apc-pdu': {
      const n = outlet(1, 64);
      if (!n.ok) return n;
      if (o.login === undefined || o.passwordFile === undefined) return { ok: false, reason: 'apc-pdu needs --login NAME and --password-file FILE' };
      const console = o.console ?? 'aos';
      if (console !== 'aos' && console !== 'menu') return { ok: false, reason: `--console: expected aos or menu, got ${JSON.stringify(console.slice(0, 32))}` };
      return { ok: true, value: { ...common, type: 'apc-pdu', outlet: n.value, login: o.login, passwordFile: o.passwordFile, console } };
    }
    case 'apc-ups':
      return noOutlet(o, agent, flags) ?? { ok: true, value: { ...common, type: 'apc-ups' } };
    case 'megatec-ups': {
      const r = o.restoreMinutes === undefined ? { ok: true as const, value: 0 } : intOption(o.restoreMinutes, '--restore-minutes', 0, 9999, agent);
      if (!r.ok) return r;
      return noOutlet(o, agent, flags) ?? { ok: true, value: { ...common, type: 'megatec-ups', restoreMinutes: r.value } };
    }
    case 'lcus': {
      const n = intOption(o.outlet, flags.outlet, 1, 8, 'lcus (the relay channel)');
      return n.ok ? { ok: true, value: { ...common, type: 'lcus', channel: n.value, senseDevice: 'sense' } } : n;
    }
  }
}

function buildSense(o: ManualSerialOptions): SerialBuilt {
  const agent = o.senseAgent;
  if (agent === undefined || o.senseAddress === undefined) {
    return { ok: false, reason: 'lcus never answers: it needs --sense-agent AGENT --sense-address HOST:PORT [--sense-outlet N] to read the power back' };
  }
  if (!isSerialAgent(agent) || agent === 'lcus') {
    return { ok: false, reason: `--sense-agent: expected one of rps10, apc-pdu, apc-ups, megatec-ups, got ${JSON.stringify(agent.slice(0, 32))}` };
  }
  return buildManualSerial(agent, { ...o, address: o.senseAddress, outlet: o.senseOutlet, senseAgent: undefined }, SENSE);
}

function noOutlet(o: ManualSerialOptions, agent: string, flags: Flags): { ok: false; reason: string } | null {
  return o.outlet === undefined ? null : { ok: false, reason: `${agent} switches the whole UPS: ${flags.outlet} does not apply` };
}

function addressOf(text: string | undefined, flag: string, agent: string): { ok: true; value: HostPort } | { ok: false; reason: string } {
  if (text === undefined) return { ok: false, reason: `${agent} needs ${flag} HOST:PORT (the ser2net port of its serial line)` };
  const parsed = parseHostPort(text);
  if (parsed.ok) return parsed;
  return { ok: false, reason: `${flag}: expected host:port, got ${JSON.stringify(text.slice(0, 64))}${parsed.note ? ` (${parsed.note})` : ''}` };
}

function intOption(text: string | undefined, flag: string, min: number, max: number, agent: string): { ok: true; value: number } | { ok: false; reason: string } {
  if (text === undefined) return { ok: false, reason: `${agent} needs ${flag} ${min}..${max}` };
  const n = /^[0-9]{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(n >= min && n <= max)) return { ok: false, reason: `${flag}: expected an integer ${min}..${max}, got ${JSON.stringify(text.slice(0, 32))}` };
  return { ok: true, value: n };
}
