// Failover benchmark: run the loopback pair, SIGKILL the active daemon N times
// and time (a) detection: the survivor's last heartbeat from the peer to
// "peer lost", read from the silence its reason reports, and (b) failover:
// the kill to the resource running on the survivor. Then the daemons' RSS and
// CPU while idle. Prints one JSON object with --json.
//
//   npm run bench:failover -- --json [--trials 30] [--idle-seconds 20] [--port-base 27000]
//                             [--fence sim-power|rps10|lcus|apc-pdu|ipmi]
// --fence sends every fence through that simulator speaking the device's real
// protocol (ipmi: OpenIPMI's ipmi_sim), so the failover time includes it.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PairEvent } from '../src/pair/events';
import { findRepoRoot } from '../src/pair/repoRoot';
import { prepareRunDir } from '../src/pair/runDir';
import { isPairFenceKind, PAIR_FENCE_KINDS } from '../src/pair/fenceConfig';
import { PairSupervisor } from '../src/pair/supervisor';
import { cpuSecondsOf, rssBytesOf, waitFor, quantiles, argNumber, sleep, stablePair } from './pairBench';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const json = argv.includes('--json');
  const trials = argNumber(argv, '--trials', 30);
  const idleSeconds = argNumber(argv, '--idle-seconds', 20);
  const portBase = argNumber(argv, '--port-base', 27000);
  const fenceArg = argv[argv.indexOf('--fence') + 1];
  const fence = argv.includes('--fence') ? fenceArg : 'sim-power';
  if (fence === undefined || !isPairFenceKind(fence)) throw new Error(`--fence: expected one of ${PAIR_FENCE_KINDS.join(', ')}, got ${JSON.stringify(fenceArg)}`);
  const say = (s: string) => json || process.stderr.write(`${s}\n`);
  const repoRoot = findRepoRoot();
  if (!repoRoot) throw new Error('cannot find the edge-ha checkout');
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-ha-bench-'));
  const prepared = await prepareRunDir({ exampleDir: path.join(repoRoot, 'examples', 'pair'), runDir, portBase, fence });
  if (!prepared.ok) throw new Error(prepared.error);
  const sup = new PairSupervisor({ layout: prepared.layout, repoRoot, rebootDelayMs: 300 });
  const events: PairEvent[] = [];
  sup.onEvent((e) => events.push(e));
  await sup.start();
  const detection: number[] = [];
  /** Fence fired -> confirmed, from the survivor's fence event. */
  const fenceMs: number[] = [];
  const failover: number[] = [];
  const failures: string[] = [];
  try {
    for (let i = 0; i < trials; i++) {
      const active = await waitFor('a stable pair', () => stablePair(sup), 20_000);
      const survivor = sup.nodeIds.find((n) => n !== active) as string;
      await sleep(300 + Math.random() * 200); // let heartbeat phase vary between trials
      const from = events.length;
      const killedAt = sup.now();
      sup.crash(active);
      const running = await waitFor(
        'resource running on the survivor',
        async () => events.slice(from).find((e) => e.type === 'resource' && e.node === survivor && e.op === 'start' && e.ok) ?? null,
        10_000,
      ).catch((err: Error) => (failures.push(`trial ${i + 1}: ${err.message}`), null));
      if (!running) continue;
      failover.push(running.tMs - killedAt);
      const fenceEvents = events.slice(from).filter((e) => e.type === 'fence' && e.node === survivor);
      const fired = fenceEvents.find((e) => e.type === 'fence' && e.phase === 'fired');
      const done = fenceEvents.find((e) => e.type === 'fence' && e.phase === 'done' && e.confirmedOff);
      if (fired && done) fenceMs.push(done.tMs - fired.tMs);
      const lost = events.slice(from).find((e) => e.type === 'transition' && e.node === survivor && e.to === 'fencing');
      const silences = lost && lost.type === 'transition' ? [...lost.reason.matchAll(/(\d+) ms silent/g)].map((m) => Number(m[1])) : [];
      if (silences.length) detection.push(Math.min(...silences));
      say(`trial ${i + 1}/${trials}: ${active} killed, ${survivor} running after ${Math.round(running.tMs - killedAt)} ms (detection ${silences.length ? Math.min(...silences) : '?'} ms)`);
    }
    await waitFor('a stable pair', () => stablePair(sup), 20_000);
    const pids = sup.snapshot().map((n) => n.pid).filter((p): p is number => p !== null);
    const cpu0 = pids.map(cpuSecondsOf);
    await sleep(idleSeconds * 1000);
    const cpu1 = pids.map(cpuSecondsOf);
    const idleCpuPercent = Math.max(...pids.map((_, k) => ((cpu1[k] as number) - (cpu0[k] as number)) / idleSeconds * 100));
    const rssMb = Math.max(...pids.map(rssBytesOf)) / 1024 / 1024;
    const result = {
      bench: 'failover',
      trials,
      completed: failover.length,
      failures,
      settings: { intervalMs: 20, missMultiplier: 8, fenceDelayMs: 60, fence, resource: 'demo-service.sh' },
      detectionMs: quantiles(detection),
      fenceConfirmMs: quantiles(fenceMs),
      failoverMs: quantiles(failover),
      idle: { seconds: idleSeconds, cpuPercentOfOneCoreMax: Math.round(idleCpuPercent * 100) / 100, rssMbMax: Math.round(rssMb * 10) / 10 },
      machine: { cpus: os.cpus().length, node: process.version },
    };
    process.stdout.write(json ? `${JSON.stringify(result)}\n` : `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await sup.stop();
    fs.rmSync(runDir, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  process.stderr.write(`bench:failover: ${err.stack ?? err.message}\n`);
  process.exitCode = 1;
});
