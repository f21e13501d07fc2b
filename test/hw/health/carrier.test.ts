// NIC link state from a temp-dir sysfs (injectable root), errno handling
// through an injected reader, and a real veth pair whose peer sits in a
// network namespace: taking the peer down drops our carrier at once.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CarrierWatcher, readLinkState, type LinkState } from '../../../hw/health/carrier';
import type { SmallFileReader } from '../../../hw/health/readSmall';
import type { HealthEvent } from '../../../hw/health/types';
import { ManualClock } from '../../../hw/ups/sim/manualClock';

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));
/** Real file reads finish on the thread pool: give them a moment. */
const io = (): Promise<void> => new Promise((r) => setTimeout(r, 15));

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'edge-ha-net-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function iface(name: string, carrier: string, operstate: string): void {
  mkdirSync(join(root, name), { recursive: true });
  writeFileSync(join(root, name, 'carrier'), `${carrier}\n`);
  writeFileSync(join(root, name, 'operstate'), `${operstate}\n`);
}

describe('readLinkState', () => {
  it('reads carrier and operstate under an injected root', async () => {
    iface('eth1', '1', 'up');
    expect(await readLinkState('eth1', root)).toEqual({ iface: 'eth1', carrier: true, operstate: 'up', error: null });
  });

  it('EINVAL on carrier means the interface is administratively down', async () => {
    const reader: SmallFileReader = async (path) =>
      path.endsWith('carrier') ? { ok: false, code: 'EINVAL', message: 'Invalid argument' } : { ok: true, text: 'down\n' };
    expect(await readLinkState('eth9', root, reader)).toEqual({ iface: 'eth9', carrier: false, operstate: 'down', error: null });
  });

  it('names a missing interface, a garbage value and a bad name', async () => {
    expect((await readLinkState('nope0', root)).error).toBe(`interface nope0 not found under ${root}`);
    iface('eth2', 'x', 'up');
    expect((await readLinkState('eth2', root)).error).toContain('not 0 or 1');
    expect((await readLinkState('../etc', root)).error).toContain('not an interface name');
  });
});

describe('CarrierWatcher (temp sysfs, manual clock)', () => {
  it('reports each change once, with a health event per change', async () => {
    iface('hb0', '1', 'up');
    const clock = new ManualClock();
    const changes: LinkState[] = [];
    const health: HealthEvent[] = [];
    const w = new CarrierWatcher({ interfaces: ['hb0'], sysfsRoot: root, intervalMs: 100, schedule: clock.schedule, nowMs: () => clock.nowMs, onChange: (s) => changes.push(s), onHealth: (h) => health.push(h) });
    w.start();
    await io();
    for (let i = 0; i < 3; i++) {
      clock.advance(100);
      await io();
    }
    iface('hb0', '0', 'down'); // cable pulled
    clock.advance(100);
    await io();
    clock.advance(100);
    await io();
    await w.stop();
    expect(changes.map((c) => c.carrier)).toEqual([true, false]);
    expect(health).toEqual([
      { source: 'nic:hb0', level: 'ok', reason: 'hb0 link up (operstate up)' },
      { source: 'nic:hb0', level: 'degraded', reason: 'hb0 link down: no carrier (operstate down)' },
    ]);
    expect(w.stats().polls).toBe(6);
  });

  it('never runs two polls at once', async () => {
    let active = 0;
    let max = 0;
    const reader: SmallFileReader = async () => {
      active += 1;
      max = Math.max(max, active);
      await flush();
      active -= 1;
      return { ok: true, text: '1' };
    };
    const clock = new ManualClock();
    const w = new CarrierWatcher({ interfaces: ['a0'], sysfsRoot: root, intervalMs: 100, schedule: clock.schedule, nowMs: () => clock.nowMs, readFile: reader, onChange: () => undefined });
    await Promise.all([w.poll(), w.poll(), w.poll()]);
    expect(w.stats().polls).toBe(1);
    expect(max).toBe(2); // carrier and operstate of one interface, read together
  });
});

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const haveIp = spawnSync('sh', ['-c', 'command -v ip']).status === 0;
const canNetns = isRoot && haveIp && spawnSync('ip', ['netns', 'list']).status === 0;

(canNetns ? describe : describe.skip)('real veth pair (root, ip netns)', () => {
  const tag = `${process.pid % 100000}`;
  const ns = `ehha${tag}`;
  const local = `ehc${tag}a`;
  const peer = `ehc${tag}b`;
  const ip = (...args: string[]): void => void execFileSync('ip', args, { stdio: 'pipe' });
  beforeAll(() => {
    ip('netns', 'add', ns);
    ip('link', 'add', local, 'type', 'veth', 'peer', 'name', peer, 'netns', ns);
    ip('link', 'set', local, 'up');
    ip('-n', ns, 'link', 'set', peer, 'up');
  });
  afterAll(() => {
    spawnSync('ip', ['link', 'del', local]);
    spawnSync('ip', ['netns', 'del', ns]);
  });

  const waitFor = async (pred: () => boolean, ms: number): Promise<number> => {
    const start = performance.now();
    while (!pred() && performance.now() - start < ms) await new Promise((r) => setTimeout(r, 5));
    return performance.now() - start;
  };

  it('sees the peer going down (a pulled cable) within one poll, and admin-down as no carrier', async () => {
    const changes: LinkState[] = [];
    const w = new CarrierWatcher({
      interfaces: [local],
      intervalMs: 100,
      schedule: (d, fn) => {
        const t = setTimeout(fn, d);
        return () => clearTimeout(t);
      },
      nowMs: () => performance.now(),
      onChange: (s) => changes.push(s),
    });
    w.start();
    try {
      await waitFor(() => changes.at(-1)?.carrier === true, 2000);
      expect(changes.at(-1)).toMatchObject({ carrier: true, operstate: 'up' });
      ip('-n', ns, 'link', 'set', peer, 'down');
      const seenMs = await waitFor(() => changes.at(-1)?.carrier === false, 2000);
      expect(changes.at(-1)?.carrier).toBe(false);
      // veth reports `down` on current kernels, `lowerlayerdown` on some older ones.
      expect(['down', 'lowerlayerdown']).toContain(changes.at(-1)?.operstate);
      expect(seenMs).toBeLessThan(400);
      const before = changes.length;
      ip('link', 'set', local, 'down'); // carrier read now fails with EINVAL: still reported as no carrier, no error
      await waitFor(() => changes.length > before, 400);
      expect(changes.slice(before).every((c) => c.carrier === false && c.error === null)).toBe(true);
      expect(await readLinkState(local)).toEqual({ iface: local, carrier: false, operstate: 'down', error: null });
    } finally {
      await w.stop();
    }
  });

  it('poll cost: two tiny reads per interface', async () => {
    const w = new CarrierWatcher({ interfaces: [local], intervalMs: 100, schedule: () => () => undefined, nowMs: () => performance.now(), onChange: () => undefined });
    const n = 300;
    const start = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await w.poll();
    const wallMs = (performance.now() - t0) / n;
    const cpu = process.cpuUsage(start);
    const cpuMs = (cpu.user + cpu.system) / 1000 / n;
    console.log(`carrier poll cost: mean ${w.stats().meanPollMs!.toFixed(3)} ms wall (max ${w.stats().maxPollMs.toFixed(3)} ms), ${cpuMs.toFixed(3)} ms CPU per poll; at 100 ms that is ${(cpuMs / 100 * 100).toFixed(2)}% of one core`);
    expect(wallMs).toBeLessThan(20);
  });
});
