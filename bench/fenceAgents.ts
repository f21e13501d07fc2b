// Per-agent fence timings: for every simulated agent, the time to power the
// target off AND read it back off (device.off then device.status, exactly the
// fencer's confirmOff), and the time to power it on, over N trials. Every
// device is built by createFenceDevice from a config object, as the daemon
// builds it (oneAtATime, per-call agents, password files, the TCP link), and
// each result is checked against the simulator's own power state. The agents
// and their simulators are in fenceAgentRigs.ts.
//
//   npm run bench:fence -- [--trials 20] [--json] [--only rps10,ipmi]

import { AGENTS, type Rig } from './fenceAgentRigs';

const TARGET = 'node-b';

interface Stats {
  n: number;
  medianMs: number | null;
  p90Ms: number | null;
  minMs: number | null;
  maxMs: number | null;
}

interface AgentReport {
  /** off + status reading off, per trial. */
  fenceConfirm: Stats;
  /** The two halves of fenceConfirm: the device's off (with its own read-back) and the fencer's status read. */
  offCall: Stats;
  statusCall: Stats;
  on: Stats;
  failures: number;
  firstFailure: string | null;
  notes: string[];
}

// ------------------------------------------------------------------ measuring

function stats(xs: number[]): Stats {
  if (xs.length === 0) return { n: 0, medianMs: null, p90Ms: null, minMs: null, maxMs: null };
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => round(s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!);
  return { n: s.length, medianMs: at(0.5), p90Ms: at(0.9), minMs: round(s[0]!), maxMs: round(s[s.length - 1]!) };
}

const round = (ms: number) => Math.round(ms * 10) / 10;

async function waitUntil(check: () => boolean, limitMs: number): Promise<boolean> {
  const until = performance.now() + limitMs;
  while (!check()) {
    if (performance.now() > until) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}

async function measureAgent(rig: Rig, trials: number): Promise<AgentReport> {
  const fence: number[] = [];
  const offCall: number[] = [];
  const statusCall: number[] = [];
  const on: number[] = [];
  const failures: string[] = [];
  const { device } = rig;
  for (let i = 0; i < trials; i++) {
    if (!(await waitUntil(rig.isOn, 5000))) {
      failures.push(`trial ${i + 1}: the target was still off before the trial`);
      break;
    }
    const t0 = performance.now();
    const off = await device.off(TARGET);
    const tOff = performance.now();
    const status = off.ok ? await device.status(TARGET) : null;
    const t1 = performance.now();
    if (off.ok && status?.state === 'off' && !rig.isOn()) {
      fence.push(t1 - t0);
      offCall.push(tOff - t0);
      statusCall.push(t1 - tOff);
    }
    else failures.push(`trial ${i + 1} off: ${off.ok ? `status ${status?.state}: ${status?.reason}` : off.reason}${rig.isOn() ? ' (simulator: still on)' : ''}`);
    const t2 = performance.now();
    const up = await device.on(TARGET);
    const t3 = performance.now();
    if (up.ok && rig.isOn()) on.push(t3 - t2);
    else failures.push(`trial ${i + 1} on: ${up.reason}${rig.isOn() ? '' : ' (simulator: still off)'}`);
  }
  return { fenceConfirm: stats(fence), offCall: stats(offCall), statusCall: stats(statusCall), on: stats(on), failures: failures.length, firstFailure: failures[0] ?? null, notes: rig.notes };
}

// ------------------------------------------------------------------ output

interface Args {
  trials: number;
  json: boolean;
  only: string[] | null;
}

function parseArgs(argv: string[]): Args | string {
  const args: Args = { trials: 20, json: false, only: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') args.json = true;
    else if (a === '--trials') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1 || n > 10_000) return `--trials expects a whole number 1..10000, got ${JSON.stringify(argv[i])}`;
      args.trials = n;
    } else if (a === '--only') args.only = (argv[++i] ?? '').split(',').filter((s) => s !== '');
    else return `unknown argument ${JSON.stringify(a)} (expected --trials N, --json, --only a,b)`;
  }
  const unknown = (args.only ?? []).filter((n) => !AGENTS.some((g) => g.name === n));
  if (unknown.length > 0) return `--only names no agent called ${unknown.map((n) => JSON.stringify(n)).join(', ')} (agents: ${AGENTS.map((g) => g.name).join(', ')})`;
  return args;
}

const cell = (v: number | null) => (v === null ? '-' : v.toFixed(1)).padStart(8);

function table(agents: Record<string, AgentReport>, skipped: Record<string, string>, trials: number): string {
  const lines = [`fence agents, ${trials} trials each; fence+confirm = off then status reads off (ms)`, ''];
  lines.push(`${'agent'.padEnd(18)}${'fence+confirm: median'.padStart(22)}${'p90'.padStart(8)}${'min'.padStart(8)}${'max'.padStart(8)}   ${'(off'.padStart(8)}${'status)'.padStart(8)}   ${'on: median'.padStart(10)}${'p90'.padStart(8)}${'max'.padStart(8)}  fail`);
  for (const [name, r] of Object.entries(agents)) {
    const f = r.fenceConfirm;
    lines.push(`${name.padEnd(18)}${cell(f.medianMs).padStart(22)}${cell(f.p90Ms)}${cell(f.minMs)}${cell(f.maxMs)}   ${cell(r.offCall.medianMs)}${cell(r.statusCall.medianMs)}   ${cell(r.on.medianMs).padStart(10)}${cell(r.on.p90Ms)}${cell(r.on.maxMs)}  ${r.failures}`);
  }
  lines.push('');
  for (const [name, r] of Object.entries(agents)) {
    for (const n of r.notes) lines.push(`${name}: ${n}`);
    if (r.firstFailure) lines.push(`${name}: FIRST FAILURE ${r.firstFailure}`);
  }
  for (const [name, why] of Object.entries(skipped)) lines.push(`${name}: SKIPPED, ${why}`);
  return lines.join('\n');
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (typeof args === 'string') {
    process.stderr.write(`bench:fence: ${args}\n`);
    return 2;
  }
  const agents: Record<string, AgentReport> = {};
  const skipped: Record<string, string> = {};
  for (const setup of AGENTS) {
    if (args.only && !args.only.includes(setup.name)) continue;
    const missing = setup.missing();
    if (missing !== null) {
      skipped[setup.name] = missing;
      continue;
    }
    if (!args.json) process.stderr.write(`${setup.name}...\n`);
    let rig: Rig;
    try {
      rig = await setup.start();
    } catch (e) {
      skipped[setup.name] = `could not start its simulator: ${e instanceof Error ? e.message : String(e)}`;
      continue;
    }
    try {
      agents[setup.name] = await measureAgent(rig, args.trials);
    } finally {
      await rig.close();
    }
  }
  const result = { bench: 'fence-agents', trials: args.trials, target: TARGET, node: process.version, agents, skipped };
  process.stdout.write(args.json ? `${JSON.stringify(result, null, 1)}\n` : `${table(agents, skipped, args.trials)}\n`);
  return Object.values(agents).some((r) => r.failures > 0) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`bench:fence failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(2);
  },
);
