import type { FenceDevice, FenceOpResult, PowerStatusResult } from '../../../src/shell/fence/device';
import { Fencer } from '../../../src/shell/fence/fencer';
import { SimPowerFenceDevice } from '../../../src/shell/fence/simPowerDevice';
import { createMemoryPowerBackend, type MemoryPowerBackend } from '../../../src/simpower/memoryBackend';
import { startSimPowerServer, type SimPowerServer } from '../../../src/simpower/server';

// Two relays on one simulated switch; in these tests either plug "is" the peer's power.
let backend: MemoryPowerBackend;
let server: SimPowerServer;

beforeEach(async () => {
  backend = createMemoryPowerBackend({ a: true, b: true });
  const r = await startSimPowerServer({ host: '127.0.0.1', port: 0, backend, rebootDelayMs: 5000 });
  if (!r.ok) throw new Error(r.reason);
  server = r;
});
afterEach(async () => {
  await server.close();
});

function relay(name: string, plug: string, timeoutMs = 1000): SimPowerFenceDevice {
  return new SimPowerFenceDevice({ name, type: 'sim-power', address: { host: '127.0.0.1', port: server.port }, plug, timeoutMs });
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Fencer against the simulated power switch', () => {
  it('confirms only after status reads off', async () => {
    const out = await new Fencer({ devices: [relay('relay-1', 'a')], timeoutMs: 3000 }).fence('n2', 'off');
    expect(out).toMatchObject({ confirmedOff: true, device: 'relay-1', reason: 'relay-1 confirmed n2 is off' });
    expect(out.attempts.map((a) => [a.device, a.step, a.ok])).toEqual([
      ['relay-1', 'off', true],
      ['relay-1', 'status', true],
    ]);
    expect(backend.isOn('a')).toBe(false);
  });

  it('treats a device that says off while status reads on as a failure', async () => {
    server.setFault('a', 'lie');
    const out = await new Fencer({ devices: [relay('relay-1', 'a')], timeoutMs: 3000 }).fence('n2', 'off');
    expect(out.confirmedOff).toBe(false);
    expect(out.device).toBeNull();
    expect(out.reason).toBe('fencing n2 failed: relay-1 reported off but status still reads on');
    expect(out.attempts.map((a) => [a.step, a.ok])).toEqual([
      ['off', true],
      ['status', false],
    ]);
    expect(backend.isOn('a')).toBe(true);
  });

  it('moves on to the next device when one fails or lies, and the first that confirms wins', async () => {
    server.setFault('a', 'fail');
    const out = await new Fencer({ devices: [relay('relay-1', 'a'), relay('relay-2', 'b')], timeoutMs: 3000 }).fence('n2', 'off');
    expect(out).toMatchObject({ confirmedOff: true, device: 'relay-2' });
    expect(out.attempts.map((a) => [a.device, a.step, a.ok])).toEqual([
      ['relay-1', 'off', false],
      ['relay-2', 'off', true],
      ['relay-2', 'status', true],
    ]);
    expect(out.attempts[0]?.reason).toContain('ERR relay fault');
    expect(backend.isOn('b')).toBe(false);
  });

  it('a hung device fails at its own timeout and the next device still gets its turn', async () => {
    server.setFault('a', 'hang');
    const fencer = new Fencer({ devices: [relay('relay-1', 'a', 200), relay('relay-2', 'b')], timeoutMs: 3000 });
    const out = await fencer.fence('n2', 'off');
    expect(out).toMatchObject({ confirmedOff: true, device: 'relay-2' });
    expect(out.attempts[0]?.reason).toMatch(/no reply from power switch 127\.0\.0\.1:\d+ within 200 ms/);
    expect(out.durationMs).toBeGreaterThanOrEqual(190);
  });

  it('the overall timeout bounds the fence, and no later device is touched after it', async () => {
    server.setFault('a', 'hang');
    const fencer = new Fencer({ devices: [relay('relay-1', 'a', 5000), relay('relay-2', 'b')], timeoutMs: 300 });
    const out = await fencer.fence('n2', 'off');
    expect(out.confirmedOff).toBe(false);
    expect(out.reason).toBe('fencing n2 timed out after 300 ms waiting for relay-1 off');
    expect(out.durationMs).toBeGreaterThanOrEqual(290);
    expect(out.durationMs).toBeLessThan(1500);
    expect(fencer.busy).toBe(false);
    await sleep(100);
    expect(backend.isOn('b')).toBe(true);
  });

  it('joins every device reason when none confirms', async () => {
    server.setFault('a', 'fail');
    server.setFault('b', 'lie');
    const out = await new Fencer({ devices: [relay('relay-1', 'a'), relay('relay-2', 'b')], timeoutMs: 3000 }).fence('n2', 'off');
    expect(out.confirmedOff).toBe(false);
    expect(out.reason).toMatch(/^fencing n2 failed: relay-1: off of n2 failed: .*ERR relay fault.*; relay-2 reported off but status still reads on$/);
  });

  it('reboot: off, confirm, then power on again', async () => {
    const out = await new Fencer({ devices: [relay('relay-1', 'a')], timeoutMs: 3000 }).fence('n2', 'reboot');
    expect(out).toMatchObject({ confirmedOff: true, device: 'relay-1', reason: 'relay-1 confirmed n2 is off; powered it back on' });
    expect(out.attempts.map((a) => a.step)).toEqual(['off', 'status', 'on']);
    expect(backend.history).toEqual([
      { plug: 'a', op: 'off' },
      { plug: 'a', op: 'on' },
    ]);
  });

  it('a concurrent call for the same target gets the same fence; another target is refused', async () => {
    const fencer = new Fencer({ devices: [relay('relay-1', 'a')], timeoutMs: 3000 });
    const first = fencer.fence('n2', 'off');
    const second = fencer.fence('n2', 'reboot');
    expect(second).toBe(first);
    const other = await fencer.fence('n3', 'off');
    expect(other).toMatchObject({ confirmedOff: false, reason: 'cannot fence n3: a fence of n2 is still running' });
    expect((await first).confirmedOff).toBe(true);
    expect(backend.history).toEqual([{ plug: 'a', op: 'off' }]);
    // Finished: the next call is a new fence.
    const again = fencer.fence('n2', 'off');
    expect(again).not.toBe(first);
    await again;
  });
});

