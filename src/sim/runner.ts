// Runs many seeded scenarios and summarises them. A failing seed comes with
// the one command that replays it and the tail of its trace.

import { runScenario, type ScenarioOptions, type ScenarioResult } from './scenario';

export interface SimulateSummary {
  scenarios: number;
  violations: number;
  failedSeeds: number[];
  seconds: number;
  simulatedSeconds: number;
  events: number;
  failover: { medianMs: number | null; p99Ms: number | null; maxMs: number | null };
  firstFailure: { seed: number; replay: string; violations: ScenarioResult['violations']; faults: string[]; trace: string[] } | null;
}

export function replayCommand(seed: number): string {
  return `edge-ha simulate --seed ${seed} --trace`;
}

export function runMany(firstSeed: number, count: number, opts: ScenarioOptions = {}, onProgress?: (done: number) => void): SimulateSummary {
  const t0 = process.hrtime.bigint();
  const failedSeeds: number[] = [];
  const failovers: number[] = [];
  let violations = 0;
  let events = 0;
  let simMs = 0;
  let firstFailure: SimulateSummary['firstFailure'] = null;
  for (let i = 0; i < count; i++) {
    const seed = (firstSeed + i) >>> 0;
    const res = runScenario(seed, opts);
    events += res.events;
    simMs += res.simulatedMs;
    if (res.failoverMs !== null) failovers.push(res.failoverMs);
    if (res.violations.length) {
      violations += res.violations.length;
      failedSeeds.push(seed);
      firstFailure ??= { seed, replay: replayCommand(seed), violations: res.violations, faults: res.faults, trace: res.trace.slice(-60) };
    }
    if (onProgress && (i + 1) % 100 === 0) onProgress(i + 1);
  }
  failovers.sort((a, b) => a - b);
  const q = (f: number): number | null => (failovers.length ? round1(failovers[Math.min(failovers.length - 1, Math.floor(f * failovers.length))] as number) : null);
  return {
    scenarios: count,
    violations,
    failedSeeds,
    seconds: Number(process.hrtime.bigint() - t0) / 1e9,
    simulatedSeconds: simMs / 1000,
    events,
    failover: { medianMs: q(0.5), p99Ms: q(0.99), maxMs: failovers.length ? round1(failovers[failovers.length - 1] as number) : null },
    firstFailure,
  };
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
