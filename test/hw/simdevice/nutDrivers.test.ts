// The acceptance test of issue 3: NUT's own drivers (nutdrv_qx with the megatec
// protocol, apcsmart) drive our simulators over a real PTY pair, upsd serves
// what they read, and `upsc` shows the simulator's values and power events.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNutDump } from '../../../hw/ups/nutDump';
import { readingFromNutVars } from '../../../hw/ups/nutVars';
import { haveBinaries, parseUpscOutput, startNut, UPSC, UPSD, type NutHarness } from '../ups/nut/nutHarness';
import { startSim, type SimHarness } from './helpers';

const DDL = '/work/shared/fixtures/nut-ddl';
const needed = [UPSC, UPSD, '/lib/nut/nutdrv_qx', '/lib/nut/apcsmart', '/usr/bin/socat'];
const haveAll = haveBinaries(...needed);
if (!haveAll) console.warn(`NUT driver tests skipped: need ${needed.join(', ')} (Debian nut-server, nut-client, socat)`);
const describeNut = haveAll ? describe : describe.skip;

const dumpReading = (file: string) => {
  const d = parseNutDump(readFileSync(join(DDL, file), 'utf8'));
  if (!d.ok) throw new Error(d.error);
  return readingFromNutVars(d.value.vars).reading;
};

async function upscUntil(nut: NutHarness, target: string, pred: (v: Map<string, string>) => boolean, timeoutMs = 6000): Promise<Map<string, string>> {
  const deadline = Date.now() + timeoutMs;
  let last = new Map<string, string>();
  while (Date.now() < deadline) {
    last = parseUpscOutput(nut.upsc(target).stdout);
    if (pred(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`upsc ${target} never matched; last:\n${[...last].join('\n')}\nlogs:\n${nut.logs()}`);
}

describeNut.each([
  {
    kind: 'ups-megatec',
    file: 'Inform__Sinus_SS_210__blazer_ser__2.4.3__01.dev',
    driver: 'nutdrv_qx',
    settings: { protocol: 'megatec', pollinterval: '1' } as Record<string, string>,
    // The Q1 fields nutdrv_qx reports unchanged; battery.charge is NUT's own guess, not the UPS's.
    vars: ['input.voltage', 'input.voltage.fault', 'output.voltage', 'ups.load', 'input.frequency', 'ups.temperature', 'battery.voltage'] as const,
  },
  {
    kind: 'ups-apcsmart',
    file: 'APC__Smart-UPS_1500__apcsmart__2.2.1__01.dev',
    driver: 'apcsmart',
    settings: { pollinterval: '1' } as Record<string, string>,
    vars: ['input.voltage', 'battery.charge', 'battery.runtime', 'battery.voltage', 'ups.load', 'ups.temperature', 'output.voltage', 'input.frequency'] as const,
  },
])('NUT $driver against sim-device $kind', ({ kind, file, driver, settings, vars }) => {
  let sim: SimHarness;
  let nut: NutHarness;
  const target = () => `ups@127.0.0.1:${nut.port}`;

  beforeAll(async () => {
    sim = await startSim({ kind, fromDump: join(DDL, file) });
    nut = await startNut([{ name: 'ups', driver, port: sim.link, settings }]);
  });
  afterAll(async () => {
    await nut?.stop();
    await sim?.stop();
  });

  it('upsc shows the status and the values the simulator holds', async () => {
    const expected = dumpReading(file);
    const shown = await upscUntil(nut, target(), (v) => v.has('ups.status'));
    expect(shown.get('ups.status')).toBe('OL');
    for (const name of vars) expect([name, Number(shown.get(name))]).toEqual([name, expected[name]]);
    expect(shown.get('ups.model') ?? shown.get('device.model')).toBe(expected['ups.model']);
  });

  it('shows OB after the simulator goes on battery, then OB LB, then OL again', async () => {
    expect(await sim.send({ set: { onBattery: true } })).toMatchObject({ ok: true, state: { onBattery: true } });
    await upscUntil(nut, target(), (v) => v.get('ups.status') === 'OB');
    await sim.send({ set: { lowBattery: true } });
    await upscUntil(nut, target(), (v) => v.get('ups.status') === 'OB LB');
    await sim.send({ set: { onBattery: false, lowBattery: false } });
    await upscUntil(nut, target(), (v) => v.get('ups.status') === 'OL');
  });
});
