// RaidMonitor over the three sources: mdstat fixtures swapped in at an
// injected path, Areca CLI fixtures through a fake runner, and the Areca
// serial simulator through a ByteTransport link factory.

import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArecaSimulator } from '../../../../hw/raid/arecaSerial/simulator';
import { createArecaModel } from '../../../../hw/raid/arecaSerial/simulatorModel';
import { ARECA_VOLUME_STATUS } from '../../../../hw/raid/arecaSerial/constants';
import { arecaCliSource, type CommandRunner } from '../../../../hw/raid/monitor/arecaCliSource';
import { arecaSerialSource } from '../../../../hw/raid/monitor/arecaSerialSource';
import { mdstatSource } from '../../../../hw/raid/monitor/mdstatSource';
import { RaidMonitor } from '../../../../hw/raid/monitor/monitor';
import type { RaidMonitorEvent, RaidSource } from '../../../../hw/raid/monitor/types';
import { ManualClock } from '../../../../hw/ups/sim/manualClock';
import { simTransport } from '../../../../hw/ups/sim/simTransport';
import type { DataListener } from '../../../../hw/ups/transport';

const FIX = '/work/shared/fixtures';
const fixture = (p: string): string => join(FIX, p);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'edge-ha-raidmon-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function monitor(source: RaidSource, clock = new ManualClock()): { m: RaidMonitor; events: RaidMonitorEvent[]; clock: ManualClock } {
  const events: RaidMonitorEvent[] = [];
  const m = new RaidMonitor({ source, intervalMs: 5000, schedule: clock.schedule, nowMs: () => clock.nowMs, onEvent: (e) => events.push(e) });
  return { m, events, clock };
}

const of = <K extends RaidMonitorEvent['kind']>(events: RaidMonitorEvent[], kind: K): Extract<RaidMonitorEvent, { kind: K }>[] =>
  events.filter((e): e is Extract<RaidMonitorEvent, { kind: K }> => e.kind === kind);

