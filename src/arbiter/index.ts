// Arbitrators for watchdog self-fencing (issue 4 §3): "may a node that lost
// its peer survive?" Guarantees of each kind: docs/arbiter.md.

export type { Arbitrator, ArbitratorConfig, AskResult, ArbiterClock, PingArbitratorConfig, WitnessArbitratorConfig } from './types';
export { systemClock } from './types';
export { createArbitrator, checkArbitratorConfig, type ArbitratorCheck, type CreateArbitratorResult } from './create';
export { PING_TIE_WARNING, PingArbitrator, checkPingTarget, type PingArbitratorOptions } from './ping';
export { WitnessArbitrator, type WitnessClientOptions } from './witnessClient';
export {
  startWitness,
  WitnessStartError,
  WITNESS_DEFAULT_LEASE_MS,
  WITNESS_DEFAULT_MAX_SKEW_MS,
  WITNESS_DEFAULT_PORT,
  type WitnessOptions,
  type WitnessServer,
} from './witnessServer';
export { registerWitnessCommand, type WitnessCommandDeps } from './witnessCommand';
export { loadArbiterKeyFile } from './keyFile';
