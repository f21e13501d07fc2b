// `edge-ha fence-device gpio-relay` on the simulated GPIO backend: the command
// claims lines of a simulated chip, the file bridge carries the relay's level
// out and the power-good input in, and RelayWorld plays the peer's supply.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { buildManualDevice } from '../../src/shell/fence/manualDevice';
import { runFenceCli } from './fenceHelpers';
import { RelayWorld, waitUntil, type Wiring } from './fenceGpioWorld';

let dir: string;
let world: RelayWorld | null = null;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-ha-gpio-relay-'));
});
afterEach(async () => {
  await world?.stop();
  world = null;
  fs.rmSync(dir, { recursive: true, force: true });
});

async function peer(wiring: Wiring, o: { relayActiveLow?: boolean; senseActiveLow?: boolean; powered?: boolean } = {}): Promise<RelayWorld> {
  world = new RelayWorld(dir, wiring, o);
  await world.start(o.powered ?? true);
  return world;
}

const relay = (w: RelayWorld, action: string, ...extra: string[]) =>
  runFenceCli([
    'fence-device', 'gpio-relay', '--action', action, '--chip', 'gpiochip0', '--line', '3', '--sense-line', '5',
    '--gpio-backend', 'sim', '--sim-file', w.inputs, '--sim-outputs', w.outputs, ...extra,
  ]);

describe('fence-device gpio-relay (hold mode, sense follows the relay)', () => {
  it('status reads the power-good input: on → 0, off → 2', async () => {
    const w = await peer('follow');
    expect(await relay(w, 'status')).toMatchObject({ code: 0, out: expect.stringMatching(/^gpio-relay status: .*reads on/) });
    await w.setPowered(false);
    expect(await relay(w, 'status')).toMatchObject({ code: 2, out: expect.stringMatching(/reads off/) });
  });

  it('off energises the relay, is confirmed by the sense, holds for --hold-ms, then releases it', async () => {
    const w = await peer('follow');
    const r = await relay(w, 'off', '--hold-ms', '400');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^gpio-relay off: gpio-relay confirmed peer is off/);
    expect(r.err).toContain('holding the relay energised for 400 ms');
    // The peer really lost power while the command ran, and got it back when the relay was released.
    expect(w.seen).toContain(1);
    await waitUntil(() => w.relayLevel === null && w.powered);
  });

  it('an active-low relay is energised by a low level', async () => {
    const w = await peer('follow', { relayActiveLow: true });
    const r = await relay(w, 'off', '--active-low', '--hold-ms', '0');
    expect(r.code).toBe(0);
    expect(r.err).toContain('--hold-ms 0: releasing the relay now');
    // Energised is low; the sense (which follows an energised relay) confirmed it.
    expect(w.seen).toContain(0);
    await waitUntil(() => w.relayLevel === null);
  });

  it('on releases the relay and is confirmed when the sense reads on; reboot is off then on', async () => {
    const w = await peer('follow', { powered: false });
    expect(await relay(w, 'on')).toMatchObject({ code: 0, out: expect.stringMatching(/status reads on/) });
    const reboot = await relay(w, 'reboot', '--json');
    expect(reboot.code).toBe(0);
    const parsed = JSON.parse(reboot.out);
    expect(parsed.attempts.map((a: { step: string; ok: boolean }) => [a.step, a.ok])).toEqual([
      ['off', true],
      ['status', true],
      ['on', true],
    ]);
    expect(w.seen).toContain(1);
    await waitUntil(() => w.powered);
  });

  it('a sense input that is active-low is read the right way round', async () => {
    const w = await peer('follow', { senseActiveLow: true });
    expect((await relay(w, 'status', '--sense-active-low')).code).toBe(0);
    expect((await relay(w, 'off', '--sense-active-low', '--hold-ms', '0')).code).toBe(0);
  });
});

describe('fence-device gpio-relay: a lying relay', () => {
  it('off fails with the reason when the sense still reads on, and the relay is released', async () => {
    const w = await peer('lie');
    const r = await relay(w, 'off', '--timeout', '700', '--hold-ms', '0');
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^edge-ha: gpio-relay off failed: .*relay energised, but target "peer" still reads on after [\d.]+ ms \(sense input "gpio-relay-sense" reads on\)/);
    expect(r.err).not.toContain('holding');
    expect(w.seen).toContain(1);
    await waitUntil(() => w.relayLevel === null);
    expect(w.powered).toBe(true);
  });
});

