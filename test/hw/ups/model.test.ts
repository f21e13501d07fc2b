import fc from 'fast-check';
import {
  criticalPower,
  formatStatus,
  parseStatus,
  UPS_STATUS_TOKENS,
  type UpsReading,
  type UpsStatusToken,
} from '../../../hw/ups/model';
import { readingFromNutVars, readingToNutVars } from '../../../hw/ups/nutVars';

const reading = (status: UpsStatusToken[]): UpsReading => ({ 'ups.status': status });

describe('ups.status text', () => {
  it('prints tokens in the order NUT 2.8.0 showed them', () => {
    expect(formatStatus(['BOOST', 'OL', 'ALARM'])).toBe('ALARM OL BOOST');
    expect(formatStatus(['LB', 'OB'])).toBe('OB LB');
    expect(formatStatus(['CAL', 'OL'])).toBe('OL CAL');
    expect(formatStatus(['FSD', 'OL', 'OL'])).toBe('OL FSD');
  });

  it('keeps unknown words apart instead of dropping them', () => {
    expect(parseStatus('  OB  LB WAIT ')).toEqual({ tokens: ['OB', 'LB'], unknown: ['WAIT'] });
    expect(parseStatus('')).toEqual({ tokens: [], unknown: [] });
  });

  it('round-trips any token set through text', () => {
    fc.assert(
      fc.property(fc.subarray([...UPS_STATUS_TOKENS]), (tokens) => {
        const parsed = parseStatus(formatStatus(tokens));
        expect(parsed.unknown).toEqual([]);
        expect(new Set(parsed.tokens)).toEqual(new Set(tokens));
      }),
    );
  });
});

describe('NUT variables ↔ reading', () => {
  it('types numbers strictly and maps legacy names', () => {
    const vars = new Map([
      ['ups.status', 'OL LB'],
      ['battery.charge', '089.0'],
      ['ups.load', '12V'],
      ['device.model', 'W1K'],
      ['beeper.status', 'disabled'],
      ['driver.name', 'apcsmart'],
    ]);
    const { reading: r, problems } = readingFromNutVars(vars);
    expect(r['ups.status']).toEqual(['OL', 'LB']);
    expect(r['battery.charge']).toBe(89);
    expect(r['ups.load']).toBeUndefined();
    expect(r['ups.model']).toBe('W1K');
    expect(r['ups.beeper.status']).toBe('disabled');
    expect(problems).toEqual(['ups.load is not a number: "12V"']);
    expect(readingToNutVars(r).get('ups.status')).toBe('OL LB');
  });

  it('prefers the current name over a legacy one', () => {
    const { reading: r } = readingFromNutVars(new Map([['ups.status', 'OL'], ['ups.model', 'A'], ['device.model', 'B']]));
    expect(r['ups.model']).toBe('A');
  });
});

describe('criticalPower (upsmon rules)', () => {
  // [status now, commLost, last status seen, critical?]
  const table: [string, boolean, string, boolean][] = [
    ['OL', false, 'OL', false],
    ['OB', false, 'OL', false],
    ['OB DISCHRG', false, 'OB', false],
    ['OL LB', false, 'OL', false],
    ['OB LB', false, 'OB', true],
    ['OB LB CAL', false, 'OB', false],
    ['OL FSD', false, 'OL', true],
    ['OB LB CAL FSD', false, 'OB', true],
    ['OL CAL', false, 'OL', false],
    ['OL', true, 'OL', false],
    ['OL', true, 'OB', true],
    ['OB LB', true, 'OL', false], // stale reading ignored: judged on the last status seen
    ['OL', true, 'OL FSD', true],
    ['OL', true, 'OB LB CAL', true],
    ['OL', true, '', false],
  ];
  it.each(table)('status %p, commLost %p, last %p → critical %p', (now, commLost, last, expected) => {
    const verdict = criticalPower(reading(parseStatus(now).tokens), { commLost, lastStatus: parseStatus(last).tokens });
    expect(verdict.critical).toBe(expected);
    expect(verdict.reason.length).toBeGreaterThan(5);
  });

  it('names the rule that fired', () => {
    expect(criticalPower(reading(['OB', 'LB']), { commLost: false, lastStatus: [] }).reason).toMatch(/on battery and battery low/);
    expect(criticalPower(null, { commLost: true, lastStatus: ['OB'] }).reason).toMatch(/communication .* lost .* on battery/);
    expect(criticalPower(reading(['FSD']), { commLost: false, lastStatus: [] }).reason).toMatch(/FSD/);
    expect(criticalPower(null, { commLost: false, lastStatus: ['OB', 'LB'] })).toEqual({ critical: false, reason: 'no reading from the UPS yet' });
  });

  it('is not swayed by tokens outside the rules', () => {
    const decisive: UpsStatusToken[] = ['OB', 'LB', 'CAL', 'FSD'];
    const neutral = UPS_STATUS_TOKENS.filter((t) => !decisive.includes(t));
    fc.assert(
      fc.property(fc.subarray(decisive), fc.subarray(neutral), fc.boolean(), (core, extra, commLost) => {
        const base = criticalPower(reading(core), { commLost, lastStatus: core });
        const noisy = criticalPower(reading([...core, ...extra]), { commLost, lastStatus: [...core, ...extra] });
        expect(noisy.critical).toBe(base.critical);
      }),
    );
  });
});