describe('RaidMonitor + mdstat', () => {
  it('healthy → member failed → recovering → healthy, with state changes, progress and health', async () => {
    const path = join(dir, 'mdstat');
    const { m, events, clock } = monitor(mdstatSource({ path }));
    copyFileSync(fixture('mdstat/mdstat-centos6.2'), path);
    await m.pollOnce();
    expect(of(events, 'state').map((e) => [e.array, e.from, e.to])).toEqual([
      ['md4', null, 'ok'],
      ['md3', null, 'ok'],
      ['md0', null, 'ok'],
      ['md1', null, 'ok'],
      ['md2', null, 'ok'],
    ]);
    events.length = 0;
    // md0 loses a member: the pr28_0 capture (md0 raid1 recovering at 0.4%, md1 fine).
    writeFileSync(path, readFileSync(fixture('mdstat/pr28_0'), 'utf8').replace(/^# .*\n/, ''));
    clock.advance(5000);
    await m.pollOnce();
    const md0 = of(events, 'state').find((e) => e.array === 'md0');
    expect(md0).toMatchObject({ from: 'ok', to: 'rebuilding', reason: expect.stringContaining('recovery 0.4% done') });
    const gone = of(events, 'state').filter((e) => e.to === 'failed').map((e) => e.array);
    expect(gone.sort()).toEqual(['md2', 'md3', 'md4']); // not listed any more: disappeared
    expect(of(events, 'progress')).toEqual([
      { kind: 'progress', atMs: 5000, array: 'md0', action: 'recovery', percent: 0.4, etaMs: Math.round(276.9 * 60_000), etaFrom: 'device', speedKPerSec: 12 },
    ]);
    const health = of(events, 'health').map((e) => e.event);
    expect(health).toContainEqual(expect.objectContaining({ source: 'raid:md0', level: 'degraded' }));
    expect(health).toContainEqual(expect.objectContaining({ source: 'raid:md4', level: 'critical', reason: expect.stringContaining('disappeared') }));
    expect(health.some((h) => h.source === 'raid:mdstat')).toBe(false); // readable before and after: not repeated
    events.length = 0;
    copyFileSync(fixture('mdstat/mdstat-centos6.2'), path);
    clock.advance(5000);
    await m.pollOnce();
    expect(of(events, 'state').find((e) => e.array === 'md0')).toMatchObject({ from: 'rebuilding', to: 'ok' });
    expect(of(events, 'state').filter((e) => e.from === null).map((e) => e.array).sort()).toEqual(['md2', 'md3', 'md4']);
    expect(of(events, 'progress')).toEqual([]);
  });

  it('a failed raid5 member gives degraded; an unreadable file is reported once and recovers', async () => {
    const path = join(dir, 'mdstat-b');
    const { m, events, clock } = monitor(mdstatSource({ path }));
    await m.pollOnce();
    clock.advance(5000);
    await m.pollOnce();
    expect(of(events, 'read-failed')).toHaveLength(1);
    expect(of(events, 'read-failed')[0].error).toContain('does not exist');
    expect(of(events, 'health')[0].event).toMatchObject({ source: 'raid:mdstat', level: 'degraded' });
    copyFileSync(fixture('mdstat/mdstat-failed'), path);
    await m.pollOnce();
    expect(of(events, 'read-recovered')).toHaveLength(1);
    expect(of(events, 'state').at(-1)).toMatchObject({ array: 'md0', to: 'degraded', reason: expect.stringContaining('sdc1 failed') });
    expect(of(events, 'health').map((h) => h.event)).toContainEqual(expect.objectContaining({ source: 'raid:md0', level: 'degraded' }));
  });

  it('estimates time left from the rate when the device gives no finish estimate', async () => {
    const arrays = [10, 20];
    let i = 0;
    const source: RaidSource = {
      name: 'fake',
      read: async () => ({ ok: true, warnings: [], arrays: [{ name: 'v0', state: 'rebuilding', reason: 'v0 rebuilding', progress: { action: 'rebuild', percent: arrays[i++], finishMinutes: null, speedKPerSec: null } }] }),
    };
    const { m, events, clock } = monitor(source);
    await m.pollOnce();
    clock.advance(60_000);
    await m.pollOnce();
    const p = of(events, 'progress');
    expect(p[0]).toMatchObject({ percent: 10, etaMs: null, etaFrom: null });
    expect(p[1]).toMatchObject({ percent: 20, etaMs: 8 * 60_000, etaFrom: 'rate' }); // 10 %/min, 80 % to go
  });

  it('runs on its interval and never reads twice at once', async () => {
    let active = 0;
    let max = 0;
    let reads = 0;
    const source: RaidSource = {
      name: 'slow',
      read: async () => {
        active += 1;
        reads += 1;
        max = Math.max(max, active);
        await new Promise((r) => setImmediate(r));
        active -= 1;
        return { ok: true, arrays: [], warnings: [] };
      },
    };
    const { m, clock } = monitor(source);
    m.start();
    void m.pollOnce();
    for (let k = 0; k < 3; k++) {
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
      clock.advance(5000);
    }
    await m.stop();
    expect(max).toBe(1);
    expect(reads).toBeGreaterThanOrEqual(3);
  });
});

describe('RaidMonitor + Areca CLI (fixtures through a fake runner)', () => {
  const runner = (rsf: string, disk: string | null): CommandRunner => async (_file, args) => {
    if (args[0] === 'rsf') return { code: 0, stdout: readFileSync(fixture(`areca/${rsf}`), 'utf8'), stderr: '' };
    return disk === null ? { code: 1, stdout: '', stderr: 'controller busy' } : { code: 0, stdout: readFileSync(fixture(`areca/${disk}`), 'utf8'), stderr: '' };
  };

  it('a rebuilding raid set is degraded health with a progress event', async () => {
    const { m, events } = monitor(arecaCliSource({ run: runner('cli64.rsf.info-16', 'cli64.disk.info-16') }));
    await m.pollOnce();
    expect(of(events, 'state')).toEqual([expect.objectContaining({ array: 'data', from: null, to: 'rebuilding' })]);
    expect(of(events, 'progress')[0]).toMatchObject({ array: 'data', action: 'rebuilding' });
    expect(of(events, 'health').map((e) => e.event)).toContainEqual(expect.objectContaining({ source: 'raid:data', level: 'degraded' }));
  });

  it('a normal set is ok even when disk info fails; a failing rsf info is a read failure', async () => {
    const ok = monitor(arecaCliSource({ run: runner('cli64.rsf.info-1', null) }));
    await ok.m.pollOnce();
    expect(of(ok.events, 'state')).toEqual([expect.objectContaining({ array: 'Raid Set # 000', to: 'ok' })]);
    const bad = monitor(arecaCliSource({ run: async () => ({ code: null, stdout: '', stderr: '', error: 'spawn cli64 ENOENT' }) }));
    await bad.m.pollOnce();
    expect(of(bad.events, 'read-failed')[0].error).toBe('cli64 rsf info: spawn cli64 ENOENT');
  });
});

describe('RaidMonitor + Areca serial simulator', () => {
  function link(sim: ArecaSimulator) {
    const listeners = new Set<DataListener>();
    return simTransport({
      receive: (bytes) => {
        const out = sim.receive(bytes);
        if (out.length > 0) for (const l of [...listeners]) l(out);
      },
      onOutput: (l) => (listeners.add(l), () => listeners.delete(l)),
    });
  }

  it('logs in, reads every volume, and follows a volume through rebuild and failure', async () => {
    const model = createArecaModel({ memberCount: 3, password: '1234' });
    model.volumes.push({ ...model.volumes[0], name: 'SECOND' });
    const sim = new ArecaSimulator(model);
    const clock = new ManualClock();
    let opens = 0;
    const source = arecaSerialSource({ connect: async () => (opens++, link(sim)), password: '1234', schedule: clock.schedule });
    const { m, events } = monitor(source, clock);
    await m.pollOnce();
    expect(of(events, 'state').map((e) => [e.array, e.to])).toEqual([
      ['volume 0 (ARC-SIM-VOL#000)', 'ok'],
      ['volume 1 (SECOND)', 'ok'],
    ]);
    model.volumes[0].status = ARECA_VOLUME_STATUS.REBUILDING;
    model.volumes[0].progressRaw = 123;
    await m.pollOnce();
    model.volumes[0].status = ARECA_VOLUME_STATUS.FAILED;
    await m.pollOnce();
    const v0 = of(events, 'state').filter((e) => e.array.startsWith('volume 0'));
    expect(v0.map((e) => e.to)).toEqual(['ok', 'rebuilding', 'failed']);
    expect(v0[1].reason).toContain('progress counter 123');
    expect(of(events, 'health').map((e) => e.event).filter((h) => h.source.startsWith('raid:volume 0')).map((h) => h.level)).toEqual(['ok', 'degraded', 'critical']);
    expect(opens).toBe(3);
  });

  it('a wrong password and a silent controller are read failures with the reason', async () => {
    const clock = new ManualClock();
    const sim = new ArecaSimulator(createArecaModel({ password: 'right' }));
    const wrong = await arecaSerialSource({ connect: async () => link(sim), password: 'wrong', schedule: clock.schedule }).read();
    expect(wrong).toEqual({ ok: false, error: 'login refused: invalid password' });
    sim.queueFault({ kind: 'drop' });
    const silent = arecaSerialSource({ connect: async () => link(sim), password: 'right', schedule: clock.schedule, replyTimeoutMs: 1000 });
    const r = await clock.settle(silent.read());
    expect(r).toEqual({ ok: false, error: 'login: no reply to checkPassword within 1000 ms' });
    const noLink = await arecaSerialSource({ connect: async () => Promise.reject(new Error('ENOENT /dev/ttyS1')), schedule: clock.schedule }).read();
    expect(noLink).toEqual({ ok: false, error: 'cannot open the Areca link: ENOENT /dev/ttyS1' });
  });
});
