// Helpers shared by the pair benchmarks (failover, soak): waiting, /proc
// readings and order statistics.

import fs from 'node:fs';
import type { PairSupervisor } from '../src/pair/supervisor';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function argNumber(argv: string[], name: string, dflt: number): number {
  const i = argv.indexOf(name);
  if (i < 0) return dflt;
  const v = Number(argv[i + 1]);
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name}: expected a number, got "${argv[i + 1]}"`);
  return v;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | null> | T | null, timeoutMs: number): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await probe();
    if (v !== null && v !== undefined) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

/** The active node's id when one node runs the resource and the other is a standby hearing it; else null. */
export async function stablePair(sup: PairSupervisor): Promise<string | null> {
  const st = await sup.status();
  const ok = st.flatMap((s) => (s.ok ? [s.status] : []));
  if (ok.length !== 2) return null;
  const active = ok.find((s) => s.core.role === 'active' && s.core.resource === 'running');
  const standby = ok.find((s) => s.core.role === 'standby' && s.core.peer.state === 'up' && s.core.resource === 'stopped');
  return active && standby ? active.core.nodeId : null;
}

/** utime + stime of a process, in seconds. */
export function cpuSecondsOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
  return ticks / 100; // USER_HZ is 100 on Linux
}

export function rssBytesOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

export function quantiles(xs: number[]): { n: number; medianMs: number | null; p99Ms: number | null; maxMs: number | null; minMs: number | null } {
  if (!xs.length) return { n: 0, medianMs: null, p99Ms: null, maxMs: null, minMs: null };
  const s = [...xs].sort((a, b) => a - b);
  const q = (f: number) => Math.round((s[Math.min(s.length - 1, Math.ceil(f * s.length) - 1)] as number) * 10) / 10;
  return { n: s.length, medianMs: q(0.5), p99Ms: q(0.99), maxMs: Math.round((s[s.length - 1] as number) * 10) / 10, minMs: Math.round((s[0] as number) * 10) / 10 };
}
