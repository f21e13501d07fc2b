// Soak: the loopback pair under random heartbeat loss on every path while CPU
// hogs keep every core busy. Counts false failovers (any fence, any move of
// the service) and path-down alarms. Prints one JSON object.
//
//   npm run bench:soak -- --json [--minutes 10] [--loss 0.2] [--hogs 2] [--port-base 27100]

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DaemonStatus } from '../src/daemon/contract';
import { injectAll } from '../src/pair/controlCommands';
import type { PairEvent } from '../src/pair/events';
import { findRepoRoot } from '../src/pair/repoRoot';
import { prepareRunDir } from '../src/pair/runDir';
import { PairSupervisor } from '../src/pair/supervisor';
import { argNumber, sleep, stablePair, waitFor } from './pairBench';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const json = argv.includes('--json');
  const minutes = argNumber(argv, '--minutes', 10);
  const loss = argNumber(argv, '--loss', 0.2);
  const hogCount = argNumber(argv, '--hogs', os.cpus().length);
  const portBase = argNumber(argv, '--port-base', 27100);
  const say = (s: string) => json || process.stderr.write(`${s}\n`);
  const repoRoot = findRepoRoot();
  if (!repoRoot) throw new Error('cannot find the edge-ha checkout');
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-ha-soak-'));
  const prepared = await prepareRunDir({ exampleDir: path.join(repoRoot, 'examples', 'pair'), runDir, portBase });
  if (!prepared.ok) throw new Error(prepared.error);
  const sup = new PairSupervisor({ layout: prepared.layout, repoRoot });
  const events: PairEvent[] = [];
  sup.onEvent((e) => events.push(e));
  const hogs: ChildProcess[] = [];
  try {
    await sup.start();
    const firstActive = await waitFor('a stable pair', () => stablePair(sup), 20_000);
    const targets = prepared.layout.nodes.map((n) => ({ id: n.id, controlSocket: n.controlSocket }));
    const injected = await injectAll(targets, { action: 'loss', path: 'all', loss }, `loss ${loss}`, 2000);
    if (!injected.ok) throw new Error(injected.message);
    // Busy loops at normal priority, one per core: the daemons must compete for CPU.
    for (let i = 0; i < hogCount; i++) hogs.push(spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
    const from = events.length;
    const startedAt = Date.now();
    say(`soak: ${minutes} min, ${Math.round(loss * 100)}% loss on every path, ${hogCount} CPU hogs; ${firstActive} active`);
    while (Date.now() - startedAt < minutes * 60_000) {
      await sleep(Math.min(30_000, minutes * 60_000 - (Date.now() - startedAt)));
      const fences = events.slice(from).filter((e) => e.type === 'fence').length;
      say(`  ${((Date.now() - startedAt) / 60_000).toFixed(1)} min: ${fences} fence events so far`);
    }
    for (const h of hogs) h.kill('SIGKILL');
    const during = events.slice(from);
    const statuses = (await sup.status()).flatMap((s) => (s.ok ? [s.status as DaemonStatus] : []));
    const counters = statuses.map((s) => ({ node: s.core.nodeId, role: s.core.role, epoch: s.core.epoch, paths: s.paths }));
    const arrived = statuses.reduce((a, s) => a + Object.values(s.paths).reduce((b, p) => b + p.received + p.injectedDrops, 0), 0);
    const dropped = statuses.reduce((a, s) => a + Object.values(s.paths).reduce((b, p) => b + p.injectedDrops, 0), 0);
    const result = {
      bench: 'soak',
      minutes,
      lossPerPath: loss,
      hogs: hogCount,
      falseFailovers: during.filter((e) => e.type === 'transition' && (e.to === 'fencing' || e.to === 'active')).length,
      fenceEvents: during.filter((e) => e.type === 'fence').length,
      roleChanges: during.filter((e) => e.type === 'transition').map((e) => (e.type === 'transition' ? `${e.node} ${e.from}->${e.to}: ${e.reason}` : '')),
      pathDownAlarms: during.filter((e) => e.type === 'alarm' && e.raised && e.id.startsWith('path-down')).length,
      peerLostAlarms: during.filter((e) => e.type === 'alarm' && e.raised && e.id === 'peer-lost').length,
      measuredDropFraction: arrived ? Math.round((dropped / arrived) * 1000) / 1000 : null,
      activeAtEnd: statuses.find((s) => s.core.role === 'active')?.core.nodeId ?? null,
      activeAtStart: firstActive,
      nodes: counters,
    };
    process.stdout.write(json ? `${JSON.stringify(result)}\n` : `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    for (const h of hogs) h.kill('SIGKILL');
    await sup.stop();
    fs.rmSync(runDir, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  process.stderr.write(`bench:soak: ${err.stack ?? err.message}\n`);
  process.exitCode = 1;
});