describe('fence-device gpio-relay (pulse mode)', () => {
  it('a pulse that latches the peer off is confirmed; the relay ends released', async () => {
    const w = await peer('latch');
    const r = await relay(w, 'off', '--mode', 'pulse', '--pulse-ms', '300', '--json');
    expect(r.code).toBe(0);
    const off = JSON.parse(r.out).attempts[0];
    expect(off).toMatchObject({ step: 'off', ok: true, reason: expect.stringMatching(/relay pulsed for 300 ms; target "peer" read off/) });
    expect(r.err).toBe('');
    expect(w.seen).toContain(1);
    await waitUntil(() => w.relayLevel === null);
    expect(w.powered).toBe(false);
  });

  it('pulse mode has no on action: on → 1 with why', async () => {
    const w = await peer('latch', { powered: false });
    const r = await relay(w, 'on', '--mode', 'pulse');
    expect(r).toMatchObject({ code: 1, err: expect.stringContaining('pulse mode has no on action') });
  });
});

describe('fence-device gpio-relay: bad options are refused before any line is claimed', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--sense-line', '5'], /gpio-relay needs --chip NAME/],
    [['--chip', 'gpiochip0', '--sense-line', '5'], /gpio-relay needs --line 0..1023/],
    [['--chip', 'gpiochip0', '--line', '3'], /needs --sense-line N \(the power-good input\)/],
    [['--chip', 'gpiochip0', '--line', '3', '--sense-line', '3'], /--sense-line 3 is the relay's own line/],
    [['--chip', 'gpiochip0', '--line', '2048', '--sense-line', '5'], /--line: expected an integer 0\.\.1023, got "2048"/],
    [['--chip', '-x', '--line', '3', '--sense-line', '5'], /--chip: expected a GPIO chip name/],
    [['--chip', 'gpiochip0', '--line', '3', '--sense-line', '5', '--mode', 'toggle'], /--mode: expected hold or pulse, got "toggle"/],
    [['--chip', 'gpiochip0', '--line', '3', '--sense-line', '5', '--pulse-ms', '100'], /--pulse-ms applies to --mode pulse only/],
    [['--chip', 'gpiochip0', '--line', '3', '--sense-line', '5', '--mode', 'pulse', '--hold-ms', '5'], /--hold-ms applies to --mode hold only/],
    [['--chip', 'gpiochip0', '--line', '3', '--sense-line', '5', '--gpio-backend', 'sim'], /--gpio-backend sim needs --sim-file FILE/],
    [['--chip', 'gpiochip0', '--line', '3', '--sense-line', '5', '--gpio-backend', 'wiringpi'], /--gpio-backend: expected one of gpiod, onoff, sim, got "wiringpi"/],
    [['--chip', 'gpiochip0', '--line', '3', '--sense-line', '5', '--sim-file', '/x'], /--sim-file applies to --gpio-backend sim only/],
    [['--chip', 'gpiochip0', '--line', '3', '--sense-line', '5', '--outlet', '2'], /gpio-relay does not take --outlet \(it takes --chip, --line/],
  ];
  it.each(cases)('%j', async (args, reason) => {
    const r = await runFenceCli(['fence-device', 'gpio-relay', '--action', 'off', ...args]);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(reason);
  });

  it('a sim file that is missing, or that leaves the sense line unset, is refused (an unset input would read as off)', async () => {
    const inputs = path.join(dir, 'inputs.json');
    const base = ['fence-device', 'gpio-relay', '--action', 'status', '--chip', 'c', '--line', '0', '--sense-line', '1', '--gpio-backend', 'sim', '--sim-file', inputs];
    expect((await runFenceCli(base)).err).toMatch(/--sim-file .*inputs\.json does not exist: write the simulated inputs there first, e\.g\. \{"power-good": 1\}/);
    fs.writeFileSync(inputs, '{"relay": 0}');
    expect((await runFenceCli(base)).err).toMatch(/gives the sense line no level: add "power-good" \(offset 1\)/);
    fs.writeFileSync(inputs, '{"power-good": 1, "9": 1}');
    expect((await runFenceCli(base)).err).toMatch(/has no line\(s\) 9 \(it has 0=relay, 1=power-good\)/);
    fs.writeFileSync(inputs, '{"power-good": 2}');
    expect((await runFenceCli(base)).err).toMatch(/line "power-good" must be 0 or 1, got 2/);
    fs.writeFileSync(inputs, '{"1": 1}');
    expect(await runFenceCli(base)).toMatchObject({ code: 0 });
  });

  it('building never throws and every refusal names an option, whatever the option values', async () => {
    const value = fc.oneof(fc.string({ maxLength: 12 }), fc.integer({ min: -5, max: 70_000 }).map(String));
    await fc.assert(
      fc.asyncProperty(value, value, value, value, value, async (chip, line, senseLine, pulseMs, timeout) => {
        const built = await buildManualDevice('gpio-relay', { chip, line, senseLine, mode: 'pulse', pulseMs, timeout });
        if (built.ok) {
          await built.value.close?.();
          expect(Number(line)).not.toBe(Number(senseLine));
        } else {
          expect(built.reason).toMatch(/--(chip|line|sense-line|pulse-ms|timeout)\b/);
        }
      }),
      { numRuns: 200 },
    );
  });
});
