// Debian's real fence_ipmilan (fence-agents, driving ipmitool over RMCP+)
// against ipmi_sim through the standard agent interface (CommandFenceDevice:
// key=value options on stdin), and the native client reading the same BMC:
// the two must agree on the power state after every step.

import { existsSync, readFileSync } from 'node:fs';
import { IpmiFenceDevice } from '../../../../hw/fence/ipmi/device';
import { timerSchedule } from '../../../../hw/ups/schedule';
import { CommandFenceDevice, type CommandFenceDeviceConfig } from '../../../../src/shell/fence/commandDevice';
import { ipmiSimMissing, startIpmiSim, type IpmiSimHandle } from './ipmiSim';

const FENCE_IPMILAN = '/usr/sbin/fence_ipmilan';
const missing = ipmiSimMissing() ?? (existsSync(FENCE_IPMILAN) && existsSync('/usr/bin/ipmitool') ? null : `${FENCE_IPMILAN} or ipmitool not found (fence-agents, ipmitool)`);
const describeReal = missing === null ? describe : describe.skip;
if (missing !== null) console.warn(`skipping fence_ipmilan tests: ${missing}`);

const clock = { schedule: timerSchedule, nowMs: () => performance.now() };

function agent(sim: IpmiSimHandle, password: string): CommandFenceDevice {
  const config: CommandFenceDeviceConfig = {
    name: 'ipmilan-b',
    type: 'command',
    command: [FENCE_IPMILAN],
    options: {
      ip: sim.host,
      ipport: String(sim.port),
      username: sim.user,
      password,
      // Suite 3 (HMAC-SHA1, AES-CBC-128): without -C ipmitool probes suites for ~10 s (reference §9.7).
      lanplus: '1',
      cipher: '3',
      // The agent's default 2 s settle wait after off/on only slows the test; the status read-back still runs.
      power_wait: '0',
    },
    timeoutMs: 10_000,
  };
  // A BMC has no plug to name.
  return new CommandFenceDevice(config, { sendTarget: false });
}

describeReal('fence_ipmilan and the native client against one ipmi_sim', () => {
  let sim: IpmiSimHandle;
  let native: IpmiFenceDevice;

  beforeAll(async () => {
    sim = await startIpmiSim();
    native = new IpmiFenceDevice({ name: 'native-b', host: sim.host, port: sim.port, user: sim.user, password: sim.password, timeoutMs: 300, retries: 2, clock });
  });

  afterAll(async () => {
    await sim?.stop();
  });

  it('off / status / on through the agent interface, and both clients agree at each step', async () => {
    const password = readFileSync(sim.passwordFile, 'utf8').split('\n')[0];
    const fence = agent(sim, password);
    expect(await fence.monitor()).toMatchObject({ ok: true });
    expect((await fence.status('node-b')).state).toBe('on');
    expect((await native.status('node-b')).state).toBe('on');

    const off = await fence.off('node-b');
    expect(off).toMatchObject({ ok: true, reason: 'off succeeded (exit 0)' });
    expect(sim.power()).toBe('off');
    expect(await fence.status('node-b')).toMatchObject({ state: 'off', reason: 'status: off (exit 2)' });
    expect((await native.status('node-b')).state).toBe('off');

    const on = await fence.on('node-b');
    expect(on.ok).toBe(true);
    expect(sim.power()).toBe('on');
    expect((await fence.status('node-b')).state).toBe('on');
    expect((await native.status('node-b')).state).toBe('on');
  });

  it('the native client fences and fence_ipmilan reads the result', async () => {
    expect((await native.off('node-b')).ok).toBe(true);
    expect((await agent(sim, sim.password).status('node-b')).state).toBe('off');
    expect((await native.on('node-b')).ok).toBe(true);
    expect((await agent(sim, sim.password).status('node-b')).state).toBe('on');
  });

  it('with a wrong password the agent fails and the status is unknown', async () => {
    const fence = agent(sim, 'Wrong-Pass-77');
    const status = await fence.status('node-b');
    expect(status.state).toBe('unknown');
    expect(status.reason).toMatch(/exit 1/);
    const off = await fence.off('node-b');
    expect(off.ok).toBe(false);
    expect(sim.power()).toBe('on');
  });
});
