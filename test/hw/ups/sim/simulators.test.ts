// The simulators at byte level: what goes in, exactly what comes out.

import { ApcSmartSim } from '../../../../hw/ups/sim/apcSmartSim';
import { apcSimStateFromNut } from '../../../../hw/ups/sim/apcWire';
import { ManualClock } from '../../../../hw/ups/sim/manualClock';
import { MegatecSim } from '../../../../hw/ups/sim/megatecSim';
import { encodeQ1Line, fixedField, megatecSimStateFromNut } from '../../../../hw/ups/sim/megatecWire';
import type { SimDevice } from '../../../../hw/ups/sim/simTransport';
import { bytes, loadFixture, text } from '../helpers';

function wire(device: SimDevice, clock: ManualClock) {
  let out = '';
  device.onOutput((b) => (out += text(b)));
  return (input: string, advanceMs = 0): string => {
    out = '';
    device.receive(bytes(input));
    clock.advance(advanceMs);
    return out;
  };
}

describe('MegatecSim on the wire', () => {
  const seed = () => megatecSimStateFromNut(loadFixture('Inform__Sinus_SS_210__blazer_ser__2.4.3__01.dev').vars).state;

  it('answers Q1, F and I in the spec layouts and echoes what it does not know', () => {
    const clock = new ManualClock();
    const talk = wire(new MegatecSim(seed(), { schedule: clock.schedule }), clock);
    expect(talk('Q1\r')).toBe('(243.1 190.0 220.0 045 50.0 41.4 40.5 00000000\r');
    expect(talk('F\r')).toBe('#220.0 005 036.0 50.0\r');
    expect(talk('I\r')).toBe('#Inform          SINUS1KURM MS02035C  \r');
    expect(talk('QPI\r')).toBe('QPI\r');
    expect(talk('T\r')).toBe('');
    expect(talk('Q1\r')).toMatch(/ 00000100\r$/); // b2: test running
  });

  it('echoes everything in unsupported mode, says nothing when silent, delays when slow', () => {
    const clock = new ManualClock();
    const sim = new MegatecSim(seed(), { schedule: clock.schedule }, { reply: 'unsupported' });
    const talk = wire(sim, clock);
    expect(talk('Q1\r')).toBe('Q1\r');
    sim.faults.reply = 'silent';
    expect(talk('Q1\r', 5000)).toBe('');
    sim.faults.reply = 'normal';
    sim.faults.replyDelayMs = 1200;
    expect(talk('F\r', 1199)).toBe('');
    clock.advance(1);
    // the reply is out now; a fresh command shows the line again after the delay
    expect(talk('F\r', 1200)).toBe('#220.0 005 036.0 50.0\r');
  });

  it('toggles the beeper with Q, and S<n> without R restores 10 s after mains returns', () => {
    const clock = new ManualClock();
    const sim = new MegatecSim(seed(), { schedule: clock.schedule });
    const talk = wire(sim, clock);
    talk('Q\r');
    expect(talk('Q1\r').slice(38)).toBe('00000001\r');
    talk('S.2\r', 12_000);
    expect(sim.isOutputOn).toBe(false);
    sim.setUtilityFail(true);
    sim.setUtilityFail(false);
    clock.advance(9_999);
    expect(sim.isOutputOn).toBe(false);
    clock.advance(1);
    expect(sim.isOutputOn).toBe(true);
  });

  it('C cancels a pending shutdown; R0000 keeps the output off until C', () => {
    const clock = new ManualClock();
    const sim = new MegatecSim(seed(), { schedule: clock.schedule });
    const talk = wire(sim, clock);
    talk('S01\r', 30_000);
    talk('C\r', 60_000);
    expect(sim.isOutputOn).toBe(true);
    talk('S00R0000\r', 3_600_000);
    expect(sim.isOutputOn).toBe(false);
    talk('C\r');
    expect(sim.isOutputOn).toBe(true);
  });

  it('fills a field that does not fit with @ and can send the battery per cell', () => {
    expect(fixedField(1234.5, 5, 1)).toBe('@@@.@');
    expect(fixedField(-5, 4, 1)).toBe('-5.0');
    expect(fixedField(undefined, 3, 0)).toBe('@@@');
    const state = { ...seed(), batteryVoltage: 246, batteryCellsPerCellFormat: 120 };
    expect(encodeQ1Line(state).slice(28, 32)).toBe('2.05');
  });
});

describe('ApcSmartSim on the wire', () => {
  const seed = () => apcSimStateFromNut(loadFixture('APC__Smart-UPS_3000_RM__apcsmart__2.0.1__01.dev').vars).state;

  it('ignores commands until Y, then answers with CR LF and NA for the unknown', () => {
    const clock = new ManualClock();
    const talk = wire(new ApcSmartSim(seed(), { schedule: clock.schedule }), clock);
    expect(talk('Q')).toBe('');
    expect(talk('Y')).toBe('SM\r\n');
    expect(talk('Q')).toBe('48\r\n');
    expect(talk('j')).toBe('0002:\r\n');
    expect(talk('\x01')).toBe('SMART-UPS 3000 RM\r\n');
    expect(talk('o')).toBe('230\r\n');
    expect(talk('~')).toBe('NA\r\n');
    expect(talk('R')).toBe('BYE\r\n');
    expect(talk('Q')).toBe('');
  });

  it('sends alerts on power events and puts injected alerts inside the next reply', () => {
    const clock = new ManualClock();
    const sim = new ApcSmartSim(seed(), { schedule: clock.schedule });
    const talk = wire(sim, clock);
    talk('Y');
    let out = '';
    sim.onOutput((b) => (out += text(b)));
    sim.setOnBattery(true);
    sim.setLowBattery(false);
    clock.advance(0);
    expect(out).toBe('!+');
    expect(talk('Q')).toBe('10\r\n');
    sim.injectIntoNextReply('$', 2);
    expect(talk('B')).toBe('54$.55\r\n');
  });

  it('acts on K only when repeated 1.5..15 s apart', () => {
    const clock = new ManualClock();
    const sim = new ApcSmartSim(seed(), { schedule: clock.schedule });
    const talk = wire(sim, clock);
    talk('Y');
    expect(talk('K', 1000)).toBe('');
    expect(talk('K', 16_000)).toBe(''); // 1 s after the first: too soon, re-arms; that window then closes
    expect(talk('K', 2000)).toBe(''); // 16 s after: too late, so this one only arms again
    expect(talk('K')).toBe('OK\r\n'); // 2 s after: acts
    clock.advance(180_000); // grace p = 180 s
    expect(sim.isLoadOn).toBe(false);
  });
});
