// One seeded scenario: boot a pair, inject named faults for a chaos phase
// (safety must hold throughout), heal everything, then check liveness: the
// pair converges, and a crash of the active is taken over in bounded time.

import { ClusterCore } from '../core/core';
import { LivenessChecker } from './checkers/liveness';
import { SafetyChecker } from './checkers/safety';
import type { Violation } from './checkers/violation';
import { drawParams, failoverBoundMs, type SimParams } from './params';
import { Prng } from './prng';
import type { SimNode } from './simNode';
import { SimWorld, type CoreFactory } from './world';

export interface ScenarioResult {
  seed: number;
  params: SimParams;
  violations: Violation[];
  faults: string[];
  events: number;
  simulatedMs: number;
  failoverMs: number | null;
  trace: string[];
}

export interface ScenarioOptions {
  coreFactory?: CoreFactory;
  traceAll?: boolean;
}

const CONVERGE_BOUND_MS = 30_000;

export function runScenario(seed: number, opts: ScenarioOptions = {}): ScenarioResult {
  const r = new Prng(seed);
  const p = drawParams(r);
  const w = new SimWorld(p, r, opts.coreFactory ?? ((init) => new ClusterCore(init)));
  w.traceAll = opts.traceAll ?? false;
  const safety = new SafetyChecker();
  const liveness = new LivenessChecker(p);
  w.observers.push(safety, liveness);
  const faults: string[] = [];

  w.at(0, () => w.startDaemon(w.a));
  w.at(r.int(0, 1500), () => w.startDaemon(w.b));
  const nFaults = r.int(1, 8);
  for (let i = 0; i < nFaults; i++) {
    const atMs = r.int(1500, p.chaosMs - 500);
    const f = drawFault(r, w, p);
    faults.push(`${atMs} ms: ${f.name}`);
    w.at(atMs, f.run);
  }
  w.runUntil(p.chaosMs);

  const failoverMs = w.livelock ? null : livenessPhase(w, r, liveness);
  if (w.livelock) liveness.violations.splice(0, liveness.violations.length, { checker: 'liveness', rule: 'livelock', atMs: w.nowMs, message: w.livelock });
  return {
    seed,
    params: p,
    violations: [...safety.violations, ...liveness.violations],
    faults,
    events: w.events,
    simulatedMs: w.nowMs,
    failoverMs,
    trace: w.trace,
  };
}

interface Fault {
  name: string;
  run: () => void;
}

function activeOr(w: SimWorld, fallback: SimNode): SimNode {
  if (w.a.core?.currentRole === 'active') return w.a;
  if (w.b.core?.currentRole === 'active') return w.b;
  return fallback;
}

function drawFault(r: Prng, w: SimWorld, p: SimParams): Fault {
  const node = r.chance(0.5) ? w.a : w.b;
  const durMs = r.pick([50, 200, 600, 1500, 4000]);
  const kind = r.pick(['crash', 'crash-active', 'freeze', 'restart', 'power-cycle', 'path-loss', 'partition', 'asymmetric', 'fence-device', 'command', 'health'] as const);
  switch (kind) {
    case 'crash':
    case 'crash-active': {
      const restartMs = r.chance(0.7) ? r.int(200, 4000) : null;
      return {
        name: `${kind} ${kind === 'crash' ? node.id : '(active)'}${restartMs ? `, restart after ${restartMs} ms` : ''}`,
        run: () => {
          const n = kind === 'crash' ? node : activeOr(w, node);
          w.crash(n);
          if (restartMs !== null) w.at(restartMs, () => w.startDaemon(n));
        },
      };
    }
    case 'freeze':
      return { name: `freeze ${r.chance(0.5) ? node.id : '(active)'} ${durMs} ms`, run: () => w.freeze(r.chance(0.5) ? node : activeOr(w, node), durMs) };
    case 'restart':
      return {
        name: `clean restart ${node.id}`,
        run: () => {
          w.deliver(node, { type: 'shutdown', nowMs: w.nowMs, reason: 'simulated SIGTERM' });
          w.at(3000, () => w.startDaemon(node));
        },
      };
    case 'power-cycle':
      return { name: `power cycle ${node.id} (${durMs} ms)`, run: () => { w.powerOff(node, 'power loss'); w.at(durMs, () => w.powerOn(node)); } };
    case 'path-loss': {
      const i = r.int(0, p.paths.length - 1);
      const loss = r.pick([0.3, 0.6, 1]);
      return {
        name: `loss ${Math.round(loss * 100)}% on ${p.paths[i]?.name} for ${durMs} ms`,
        run: () => { w.extraLoss[i] = loss; w.log(`NET loss ${loss} on ${p.paths[i]?.name}`); w.at(durMs, () => { w.extraLoss[i] = 0; w.log(`NET loss healed on ${p.paths[i]?.name}`); }); },
      };
    }
    case 'partition':
    case 'asymmetric': {
      const dirs: ('a' | 'b')[] = kind === 'partition' ? ['a', 'b'] : [node.key];
      return {
        name: `${kind === 'partition' ? 'symmetric partition' : `asymmetric partition (from ${node.id} lost)`} for ${durMs} ms`,
        run: () => {
          for (const c of w.cut) for (const d of dirs) c[d] = true;
          w.log(`NET ${kind} (${dirs.join(',')})`);
          w.at(durMs, () => { for (const c of w.cut) for (const d of dirs) c[d] = false; w.log('NET partition healed'); });
        },
      };
    }
    case 'fence-device': {
      // One bad mode for a while, or a recovery sequence (e.g. hangs, then fails, then works).
      const steps = Array.from({ length: r.chance(0.7) ? 1 : r.int(2, 3) }, () => ({ mode: r.pick(['fail', 'slow', 'hang', 'lie'] as const), forMs: r.pick([500, 3000, 8000]) }));
      const name = steps.map((s) => `${s.mode} for ${s.forMs} ms`).join(', then ');
      return { name: `fence device of ${node.id} ${name}, then ok`, run: () => w.fenceSequence(node, steps) };
    }
    case 'command': {
      const cmd = r.pick(['standby', 'switchover', 'switchover', 'maintenance', 'force-start'] as const);
      return {
        name: `operator ${cmd} on ${node.id}`,
        run: () => {
          // An operator forces a start only when the peer really is down.
          if (cmd === 'force-start' && w.peerOf(node).alive) return;
          w.command(node, { kind: cmd });
          if (cmd === 'standby' || cmd === 'maintenance') w.at(durMs, () => w.command(node, { kind: 'online' }));
        },
      };
    }
    case 'health':
      return { name: `health critical on ${node.id} for ${durMs} ms`, run: () => { w.health(node, 'critical'); w.at(durMs, () => w.health(node, 'ok')); } };
  }
}

