// `edge-ha simulate`: many seeds for CI, or one seed with its full trace to
// replay a failure exactly.

import { runMany } from '../sim/runner';
import { runScenario } from '../sim/scenario';

export interface SimulateOptions {
  seeds?: string;
  seed?: string;
  json?: boolean;
  trace?: boolean;
}

function parseCount(name: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`--${name}: expected a whole number, got "${v}"`);
  return n;
}

export function runSimulate(o: SimulateOptions): number {
  const seed = parseCount('seed', o.seed, 1);
  if (o.seed !== undefined && o.seeds === undefined) return replayOne(seed, o);
  const count = parseCount('seeds', o.seeds, 1000);
  const progress = o.json || !process.stderr.isTTY ? undefined : (done: number) => process.stderr.write(`\r${done}/${count} scenarios`);
  const s = runMany(seed, count, {}, progress);
  if (progress) process.stderr.write('\n');
  if (o.json) {
    process.stdout.write(`${JSON.stringify(s)}\n`);
  } else {
    process.stdout.write(
      `${s.scenarios} scenarios (seeds ${seed}..${seed + count - 1}), ${s.simulatedSeconds.toFixed(0)} simulated seconds, ${s.events} events in ${s.seconds.toFixed(1)} s\n` +
        `failover after a crash of the active: median ${s.failover.medianMs} ms, p99 ${s.failover.p99Ms} ms, max ${s.failover.maxMs} ms\n` +
        `${s.violations} violations${s.failedSeeds.length ? ` in seeds ${s.failedSeeds.slice(0, 20).join(', ')}` : ''}\n`,
    );
    if (s.firstFailure) {
      const f = s.firstFailure;
      process.stdout.write(`\nfirst failing seed ${f.seed}: replay with\n  ${f.replay}\n`);
      for (const v of f.violations) process.stdout.write(`  ${v.checker}/${v.rule} at ${v.atMs.toFixed(1)} ms: ${v.message}\n`);
      process.stdout.write(`faults: ${f.faults.join('; ')}\nlast trace lines:\n${f.trace.join('\n')}\n`);
    }
  }
  return s.violations ? 1 : 0;
}

function replayOne(seed: number, o: SimulateOptions): number {
  const r = runScenario(seed, { traceAll: o.trace ?? false });
  if (o.json) {
    process.stdout.write(`${JSON.stringify({ seed, violations: r.violations, faults: r.faults, params: r.params, failoverMs: r.failoverMs, trace: o.trace ? r.trace : undefined })}\n`);
  } else {
    process.stdout.write(`seed ${seed}\nparameters: ${JSON.stringify(r.params)}\nfaults:\n${r.faults.map((f) => `  ${f}`).join('\n')}\n`);
    if (o.trace) process.stdout.write(`trace:\n${r.trace.join('\n')}\n`);
    process.stdout.write(r.violations.length ? r.violations.map((v) => `VIOLATION ${v.checker}/${v.rule} at ${v.atMs.toFixed(1)} ms: ${v.message}`).join('\n') + '\n' : `no violations; failover ${r.failoverMs?.toFixed(1)} ms\n`);
  }
  return r.violations.length ? 1 : 0;
}