/** A scripted device, for cases the simulated switch cannot produce. */
class ScriptedDevice implements FenceDevice {
  readonly calls: string[] = [];
  constructor(
    readonly name: string,
    private readonly script: {
      off?: () => Promise<FenceOpResult>;
      on?: () => Promise<FenceOpResult>;
      status?: () => Promise<PowerStatusResult>;
    },
  ) {}
  off(): Promise<FenceOpResult> {
    this.calls.push('off');
    return this.script.off?.() ?? Promise.resolve({ ok: true, reason: 'off', durationMs: 1 });
  }
  on(): Promise<FenceOpResult> {
    this.calls.push('on');
    return this.script.on?.() ?? Promise.resolve({ ok: true, reason: 'on', durationMs: 1 });
  }
  status(): Promise<PowerStatusResult> {
    this.calls.push('status');
    return this.script.status?.() ?? Promise.resolve({ state: 'off', reason: 'off', durationMs: 1 });
  }
  monitor(): Promise<FenceOpResult> {
    return Promise.resolve({ ok: true, reason: 'fine', durationMs: 1 });
  }
}

describe('Fencer edge cases', () => {
  it('reports a fence with no devices', async () => {
    const out = await new Fencer({ devices: [], timeoutMs: 1000 }).fence('n2', 'off');
    expect(out).toMatchObject({ confirmedOff: false, device: null, reason: 'cannot fence n2: no fence devices configured' });
  });

  it('does not query status after a failed off', async () => {
    const d = new ScriptedDevice('d1', { off: async () => ({ ok: false, reason: 'off failed (exit 1)', durationMs: 3 }) });
    const out = await new Fencer({ devices: [d], timeoutMs: 1000 }).fence('n2', 'off');
    expect(out.reason).toBe('fencing n2 failed: d1: off failed (exit 1)');
    expect(d.calls).toEqual(['off']);
  });

  it('an unknown status after off is a failure', async () => {
    const d = new ScriptedDevice('d1', { status: async () => ({ state: 'unknown', reason: 'status unknown (exit 1)', durationMs: 2 }) });
    const out = await new Fencer({ devices: [d], timeoutMs: 1000 }).fence('n2', 'off');
    expect(out.confirmedOff).toBe(false);
    expect(out.reason).toBe('fencing n2 failed: d1 reported off but its status is unknown: status unknown (exit 1)');
  });

  it('reboot is judged on its off half: a failed power-on only shows in the reason', async () => {
    const d = new ScriptedDevice('d1', { on: async () => ({ ok: false, reason: 'on failed (exit 1)', durationMs: 2 }) });
    const out = await new Fencer({ devices: [d], timeoutMs: 1000 }).fence('n2', 'reboot');
    expect(out).toMatchObject({ confirmedOff: true, device: 'd1', reason: 'd1 confirmed n2 is off; power on after reboot failed: on failed (exit 1)' });
  });

  it('a power-on still running at the overall deadline does not undo the confirmed off', async () => {
    const d = new ScriptedDevice('d1', { on: () => new Promise(() => undefined) });
    const out = await new Fencer({ devices: [d], timeoutMs: 150 }).fence('n2', 'reboot');
    expect(out.confirmedOff).toBe(true);
    expect(out.device).toBe('d1');
    expect(out.reason).toBe('d1 confirmed n2 is off; power on after reboot did not finish within 150 ms');
  });

  it('a device that throws is a failed attempt, not a crashed fencer', async () => {
    const bad = new ScriptedDevice('bad', { off: () => Promise.reject(new Error('socket exploded')) });
    const good = new ScriptedDevice('good', {});
    const out = await new Fencer({ devices: [bad, good], timeoutMs: 1000 }).fence('n2', 'off');
    expect(out).toMatchObject({ confirmedOff: true, device: 'good' });
    expect(out.attempts[0]).toMatchObject({ device: 'bad', step: 'off', ok: false, reason: 'off threw: socket exploded' });
  });

  it('the reported attempts do not change after the deadline', async () => {
    let release: (r: FenceOpResult) => void = () => undefined;
    const slow = new ScriptedDevice('slow', { off: () => new Promise((r) => (release = r)) });
    const out = await new Fencer({ devices: [slow], timeoutMs: 100 }).fence('n2', 'off');
    release({ ok: true, reason: 'late', durationMs: 500 });
    await sleep(20);
    expect(out.attempts).toEqual([]);
    expect(slow.calls).toEqual(['off']);
  });
});