function stablePair(w: SimWorld): SimNode | null {
  for (const [x, y] of [[w.a, w.b], [w.b, w.a]] as const) {
    if (x.alive && y.alive && x.core?.currentRole === 'active' && x.resource === 'running' && y.core?.currentRole === 'standby' && y.resource === 'stopped') {
      const st = y.core.status(w.nowMs);
      if (st.peer.state === 'up') return x;
    }
  }
  return null;
}

/** Heal everything, wait for a stable pair, crash the active, time the takeover. */
function livenessPhase(w: SimWorld, r: Prng, liveness: LivenessChecker): number | null {
  const p = w.p;
  w.log('HEAL all faults');
  for (const c of w.cut) c.a = c.b = false;
  w.extraLoss.fill(0);
  w.persistFailProb = 0;
  w.baseLoss = 0;
  for (const n of [w.a, w.b]) {
    w.setFenceMode(n, 'ok');
    if (!n.power) w.powerOn(n);
    else if (n.proc === 'dead') w.startDaemon(n);
    else if (n.proc === 'running') {
      w.health(n, 'ok');
      w.command(n, { kind: 'online' });
    }
  }
  // Freezes end on their own; nodes booting now come up in normal mode. Like an
  // operator, every second power on any node a late fence switched off, and
  // start any daemon that exited since (a clean restart whose start fell
  // inside a freeze: the process left once the freeze ended).
  const healAt = w.nowMs;
  while (w.nowMs < healAt + CONVERGE_BOUND_MS && !w.livelock) {
    w.runUntil(w.nowMs + 1000, () => stablePair(w) !== null && w.nowMs > healAt + 5000);
    if (stablePair(w) !== null && w.nowMs > healAt + 5000) break;
    for (const n of [w.a, w.b]) {
      if (!n.power) w.powerOn(n);
      else if (n.proc === 'dead') w.startDaemon(n);
    }
  }
  for (const n of [w.a, w.b]) if (n.alive && n.core && n.core.status(w.nowMs).mode !== 'normal') w.command(n, { kind: 'online' });
  w.runUntil(w.nowMs + 1000);
  const active = stablePair(w);
  if (!active) {
    liveness.add('converge', w.nowMs, `no stable pair (one active with the resource running, one standby hearing it) within ${CONVERGE_BOUND_MS} ms of healing`);
    return null;
  }
  const survivor = w.peerOf(active);
  const crashAt = w.nowMs + r.real(0, 50);
  const bound = failoverBoundMs(p);
  w.runUntil(crashAt);
  w.crash(active);
  w.runUntil(crashAt + bound, () => survivor.resource === 'running');
  if (survivor.resource !== 'running') {
    liveness.add('failover-bound', w.nowMs, `${active.id} crashed at ${crashAt.toFixed(1)} ms with a working fence device, but ${survivor.id} did not run the resource within ${bound.toFixed(0)} ms (detection + fence delay + fence + start)`);
    return null;
  }
  const failoverMs = w.nowMs - crashAt;
  w.runUntil(w.nowMs + 2000);
  return failoverMs;
}
