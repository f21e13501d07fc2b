// From a config object to a ready arbitrator. Every operator mistake is an
// error text naming the field; nothing here throws.

import { parseHostPort } from '../config/hostPort';
import { ID_PATTERN } from '../protocol/heartbeatCodec';
import { loadArbiterKeyFile } from './keyFile';
import { checkPingTarget, PING_TIE_WARNING, PingArbitrator } from './ping';
import type { ArbiterClock, Arbitrator, ArbitratorConfig, WitnessArbitratorConfig } from './types';
import { WitnessArbitrator } from './witnessClient';

export type CreateArbitratorResult = { ok: true; arbitrator: Arbitrator } | { ok: false; error: string };

export interface ArbitratorCheck {
  errors: string[];
  /** Not wrong, but the operator must know (PING_TIE_WARNING). */
  warnings: string[];
}

/** Checks the shape of a config without touching files or the network. */
export function checkArbitratorConfig(config: ArbitratorConfig): ArbitratorCheck {
  if (config.type === 'ping') {
    const problem = checkPingTarget(config.host, config.port, config.timeoutMs);
    return { errors: problem ? [problem] : [], warnings: [PING_TIE_WARNING] };
  }
  if (config.type === 'witness') return { errors: witnessProblems(config), warnings: [] };
  return { errors: [`arbitrator type ${JSON.stringify((config as { type: unknown }).type)} is not ping or witness`], warnings: [] };
}

function witnessProblems(c: WitnessArbitratorConfig): string[] {
  const errors: string[] = [];
  const addr = typeof c.address === 'string' ? parseHostPort(c.address) : { ok: false as const, note: undefined };
  if (!addr.ok) errors.push(`witness arbitrator address ${JSON.stringify(c.address)} is not host:port${addr.note ? ` (${addr.note})` : ''}`);
  if (typeof c.keyFile !== 'string' || c.keyFile === '') errors.push('witness arbitrator keyFile is missing');
  if (!Number.isInteger(c.timeoutMs) || c.timeoutMs < 1) errors.push(`witness arbitrator timeoutMs ${c.timeoutMs} is not a positive integer`);
  if (typeof c.clusterId !== 'string' || !ID_PATTERN.test(c.clusterId)) errors.push(`witness arbitrator clusterId ${JSON.stringify(c.clusterId)} does not match ${ID_PATTERN}`);
  if (typeof c.nodeId !== 'string' || !ID_PATTERN.test(c.nodeId)) errors.push(`witness arbitrator nodeId ${JSON.stringify(c.nodeId)} does not match ${ID_PATTERN}`);
  return errors;
}

/**
 * Builds the arbitrator a config describes; for a witness it also reads the
 * key file now, so a daemon with a broken key refuses to start instead of
 * finding out when it has just lost its peer.
 */
export function createArbitrator(config: ArbitratorConfig, deps: { clock?: ArbiterClock; pingCommand?: string } = {}): CreateArbitratorResult {
  const check = checkArbitratorConfig(config);
  if (check.errors.length > 0) return { ok: false, error: check.errors.join('; ') };
  if (config.type === 'ping') {
    return { ok: true, arbitrator: new PingArbitrator({ host: config.host, port: config.port, timeoutMs: config.timeoutMs, clock: deps.clock, pingCommand: deps.pingCommand }) };
  }
  const keys = loadArbiterKeyFile(config.keyFile, 'witness arbitrator keyFile');
  if (!keys.ok) return { ok: false, error: keys.error };
  const addr = parseHostPort(config.address);
  if (!addr.ok) return { ok: false, error: `witness arbitrator address ${JSON.stringify(config.address)} is not host:port` };
  return {
    ok: true,
    arbitrator: new WitnessArbitrator({
      address: addr.value,
      keyring: keys.keyring,
      timeoutMs: config.timeoutMs,
      clusterId: config.clusterId,
      nodeId: config.nodeId,
      clock: deps.clock,
    }),
  };
}
