// The slow poller on a manual clock with fake probes (overlap, timeouts,
// failures), the systeminformation probes on canned data, and one real
// systeminformation cycle on this machine with its call latencies.

import { ManualClock } from '../../../hw/ups/sim/manualClock';
import { systemInformationProbes, type SystemInfoLike } from '../../../hw/health/siProbes';
import { SlowHealthPoller, type SlowProbe } from '../../../hw/health/slowPoller';
import type { HealthEvent } from '../../../hw/health/types';

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('SlowHealthPoller', () => {
  it('never has two reads of a probe in flight nor two fresh calls at once, times out a hung call and skips that probe until it settles', async () => {
    const clock = new ManualClock();
    let active = 0;
    let maxActive = 0;
    const release: Array<() => void> = [];
    const hang: SlowProbe<number> = {
      name: 'hang',
      read: () => {
        active += 1;
        maxActive = Math.max(maxActive, active);
        return new Promise<number>((res) => release.push(() => (active -= 1, res(1))));
      },
      evaluate: () => [{ source: 'x', level: 'ok', reason: 'fine' }],
      onFailure: (why) => [{ source: 'x', level: 'degraded', reason: why }],
    };
    const quick: SlowProbe<number> = {
      name: 'quick',
      read: async () => {
        active += 1;
        maxActive = Math.max(maxActive, active);
        clock.advance(3);
        active -= 1;
        return 42;
      },
      evaluate: (v) => [{ source: 'q', level: 'ok', reason: `value ${v}` }],
    };
    const events: HealthEvent[] = [];
    const poller = new SlowHealthPoller({ probes: [hang, quick], intervalMs: 10_000, timeoutMs: 2000, schedule: clock.schedule, nowMs: () => clock.nowMs, onEvent: (e) => events.push(e) });
    poller.start();
    await flush();
    clock.advance(2000); // hang times out
    await flush();
    await flush();
    expect(events).toEqual([
      { source: 'x', level: 'degraded', reason: 'hang took longer than 2000 ms' },
      { source: 'q', level: 'ok', reason: 'value 42' },
    ]);
    clock.advance(10_000); // next cycle: hang still running, so it is skipped
    await flush();
    await flush();
    expect(release).toHaveLength(1);
    const t = Object.fromEntries(poller.timings().map((x) => [x.name, x]));
    expect(t.hang).toMatchObject({ timeouts: 1, skippedInFlight: 1, calls: 0 });
    expect(t.quick).toMatchObject({ calls: 2, lastMs: 3, maxMs: 3 });
    release[0]();
    await flush();
    expect(poller.timings().find((x) => x.name === 'hang')).toMatchObject({ calls: 1, lastMs: 12_006 });
    // The only overlap ever seen is a fresh call next to the abandoned (timed-out) one.
    expect(maxActive).toBe(2);
    await poller.stop();
  });

  it('turns a rejected read into the probe\'s failure events', async () => {
    const clock = new ManualClock();
    const events: HealthEvent[] = [];
    const probe: SlowProbe<number> = { name: 'bad', read: async () => Promise.reject(new Error('spawn ENOENT')), evaluate: () => [], onFailure: (why) => [{ source: 'b', level: 'degraded', reason: why }] };
    const poller = new SlowHealthPoller({ probes: [probe], intervalMs: 1000, timeoutMs: 500, schedule: clock.schedule, nowMs: () => clock.nowMs, onEvent: (e) => events.push(e) });
    await poller.runOnce();
    expect(events).toEqual([{ source: 'b', level: 'degraded', reason: 'bad failed: spawn ENOENT' }]);
  });
});

describe('systemInformationProbes (canned data)', () => {
  const si = (over: Partial<{ temp: Awaited<ReturnType<SystemInfoLike['cpuTemperature']>>; fs: Awaited<ReturnType<SystemInfoLike['fsSize']>> }> = {}): SystemInfoLike => ({
    cpuTemperature: async () => over.temp ?? { main: null, max: null, cores: [] },
    mem: async () => ({ total: 1000, available: 50 }),
    fsSize: async () => over.fs ?? [],
    diskLayout: async () => [{ device: '/dev/sda', name: 'SIM', smartStatus: 'Predicted Failure' }],
  });

  async function run(o: Parameters<typeof systemInformationProbes>[0]): Promise<HealthEvent[]> {
    const events: HealthEvent[] = [];
    const clock = new ManualClock();
    await new SlowHealthPoller({ probes: systemInformationProbes(o), intervalMs: 1000, timeoutMs: 1000, schedule: clock.schedule, nowMs: () => clock.nowMs, onEvent: (e) => events.push(e) }).runOnce();
    return events;
  }

  it('judges temperature, memory, file systems and SMART', async () => {
    const events = await run({
      si: si({
        temp: { main: 71, max: 96.5, cores: [70, 72] },
        fs: [
          { fs: '/dev/sda1', type: 'ext4', mount: '/', size: 100, used: 90, use: 90 },
          { fs: 'tmpfs', type: 'tmpfs', mount: '/run', size: 100, used: 99, use: 99 },
        ],
      }),
      mounts: ['/', '/data'],
      includeDiskLayout: true,
    });
    expect(events).toEqual([
      { source: 'temperature', level: 'critical', reason: 'CPU temperature 96.5°C (critical at 95°C)' },
      { source: 'memory', level: 'degraded', reason: 'memory use 95% (warning at 90%)' },
      { source: 'fs:/', level: 'degraded', reason: 'file system / use 90% (warning at 85%)' },
      { source: 'fs:/data', level: 'degraded', reason: 'file system /data use unknown: /data is not mounted' },
      { source: 'disk:/dev/sda', level: 'degraded', reason: '/dev/sda (SIM) SMART status Predicted Failure' },
    ]);
  });

  it('no temperature sensor is ok unless required; pseudo file systems are ignored by default', async () => {
    const fs = [{ fs: 'tmpfs', type: 'tmpfs', mount: '/run', size: 100, used: 99, use: 99 }];
    expect((await run({ si: si({ fs }) })).map((e) => [e.source, e.level])).toEqual([
      ['temperature', 'ok'],
      ['memory', 'degraded'],
    ]);
    expect((await run({ si: si(), temperatureRequired: true }))[0]).toEqual({ source: 'temperature', level: 'degraded', reason: 'CPU temperature unknown: no temperature sensor found' });
  });
});

describe('systeminformation on this machine', () => {
  it('one cycle completes within the timeouts; latencies are recorded', async () => {
    const events: HealthEvent[] = [];
    const poller = new SlowHealthPoller({
      probes: systemInformationProbes(),
      intervalMs: 60_000,
      timeoutMs: 5000,
      schedule: (d, fn) => {
        const t = setTimeout(fn, d);
        return () => clearTimeout(t);
      },
      nowMs: () => performance.now(),
      onEvent: (e) => events.push(e),
    });
    await poller.runOnce();
    await poller.runOnce(); // warm: second calls show the steady cost
    const timings = poller.timings();
    console.log(`systeminformation latencies (ms, first+second call max / last): ${timings.map((t) => `${t.name} ${t.maxMs.toFixed(1)}/${(t.lastMs ?? NaN).toFixed(1)}`).join(', ')}`);
    for (const t of timings) expect(t).toMatchObject({ calls: 2, timeouts: 0 });
    expect(events.some((e) => e.source === 'memory' && e.reason.startsWith('memory use '))).toBe(true);
    expect(events.some((e) => e.source === 'fs:/')).toBe(true);
  });
});
