// The native IPMI client against the real OpenIPMI simulator: power off and
// on confirmed by Get Chassis Status, every v1.5 auth type, a wrong password,
// and a BMC that is not running.

import { IpmiFenceDevice, type IpmiFenceOptions } from '../../../../hw/fence/ipmi/device';
import { timerSchedule } from '../../../../hw/ups/schedule';
import { ipmiSimMissing, startIpmiSim, type IpmiSimHandle } from './ipmiSim';

const missing = ipmiSimMissing();
const describeSim = missing === null ? describe : describe.skip;
if (missing !== null) console.warn(`skipping ipmi_sim tests: ${missing}`);

const clock = { schedule: timerSchedule, nowMs: () => performance.now() };

function device(sim: IpmiSimHandle, over: Partial<IpmiFenceOptions> = {}): IpmiFenceDevice {
  return new IpmiFenceDevice({
    name: 'bmc-b',
    host: sim.host,
    port: sim.port,
    user: sim.user,
    password: sim.password,
    timeoutMs: 300,
    retries: 2,
    offConfirmTimeoutMs: 2000,
    pollIntervalMs: 50,
    clock,
    ...over,
  });
}

describeSim('IpmiFenceDevice against ipmi_sim', () => {
  let sim: IpmiSimHandle;

  beforeAll(async () => {
    sim = await startIpmiSim();
  });

  afterAll(async () => {
    await sim?.stop();
  });

  it('powers off, confirmed by chassis status, and the simulated machine is off', async () => {
    const d = device(sim);
    expect((await d.status('node-b')).state).toBe('on');
    const off = await d.off('node-b');
    expect(off).toMatchObject({ ok: true });
    expect(off.reason).toMatch(/power down accepted; chassis status reads off/);
    expect(off.reason).toContain('node-b');
    expect(sim.power()).toBe('off');
    expect(await d.status('node-b')).toMatchObject({ state: 'off' });
    expect(sim.scriptCalls()).toContain('0x20 set power 0');
  });

  it('powers on and reads on back; a second on is "already on"', async () => {
    const d = device(sim);
    const on = await d.on('node-b');
    expect(on.ok).toBe(true);
    expect(sim.power()).toBe('on');
    expect(await d.status('node-b')).toMatchObject({ state: 'on' });
    const again = await d.on('node-b');
    expect(again).toMatchObject({ ok: true });
    expect(again.reason).toContain('already reads on');
  });

  it.each(['md5', 'password', 'none'] as const)('opens a session with auth type %s', async (authType) => {
    const r = await device(sim, { authType }).monitor();
    expect(r).toMatchObject({ ok: true });
    expect(r.reason).toContain('chassis power reads');
  });

  it('lanplus (RMCP+, cipher suite 3): off and on confirmed, and a wrong password is caught at RAKP 2', async () => {
    const d = device(sim, { lanplus: true });
    expect(await d.monitor()).toMatchObject({ ok: true });
    const off = await d.off('node-b');
    expect(off).toMatchObject({ ok: true });
    expect(sim.power()).toBe('off');
    expect((await device(sim).status('node-b')).state).toBe('off');
    expect((await d.on('node-b')).ok).toBe(true);
    expect(sim.power()).toBe('on');
    const wrong = await device(sim, { lanplus: true, password: 'Wrong-Pass-77' }).off('node-b');
    expect(wrong.ok).toBe(false);
    expect(wrong.reason).toMatch(/RAKP message 2 key exchange code does not match this password/);
    expect(wrong.reason).not.toContain('Wrong-Pass-77');
    expect(sim.power()).toBe('on');
  });

  it('a wrong password fails clearly, within the retry budget, and never shows either password', async () => {
    const wrong = 'Wrong-Pass-77';
    const started = performance.now();
    const r = await device(sim, { password: wrong, timeoutMs: 200, retries: 1 }).off('node-b');
    const elapsed = performance.now() - started;
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/Activate Session/);
    expect(r.reason).toMatch(/wrong password/);
    expect(r.reason).not.toContain(wrong);
    expect(r.reason).not.toContain(sim.password);
    expect(elapsed).toBeLessThan(2000);
    expect(sim.power()).toBe('on');
  });

  it('an unknown user is named as such by the BMC', async () => {
    const r = await device(sim, { user: 'nobody' }).status('node-b');
    expect(r.state).toBe('unknown');
    expect(r.reason).toMatch(/Get Session Challenge failed: completion code 0x81 \(invalid user name\)/);
  });

  it.each([
    ['v1.5 MD5', false],
    ['v2.0 RMCP+ suite 3', true],
  ])('measures off + confirm with %s (median of 10 off/on pairs)', async (label, lanplus) => {
    const d = device(sim, { lanplus });
    const offMs: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      const off = await d.off('node-b');
      offMs.push(performance.now() - t0);
      expect(off.ok).toBe(true);
      expect(sim.power()).toBe('off');
      expect((await d.on('node-b')).ok).toBe(true);
    }
    offMs.sort((a, b) => a - b);
    const median = (offMs[4] + offMs[5]) / 2;
    console.log(`ipmi_sim off+confirm, native ${label}, session open to close: median ${median.toFixed(1)} ms, min ${offMs[0].toFixed(1)}, max ${offMs[9].toFixed(1)} ms`);
    expect(median).toBeLessThan(1000);
  });
});

describeSim('IpmiFenceDevice with no BMC listening', () => {
  it('fails within the per-request timeout budget and says nothing answers', async () => {
    const sim = await startIpmiSim();
    const { host, port } = sim;
    await sim.stop();
    const started = performance.now();
    const r = await device({ ...sim, host, port }, { timeoutMs: 150, retries: 2 }).off('node-b');
    const elapsed = performance.now() - started;
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/no valid reply to Get Channel Authentication Capabilities after 3 tries of 150 ms/);
    expect(r.reason).toMatch(/ECONNREFUSED/);
    expect(elapsed).toBeGreaterThanOrEqual(440);
    expect(elapsed).toBeLessThan(1500);
  });
});
