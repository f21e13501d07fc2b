import fc from 'fast-check';
import { MemoryPower } from '../../../hw/fence/deps';
import { MegatecUpsFenceDevice, type MegatecUpsFenceOptions } from '../../../hw/fence/upsswitch/megatecDevice';
import { matchActionEcho, matchQ1Output, megatecOffCommand, megatecOnCommand, parseShutdownText } from '../../../hw/fence/upsswitch/megatecProtocol';
import { MegatecUpsSim, type MegatecUpsSimOptions } from '../../../hw/fence/upsswitch/megatecSim';
import { allWritten, hex, linkFactory, virtualClock } from './helpers';

describe('Megatec UPS as a switch: protocol', () => {
  it('encodes S.2R<m> and C with the shared encoder', () => {
    const off = megatecOffCommand(0);
    expect(off.ok && hex(off.value.bytes)).toBe('53 2E 32 52 30 30 30 30 0D');
    const reboot = megatecOffCommand(1);
    expect(reboot.ok && reboot.value.text).toBe('S.2R0001');
    const on = megatecOnCommand();
    expect(on.ok && hex(on.value.bytes)).toBe('43 0D');
    expect(megatecOffCommand(10_000).ok).toBe(false);
  });

  it('reads the output state from Q1 lines and spots echoes', () => {
    const q1 = (out: string): string => `(215.0 195.0 ${out} 014 49.0 22.7 30.0 00000000\r`;
    expect(matchQ1Output(30)(q1('230.0'))).toMatchObject({ kind: 'match', value: 'on' });
    expect(matchQ1Output(30)(q1('000.0'))).toMatchObject({ kind: 'match', value: 'off' });
    expect(matchQ1Output(30)(q1('@@@@@')).kind).toBe('fail');
    expect(matchQ1Output(30)('Q1\r')).toEqual({ kind: 'fail', reason: 'UPS echoed Q1: it does not support the status query' });
    expect(matchQ1Output(30)('(215.0 19')).toEqual({ kind: 'more' });
    expect(matchActionEcho('S.2R0000')('S.2R0000\r')).toMatchObject({ kind: 'match', value: 'echoed' });
    expect(matchActionEcho('S.2R0000')('junk\r').kind).toBe('fail');
    expect(parseShutdownText('S.2R0001')).toEqual({ ok: true, value: { delayMs: 12_000, restoreMinutes: 1 } });
    expect(parseShutdownText('S03')).toEqual({ ok: true, value: { delayMs: 180_000, restoreMinutes: undefined } });
    expect(parseShutdownText('S11').ok).toBe(false);
  });

  it('matchers never throw on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const text = Buffer.from(bytes).toString('latin1');
        matchQ1Output(30)(text);
        matchActionEcho('C')(text);
        parseShutdownText(text);
      }),
    );
  });
});

function setup(simOptions: Partial<MegatecUpsSimOptions> = {}, deviceOptions: Partial<MegatecUpsFenceOptions> = {}) {
  const { clock, fenceClock } = virtualClock();
  const power = new MemoryPower();
  const sim = new MegatecUpsSim({ power, schedule: clock.schedule, ...simOptions });
  const { open, links } = linkFactory(sim);
  const device = new MegatecUpsFenceDevice({ name: 'ups', targets: ['peer'], clock: fenceClock, openTransport: open, ...deviceOptions });
  return { clock, power, sim, links, device };
}

describe('MegatecUpsFenceDevice against the simulator', () => {
  it('off sends S.2R0000 and is confirmed when Q1 shows no output voltage', async () => {
    const { clock, power, sim, links, device } = setup();
    const r = await clock.settle(device.off('peer'));
    expect(r).toMatchObject({ ok: true, reason: 'ups: UPS output off after S.2R0000; Q1 confirms off' });
    expect(r.durationMs).toBeGreaterThanOrEqual(12_000);
    expect(power.isOn(0)).toBe(false);
    expect(sim.commands[0]).toBe('S.2R0000');
    expect(allWritten(links).startsWith('S.2R0000\rQ1\r')).toBe(true);
    expect(await clock.settle(device.status('peer'))).toMatchObject({ state: 'off' });
    expect((await clock.settle(device.on('peer'))).ok).toBe(true);
    expect(power.isOn(0)).toBe(true);
  });

  it('S.2R0001 (reboot style) is confirmed during the off minute', async () => {
    const { clock, power, device } = setup({}, { restoreMinutes: 1 });
    expect((await clock.settle(device.off('peer'))).ok).toBe(true);
    clock.advance(60_000);
    expect(power.isOn(0)).toBe(true);
  });

  it('a UPS that takes S but never cuts is a failure', async () => {
    const { clock, power, device } = setup({ faults: { lie: true } });
    const r = await clock.settle(device.off('peer'));
    expect(r).toMatchObject({ ok: false, reason: 'ups: UPS took S.2R0000 but output still reads on after 30000 ms' });
    expect(power.isOn(0)).toBe(true);
  });

  it('silence is a failure: the S is never taken on trust', async () => {
    const { clock, device } = setup({ faults: { silent: true } });
    const r = await clock.settle(device.off('peer'));
    expect(r.ok).toBe(false);
    expect(r.reason).toBe('ups: UPS took S.2R0000 but status check failed: no answer within 1000 ms while waiting for the Q1 status line');
  });

  it('garbage and half answers are failures', async () => {
    const garbage = setup({ faults: { garbage: true } });
    const r1 = await garbage.clock.settle(garbage.device.status('peer'));
    expect(r1.state).toBe('unknown');
    expect(r1.reason).toContain('Q1 answer must be');
    const half = setup({ faults: { halfAnswer: true } });
    const r2 = await half.clock.settle(half.device.off('peer'));
    expect(r2.ok).toBe(false);
    expect(r2.reason).toMatch(/^ups: UPS took S\.2R0000 but status check failed: half answer: only "\(230\.0 230\.0 000\.0 000 " within 1000 ms/);
  });

  it('an echo (unsupported command) and an unknown target are failures; a slow UPS works', async () => {
    const echo = setup({ supportsShutdown: false });
    const r = await echo.clock.settle(echo.device.off('peer'));
    expect(r).toMatchObject({ ok: false, reason: 'ups: UPS echoed S.2R0000: it does not support this command' });
    expect(echo.power.isOn(0)).toBe(true);
    const slow = setup({ faults: { slowMs: 400 } });
    expect((await slow.clock.settle(slow.device.off('peer'))).ok).toBe(true);
    expect((await slow.clock.settle(slow.device.off('nobody'))).reason).toBe('ups: this UPS does not feed target "nobody"');
  });
});
