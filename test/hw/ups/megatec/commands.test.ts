import {
  encodeMegatecCommand,
  megatecInstantCommand,
  shutdownDelayFromSeconds,
  type MegatecCommand,
  type MegatecCommandDelays,
  type MegatecInstantCommand,
} from '../../../../hw/ups/megatec/commands';

function hex(cmd: MegatecCommand): string {
  const r = encodeMegatecCommand(cmd);
  if (!r.ok) throw new Error(r.error);
  return Buffer.from(r.value.bytes).toString('hex').toUpperCase().replace(/(..)(?!$)/g, '$1 ');
}

function wire(cmd: MegatecCommand): string {
  const r = encodeMegatecCommand(cmd);
  if (!r.ok) throw new Error(r.error);
  return Buffer.from(r.value.bytes).toString('latin1');
}

describe('Megatec command encoders (reference §2.2)', () => {
  it.each<[MegatecCommand, string]>([
    [{ kind: 'status' }, 'Q1\r'],
    [{ kind: 'ratings' }, 'F\r'],
    [{ kind: 'info' }, 'I\r'],
    [{ kind: 'test-10s' }, 'T\r'],
    [{ kind: 'test-until-low' }, 'TL\r'],
    [{ kind: 'test-minutes', minutes: 1 }, 'T01\r'],
    [{ kind: 'test-minutes', minutes: 99 }, 'T99\r'],
    [{ kind: 'beeper-toggle' }, 'Q\r'],
    [{ kind: 'shutdown', delay: { tenthsOfMinute: 2 } }, 'S.2\r'],
    [{ kind: 'shutdown', delay: { minutes: 10 } }, 'S10\r'],
    [{ kind: 'shutdown-restore', delay: { minutes: 1 }, restoreMinutes: 3 }, 'S01R0003\r'],
    [{ kind: 'shutdown-restore', delay: { tenthsOfMinute: 9 }, restoreMinutes: 9999 }, 'S.9R9999\r'],
    [{ kind: 'cancel-shutdown' }, 'C\r'],
    [{ kind: 'cancel-test' }, 'CT\r'],
  ])('%j → %j', (cmd, expected) => {
    expect(wire(cmd)).toBe(expected);
  });

  it('says which argument is out of range instead of encoding it', () => {
    expect(encodeMegatecCommand({ kind: 'test-minutes', minutes: 100 })).toEqual({ ok: false, error: 'T<n>: test minutes must be a whole number 1..99, got 100' });
    expect(encodeMegatecCommand({ kind: 'test-minutes', minutes: 0 }).ok).toBe(false);
    expect(encodeMegatecCommand({ kind: 'shutdown', delay: { tenthsOfMinute: 1 } })).toEqual({
      ok: false,
      error: 'S<n>: tenths of a minute must be 2..9 (.2 to .9), got 1',
    });
    expect(encodeMegatecCommand({ kind: 'shutdown', delay: { minutes: 11 } }).ok).toBe(false);
    expect(encodeMegatecCommand({ kind: 'shutdown', delay: { minutes: 2.5 } }).ok).toBe(false);
    expect(encodeMegatecCommand({ kind: 'shutdown-restore', delay: { minutes: 1 }, restoreMinutes: 10_000 }).ok).toBe(false);
  });
});

describe("NUT's shutdown and test strings (reference §2.3)", () => {
  const cases: [MegatecInstantCommand, MegatecCommandDelays, string][] = [
    ['shutdown.return', {}, '53 2E 35 52 30 30 30 33 0D'],
    ['shutdown.stayoff', {}, '53 2E 35 52 30 30 30 30 0D'],
    ['load.off', {}, '53 30 30 52 30 30 30 30 0D'],
    ['load.on', {}, '43 0D'],
    ['shutdown.stop', {}, '43 0D'],
    ['test.battery.start', { testDurationSec: 600 }, '54 31 30 0D'],
    ['test.battery.start.quick', {}, '54 0D'],
    ['test.battery.start.deep', {}, '54 4C 0D'],
    ['test.battery.stop', {}, '43 54 0D'],
    ['beeper.toggle', {}, '51 0D'],
  ];
  it.each(cases)('%s %j → %s', (name, delays, expected) => {
    const cmd = megatecInstantCommand(name, delays);
    if (!cmd.ok) throw new Error(cmd.error);
    expect(hex(cmd.value)).toBe(expected);
  });

  it('turns off-delays into tenths below 60 s and whole minutes from 60 s', () => {
    expect(shutdownDelayFromSeconds(30)).toEqual({ ok: true, value: { tenthsOfMinute: 5 } });
    expect(shutdownDelayFromSeconds(12)).toEqual({ ok: true, value: { tenthsOfMinute: 2 } });
    expect(shutdownDelayFromSeconds(59)).toEqual({ ok: true, value: { tenthsOfMinute: 9 } }); // 6 s steps, truncated
    expect(shutdownDelayFromSeconds(60)).toEqual({ ok: true, value: { minutes: 1 } });
    expect(shutdownDelayFromSeconds(179)).toEqual({ ok: true, value: { minutes: 2 } });
    expect(shutdownDelayFromSeconds(600)).toEqual({ ok: true, value: { minutes: 10 } });
    expect(shutdownDelayFromSeconds(11).ok).toBe(false);
    expect(shutdownDelayFromSeconds(601).ok).toBe(false);
  });

  it('truncates on-delays to minutes and builds S<n>R<m> from both delays', () => {
    const cmd = megatecInstantCommand('shutdown.return', { offDelaySec: 120, onDelaySec: 599_940 });
    expect(cmd.ok && wire(cmd.value)).toBe('S02R9999\r');
    const short = megatecInstantCommand('shutdown.return', { offDelaySec: 48, onDelaySec: 239 });
    expect(short.ok && wire(short.value)).toBe('S.8R0003\r');
    expect(megatecInstantCommand('shutdown.return', { onDelaySec: 600_000 }).ok).toBe(false);
  });

  it('needs a test duration of 60..5940 s for test.battery.start', () => {
    expect(megatecInstantCommand('test.battery.start')).toEqual({ ok: false, error: 'test.battery.start needs a duration of 60..5940 s, got undefined' });
    expect(megatecInstantCommand('test.battery.start', { testDurationSec: 59 }).ok).toBe(false);
    const max = megatecInstantCommand('test.battery.start', { testDurationSec: 5940 });
    expect(max.ok && wire(max.value)).toBe('T99\r');
  });
});
