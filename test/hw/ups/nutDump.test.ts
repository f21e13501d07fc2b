import fc from 'fast-check';
import { NUT_DUMP_MAX_CHARS, NUT_DUMP_MAX_VARS, parseNutDump } from '../../../hw/ups/nutDump';
import { fixturesForDrivers, loadFixture } from './helpers';

describe('parseNutDump', () => {
  it('reads a real apcsmart dump, keeping wire-like text untouched', () => {
    const dump = loadFixture('APC__Smart-UPS_2200__apcsmart__2.2.0__01.dev');
    expect(dump.vars.get('ups.status')).toBe('OB');
    expect(dump.vars.get('battery.charge')).toBe('089.0');
    expect(dump.vars.get('input.transfer.reason')).toBe('T');
    expect(dump.vars.get('battery.date')).toBe('01/10/04'); // value with no spaces but slashes
    expect(dump.vars.size).toBe(38); // the non-comment lines of the file
    expect(dump.problems).toEqual([]);
  });

  it('splits end-of-line #BAD: flags off the value and collects #CMD: lines', () => {
    const dump = loadFixture('Fideltronik_INIGO__Viper_1200__nutdrv_qx__2.7.3.1__01.dev');
    expect(dump.vars.get('ups.delay.shutdown')).toBe('60');
    expect(dump.flags.get('ups.delay.shutdown')).toEqual({ bad: 'UPS ignores this; constant 30 second delay' });
    expect(dump.vars.get('ups.temperature')).toBe('25.0');
    expect(dump.commands).toEqual(['beeper.toggle', 'load.off', 'load.on', 'shutdown.stop', 'shutdown.return', 'shutdown.stayoff']);
    expect(dump.vars.get('ups.firmware')).toBe('VER 1.00');
  });

  it('parses every fixture without problems', () => {
    const all = fixturesForDrivers(['apcsmart', 'blazer_ser', 'nutdrv_qx']);
    expect(all).toHaveLength(6);
    for (const f of all) {
      const dump = loadFixture(f);
      expect(dump.problems).toEqual([]);
      expect(dump.vars.get('ups.status')).toMatch(/^(OL|OB)/);
    }
  });

  it('reads .seq TIMER steps as changes over time', () => {
    const parsed = parseNutDump('ups.status: OL\nbattery.charge: 100\nTIMER 300\nups.status: OB DISCHRG\nTIMER 60\nups.status: OB LB DISCHRG\n');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.vars).toEqual(new Map([['ups.status', 'OL'], ['battery.charge', '100']]));
    expect(parsed.value.timeline.map((s) => [s.afterSec, Object.fromEntries(s.changes)])).toEqual([
      [300, { 'ups.status': 'OB DISCHRG' }],
      [60, { 'ups.status': 'OB LB DISCHRG' }],
    ]);
  });

  it('reports unusable lines by number and keeps going', () => {
    const parsed = parseNutDump('ups.status: OL\nno colon here\nbad name!: 1\nTIMER soon\nups.status: OB\n');
    expect(parsed.ok && parsed.value.problems).toEqual([
      { line: 2, message: 'no "name: value" here: "no colon here"' },
      { line: 3, message: '"bad name!" is not a NUT variable name' },
      { line: 4, message: 'TIMER needs whole seconds, got "soon"' },
      { line: 5, message: 'ups.status given again; the later value wins' },
    ]);
    expect(parsed.ok && parsed.value.vars.get('ups.status')).toBe('OB');
  });

  it('refuses oversized input and caps the variable count', () => {
    const huge = parseNutDump('x'.repeat(NUT_DUMP_MAX_CHARS + 1));
    expect(huge).toEqual({ ok: false, error: expect.stringContaining('more than the') });
    const many = Array.from({ length: NUT_DUMP_MAX_VARS + 5 }, (_, i) => `v.n${i}: ${i}`).join('\n');
    const parsed = parseNutDump(many);
    expect(parsed.ok && parsed.value.vars.size).toBe(NUT_DUMP_MAX_VARS);
    expect(parsed.ok && parsed.value.problems.at(-1)?.message).toMatch(/more than 2048 variables/);
  });

  it('never throws on arbitrary text and keeps its collections bounded', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000, unit: 'binary' }), (input) => {
        const parsed = parseNutDump(input);
        expect(parsed.ok).toBe(true);
        if (parsed.ok) expect(parsed.value.vars.size).toBeLessThanOrEqual(NUT_DUMP_MAX_VARS);
      }),
    );
  });
});
