// `edge-ha fence-device` for the serial agents, end to end: the CLI builds the
// agent, which reaches a simulator through the real TCP transport, the way it
// would reach ser2net in the lab. The power backend is what the test reads.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MemoryPower } from '../../hw/fence';
import { startFenceSimServer, type FenceSimKind, type FenceSimServer } from '../../hw/fence/simServer';
import type { Schedule } from '../../hw/ups/schedule';
import { runFenceCli } from './fenceHelpers';

const PASSWORD = 'pdu-s3cret-Zq7';
let dir: string;
let passwordFile: string;
const servers: FenceSimServer[] = [];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-ha-serial-cli-'));
  passwordFile = path.join(dir, 'pdu.pw');
  fs.writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** The UPS simulators wait 12-20 s before cutting the output; run their timers 100 times faster. */
const fast: Schedule = (delayMs, fn) => {
  const t = setTimeout(fn, Math.max(0, delayMs / 100));
  return () => clearTimeout(t);
};

async function sim(kind: FenceSimKind, power: MemoryPower, extra: { lie?: boolean } = {}): Promise<string> {
  const r = await startFenceSimServer({ kind, host: '127.0.0.1', port: 0, power, schedule: fast, login: 'apc', password: PASSWORD, faults: { lie: extra.lie ?? false } });
  if (!r.ok) throw new Error(r.reason);
  servers.push(r);
  return `127.0.0.1:${r.port}`;
}

const cli = (agent: string, address: string, action: string, ...extra: string[]) =>
  runFenceCli(['fence-device', agent, '--address', address, '--action', action, ...extra]);

interface Case {
  agent: string;
  kind: FenceSimKind;
  /** Outlet of the backend that feeds the target. */
  outlet: number;
  args: string[];
  timeoutMs: number;
}

const cases: Case[] = [
  { agent: 'rps10', kind: 'rps10', outlet: 3, args: ['--outlet', '3'], timeoutMs: 3000 },
  { agent: 'apc-pdu', kind: 'apc-pdu', outlet: 2, args: ['--outlet', '2', '--login', 'apc', '--password-file', '<pw>'], timeoutMs: 3000 },
  { agent: 'apc-pdu (menu)', kind: 'apc-menu', outlet: 2, args: ['--outlet', '2', '--login', 'apc', '--password-file', '<pw>', '--console', 'menu'], timeoutMs: 3000 },
  { agent: 'apc-ups', kind: 'apc-ups', outlet: 0, args: [], timeoutMs: 1200 },
  { agent: 'megatec-ups', kind: 'megatec-ups', outlet: 0, args: [], timeoutMs: 1200 },
];

describe.each(cases)('fence-device $agent over TCP', ({ agent, kind, outlet, args, timeoutMs }) => {
  const argv = () => [...args.map((a) => (a === '<pw>' ? passwordFile : a)), '--timeout', String(timeoutMs)];
  const name = agent.split(' ')[0]!;

  it('status on → 0; off is confirmed → 0 and the outlet is off; status then → 2', async () => {
    const power = new MemoryPower();
    const address = await sim(kind, power);
    expect(await cli(name, address, 'monitor', ...argv())).toMatchObject({ code: 0 });
    expect(await cli(name, address, 'status', ...argv())).toMatchObject({ code: 0 });
    const off = await cli(name, address, 'off', ...argv());
    expect(off).toMatchObject({ code: 0 });
    expect(power.isOn(outlet)).toBe(false);
    const status = await cli(name, address, 'status', ...argv());
    expect(status.code).toBe(2);
    for (const r of [off, status]) expect(r.out + r.err).not.toContain(PASSWORD);
  });

  it('a device that reports the off without doing it → 1, "still reads on", power stays on', async () => {
    const power = new MemoryPower();
    const address = await sim(kind, power, { lie: true });
    const off = await cli(name, address, 'off', ...argv(), '--json');
    expect(off.code).toBe(1);
    expect(off.err).toMatch(/still reads on/);
    expect(power.isOn(outlet)).toBe(true);
    expect(off.out + off.err).not.toContain(PASSWORD);
  });
});

describe('fence-device lcus over TCP (write-only board, power read back through an RPS-10)', () => {
  const lcus = async (power: MemoryPower, lie: boolean) => {
    const board = await sim('lcus', power, { lie });
    const sense = await sim('rps10', power);
    return (action: string) =>
      cli('lcus', board, action, '--outlet', '1', '--sense-agent', 'rps10', '--sense-address', sense, '--sense-outlet', '1', '--timeout', '1500');
  };

  it('off confirmed by the sense device → 0 and channel 1 is off; status → 2; on → 0', async () => {
    const power = new MemoryPower();
    const run = await lcus(power, false);
    expect(await run('status')).toMatchObject({ code: 0 });
    expect(await run('off')).toMatchObject({ code: 0 });
    expect(power.isOn(1)).toBe(false);
    expect(await run('status')).toMatchObject({ code: 2 });
    expect(await run('on')).toMatchObject({ code: 0 });
    expect(power.isOn(1)).toBe(true);
  });

  it('a board that ignores the frame → 1, the sense device still reads on', async () => {
    const power = new MemoryPower();
    const run = await lcus(power, true);
    const off = await run('off');
    expect(off.code).toBe(1);
    expect(off.err).toMatch(/still reads on/);
    expect(power.isOn(1)).toBe(true);
  });

  it('without a sense device it refuses to run, naming the missing options', async () => {
    const r = await cli('lcus', '127.0.0.1:9', 'off', '--outlet', '1');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--sense-agent AGENT --sense-address HOST:PORT/);
  });
});

describe('fence-device apc-pdu password handling', () => {
  it('a password file readable by others is refused before connecting, and its content is never printed', async () => {
    const loose = path.join(dir, 'loose.pw');
    fs.writeFileSync(loose, `${PASSWORD}\n`, { mode: 0o644 });
    fs.chmodSync(loose, 0o644);
    const r = await cli('apc-pdu', '127.0.0.1:9', 'status', '--outlet', '1', '--login', 'apc', '--password-file', loose);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/mode 0644; expected 0600 or stricter/);
    expect(r.out + r.err).not.toContain(PASSWORD);
  });

  it('a wrong password fails the login without printing either password', async () => {
    const power = new MemoryPower();
    const address = await sim('apc-pdu', power);
    const wrong = path.join(dir, 'wrong.pw');
    fs.writeFileSync(wrong, 'not-the-password-4411\n', { mode: 0o600 });
    const r = await cli('apc-pdu', address, 'off', '--outlet', '1', '--login', 'apc', '--password-file', wrong, '--timeout', '1500', '--json');
    expect(r.code).toBe(1);
    expect(power.isOn(1)).toBe(true);
    expect(r.out + r.err).not.toContain(PASSWORD);
    expect(r.out + r.err).not.toContain('not-the-password-4411');
  });
});

describe('fence-device serial agents: connection failures', () => {
  it('nothing listening → 1 with "connection refused"', async () => {
    const r = await cli('rps10', '127.0.0.1:1', 'monitor', '--outlet', '0', '--timeout', '1000');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/connection refused/);
  });
});
