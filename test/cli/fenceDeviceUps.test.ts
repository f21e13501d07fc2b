// `edge-ha fence-device ups --protocol apcsmart|megatec` and `lcus-relay`,
// the names for the serial agents, against the simulators served
// over TCP by hw/fence/simServer.ts (the way ser2net serves the real ports).
// The old names (apc-ups, megatec-ups, lcus) must keep working.

import { MemoryPower } from '../../hw/fence';
import { startFenceSimServer, type FenceSimKind, type FenceSimServer } from '../../hw/fence/simServer';
import type { Schedule } from '../../hw/ups/schedule';
import { runFenceCli } from './fenceHelpers';

const servers: FenceSimServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** The UPS simulators wait 12-20 s before cutting the output; run their timers 100 times faster. */
const fast: Schedule = (delayMs, fn) => {
  const t = setTimeout(fn, Math.max(0, delayMs / 100));
  return () => clearTimeout(t);
};

async function sim(kind: FenceSimKind, power: MemoryPower, lie = false): Promise<string> {
  const r = await startFenceSimServer({ kind, host: '127.0.0.1', port: 0, power, schedule: fast, faults: { lie } });
  if (!r.ok) throw new Error(r.reason);
  servers.push(r);
  return `127.0.0.1:${r.port}`;
}

const cli = (agent: string, address: string, action: string, ...extra: string[]) =>
  runFenceCli(['fence-device', agent, '--address', address, '--action', action, '--timeout', '1200', ...extra]);

describe.each([
  { protocol: 'apcsmart', kind: 'apc-ups' as const },
  { protocol: 'megatec', kind: 'megatec-ups' as const },
])('fence-device ups --protocol $protocol', ({ protocol, kind }) => {
  it('status on → 0; off confirmed → 0 and the UPS output is off; status → 2; on → 0', async () => {
    const power = new MemoryPower();
    const address = await sim(kind, power);
    expect(await cli('ups', address, 'monitor', '--protocol', protocol)).toMatchObject({ code: 0 });
    expect(await cli('ups', address, 'status', '--protocol', protocol)).toMatchObject({ code: 0 });
    expect(await cli('ups', address, 'off', '--protocol', protocol)).toMatchObject({ code: 0, err: '' });
    expect(power.isOn(0)).toBe(false);
    expect(await cli('ups', address, 'status', '--protocol', protocol)).toMatchObject({ code: 2 });
    expect(await cli('ups', address, 'on', '--protocol', protocol)).toMatchObject({ code: 0 });
    expect(power.isOn(0)).toBe(true);
  });

  it('a UPS that acknowledges the shutdown but keeps its output on → 1, "still reads on"', async () => {
    const power = new MemoryPower();
    const address = await sim(kind, power, true);
    const r = await cli('ups', address, 'off', '--protocol', protocol, '--timeout', '500');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/still reads on/);
    expect(power.isOn(0)).toBe(true);
  });

  it(`the old name ${kind} is the same agent`, async () => {
    const power = new MemoryPower();
    const address = await sim(kind, power);
    expect(await cli(kind, address, 'off')).toMatchObject({ code: 0 });
    expect(power.isOn(0)).toBe(false);
    // Naming the protocol again is allowed when it agrees.
    expect(await cli(kind, address, 'status', '--protocol', protocol)).toMatchObject({ code: 2 });
  });

  it('the wrong protocol for the UPS on the line fails, and switches nothing', async () => {
    const power = new MemoryPower();
    const address = await sim(kind, power);
    const other = protocol === 'apcsmart' ? 'megatec' : 'apcsmart';
    const r = await cli('ups', address, 'off', '--protocol', other, '--timeout', '400');
    expect(r.code).toBe(1);
    expect(power.isOn(0)).toBe(true);
  });
});

describe('fence-device ups: options', () => {
  it.each([
    [['ups'], /ups needs --protocol apcsmart\|megatec/],
    [['ups', '--protocol', 'nut'], /--protocol: expected one of apcsmart, megatec, got "nut"/],
    [['apc-ups', '--protocol', 'megatec'], /--protocol "megatec" contradicts the agent apc-ups, which is ups --protocol apcsmart/],
    [['ups', '--protocol', 'apcsmart', '--restore-minutes', '5'], /--restore-minutes applies to --protocol megatec only/],
    [['ups', '--protocol', 'megatec', '--restore-minutes', 'soon'], /--restore-minutes: expected an integer 0\.\.9999, got "soon"/],
    [['ups', '--protocol', 'megatec', '--outlet', '1'], /ups does not take --outlet/],
  ])('%j', async (args, reason) => {
    const r = await runFenceCli(['fence-device', ...args, '--address', '127.0.0.1:9', '--action', 'off']);
    expect(r).toMatchObject({ code: 1, out: '' });
    expect(r.err).toMatch(reason);
  });
});

describe('fence-device lcus-relay (and its old name lcus)', () => {
  it('off confirmed by the RPS-10 sense → 0 and only channel 2 is off; the old name reads it back; on → 0', async () => {
    const power = new MemoryPower();
    const board = await sim('lcus', power);
    const sense = await sim('rps10', power);
    const run = (agent: string, action: string) =>
      cli(agent, board, action, '--outlet', '2', '--sense-agent', 'rps10', '--sense-address', sense, '--sense-outlet', '2', '--timeout', '1500');
    expect(await run('lcus-relay', 'off')).toMatchObject({ code: 0, out: expect.stringMatching(/^lcus-relay off: /) });
    expect(power.isOn(2)).toBe(false);
    expect(power.isOn(1)).toBe(true);
    expect(await run('lcus', 'status')).toMatchObject({ code: 2, out: expect.stringMatching(/^lcus status: /) });
    expect(await run('lcus-relay', 'on')).toMatchObject({ code: 0 });
    expect(power.isOn(2)).toBe(true);
  });

  it('a board that ignores the frame: off → 1 with the reason', async () => {
    const power = new MemoryPower();
    const board = await sim('lcus', power, true);
    const sense = await sim('rps10', power);
    const r = await cli('lcus-relay', board, 'off', '--outlet', '1', '--sense-agent', 'rps10', '--sense-address', sense, '--sense-outlet', '1', '--timeout', '800');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^edge-ha: lcus-relay off failed: .*still reads on/);
    expect(power.isOn(1)).toBe(true);
  });

  it('without a sense device it refuses, naming the missing options', async () => {
    const r = await runFenceCli(['fence-device', 'lcus-relay', '--address', '127.0.0.1:9', '--action', 'off', '--outlet', '1']);
    expect(r).toMatchObject({ code: 1, err: expect.stringMatching(/--sense-agent AGENT --sense-address HOST:PORT/) });
  });
});
