import { decodeInfo, decodeQ1Status, decodeRatings, type Q1Status } from '../../../../hw/ups/megatec/decode';
import { formatStatus } from '../../../../hw/ups/model';
import { q1ToReading, ratingsToVars } from '../../../../hw/ups/megatec/toReading';

function q1(line: string): Q1Status {
  const r = decodeQ1Status(line);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

describe('Q1 status line (reference §2.4)', () => {
  it('decodes the spec example field by field', () => {
    const s = q1('(208.4 140.0 208.4 034 59.9 2.05 35.0 00110000');
    expect(s).toEqual({
      inputVoltage: 208.4,
      inputFaultVoltage: 140.0,
      outputVoltage: 208.4,
      loadPercent: 34,
      inputFrequencyHz: 59.9,
      batteryVoltage: 2.05,
      batteryVoltagePerCell: true,
      temperatureC: 35.0,
      bits: {
        utilityFail: false,
        batteryLow: false,
        bypassOrAvr: true,
        upsFailed: true,
        standbyType: false,
        testInProgress: false,
        shutdownActive: false,
        beeperOn: false,
      },
    });
    // "online type, UPS failed, bypass active": in == out, so NUT calls b5 BYPASS
    const mapped = q1ToReading(s, { batteryCells: 12 });
    expect(formatStatus(mapped.reading['ups.status'])).toBe('ALARM OL BYPASS');
    expect(mapped.reading['ups.type']).toBe('online');
    expect(mapped.reading['ups.alarm']).toBe('UPS selftest failed!');
    expect(mapped.reading['battery.voltage']).toBe(24.6);
  });

  it("decodes NUT's test-table line and its standby comment line", () => {
    const a = q1ToReading(q1('(215.0 195.0 230.0 014 49.0 22.7 30.0 00000000')).reading;
    expect(a).toMatchObject({
      'ups.status': ['OL'],
      'input.voltage': 215,
      'input.voltage.fault': 195,
      'output.voltage': 230,
      'ups.load': 14,
      'input.frequency': 49,
      'battery.voltage': 22.7,
      'ups.temperature': 30,
      'ups.type': 'online',
      'ups.beeper.status': 'disabled',
    });
    const b = q1ToReading(q1('(226.0 195.0 226.0 014 49.0 27.5 30.0 00001000')).reading;
    expect(b['ups.type']).toBe('offline / line interactive');
    expect(b['ups.status']).toEqual(['OL']);
  });

  // The E1 observations on Debian 12: Q1 bits → ups.status through upsd.
  it.each([
    ['00001001', 230.4, 229.8, 'OL'],
    ['10001001', 230.4, 229.8, 'OB'],
    ['11001001', 230.4, 229.8, 'OB LB'],
    ['00001101', 230.4, 229.8, 'OL CAL'],
    ['00001011', 230.4, 229.8, 'OL FSD'],
    ['00101001', 230.4, 229.8, 'OL BYPASS'],
    ['00111001', 196.0, 229.8, 'ALARM OL BOOST'],
    ['00101001', 240.0, 220.0, 'OL TRIM'],
  ])('bits %s (in %d V, out %d V) → %s', (bits, inV, outV, status) => {
    const line = `(${inV.toFixed(1).padStart(5, '0')} ${inV.toFixed(1).padStart(5, '0')} ${outV.toFixed(1)} 021 50.0 13.6 25.0 ${bits}`;
    expect(formatStatus(q1ToReading(q1(line)).reading['ups.status'])).toBe(status);
  });

  it('drops FSD when the unit always sets the shutdown bit (ignoresab)', () => {
    const s = q1('(230.4 230.4 229.8 021 50.0 13.6 25.0 00001011');
    expect(q1ToReading(s, { ignoreShutdownBit: true }).reading['ups.status']).toEqual(['OL']);
  });

  it('warns instead of guessing when b5 comes with impossible voltages', () => {
    const m = q1ToReading(q1('(000.0 000.0 229.8 021 50.0 13.6 25.0 10101001'));
    expect(m.reading['ups.status']).toEqual(['OB']);
    expect(m.warnings).toEqual(['Q1 bit b5 (bypass/boost/buck) is set but input or output voltage is unknown; no token set']);
  });

  it('leaves a per-cell battery voltage out when the cell count is unknown', () => {
    const m = q1ToReading(q1('(208.4 140.0 208.4 034 59.9 2.05 35.0 00000000'));
    expect(m.reading['battery.voltage']).toBeUndefined();
    expect(m.warnings[0]).toMatch(/per cell/);
    expect(q1ToReading(q1('(208.4 140.0 208.4 034 59.9 2.05 35.0 00000000'), { batteryVoltageNominal: 48 }).reading['battery.voltage']).toBe(49.2);
  });

  it('reads @-filled fields as not available', () => {
    const s = q1('(@@@.@ 140.0 208.4 @@@ 59.9 @@.@ @@.@ 00000000');
    expect(s.inputVoltage).toBeUndefined();
    expect(s.loadPercent).toBeUndefined();
    expect(s.batteryVoltage).toBeUndefined();
    expect(s.temperatureC).toBeUndefined();
    expect(s.inputFaultVoltage).toBe(140);
  });

  it.each([
    ['(208.4 140.0 208.4 034 59.9 2.05 35.0 0011000', 'Q1 answer must be "(" and 45 more bytes, got 45 bytes'],
    ['208.4 140.0 208.4 034 59.9 2.05 35.0 001100000', 'Q1 answer must be "(" and 45 more bytes, got 46 bytes'],
    ['(208.4 140.0 208.4 034 59.9 2.05 35.0 0011000X', 'Q1 status bits (offset 38) must be 8 of "0"/"1", got "0011000X"'],
    ['(208.4 140.0 208.4 0x4 59.9 2.05 35.0 00110000', 'Q1 answer: loadPercent at offsets 19-21 is not a number: "0x4"'],
    ['(208.4-140.0 208.4 034 59.9 2.05 35.0 00110000', 'Q1 answer: expected a space at offset 6 after inputVoltage, got "-"'],
  ])('rejects %j: %s', (line, message) => {
    const r = decodeQ1Status(line);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(message);
  });
});

describe('F and I answers (reference §2.5)', () => {
  it("decodes NUT's F example into nominal values", () => {
    const r = decodeRatings('#220.0 000 024.0 50.0');
    expect(r).toEqual({ ok: true, value: { ratedVoltage: 220, ratedCurrent: 0, batteryVoltage: 24, ratedFrequencyHz: 50 } });
    expect(r.ok && ratingsToVars(r.value)).toEqual({
      'input.voltage.nominal': 220,
      'input.current.nominal': 0,
      'battery.voltage.nominal': 24,
      'input.frequency.nominal': 50,
    });
    expect(decodeRatings('#220.0 003 12.00 50.0')).toEqual({ ok: true, value: { ratedVoltage: 220, ratedCurrent: 3, batteryVoltage: 12, ratedFrequencyHz: 50 } });
  });

  it('decodes the I example and the Debian 12 check line', () => {
    expect(decodeInfo('#-------------   ------     VT12046Q  ')).toEqual({ ok: true, value: { company: '-------------', model: '------', version: 'VT12046Q' } });
    expect(decodeInfo('#SIMULATED UPS   MEGA-1000  V1.0      ')).toEqual({ ok: true, value: { company: 'SIMULATED UPS', model: 'MEGA-1000', version: 'V1.0' } });
  });

  it('rejects wrong lengths and bad bytes with the reason', () => {
    expect(decodeRatings('#220.0 000 024.0 50')).toEqual({ ok: false, error: 'F answer must be "#" and 20 more bytes, got 19 bytes: "#220.0 000 024.0 50"' });
    expect(decodeInfo('#SIMULATED UPS   MEGA-1000  V1.0     ').ok).toBe(false);
    expect(decodeInfo('#SIMULATED UPS  XMEGA-1000  V1.0      ')).toEqual({ ok: false, error: 'I answer needs spaces at offsets 16 and 27: "#SIMULATED UPS  XMEGA-1000  V1.0      "' });
    expect(decodeInfo('#SIMULATED UPS   MEGA-1000  V1.0\x00     ')).toEqual({ ok: false, error: 'I answer has non-printable bytes: "#SIMULATED UPS   MEGA-1000  V1.0\\x00     "' });
  });
});
