import { decodeProtocolInfo, encodeShutdownReturnAfter } from '../../../../hw/ups/apcsmart/commands';
import { apcStatusBits, apcStatusTokens, applyAlertToStatus, decodeApcStatus, encodeApcStatus } from '../../../../hw/ups/apcsmart/status';
import { APC_VARIABLES, apcVariableForLetter, decodeApcValue, encodeApcValue } from '../../../../hw/ups/apcsmart/variables';
import { formatStatus } from '../../../../hw/ups/model';

const v = (letter: string) => {
  const found = apcVariableForLetter(letter);
  if (!found) throw new Error(`no variable for ${letter}`);
  return found;
};

describe('Q status bitmap (reference §4.3)', () => {
  it.each([
    ['08', 'OL'],
    ['10', 'OB'],
    ['50', 'OB LB'],
    ['48', 'OL LB'],
    ['0A', 'OL TRIM'],
    ['0C', 'OL BOOST'],
    ['09', 'OL CAL'],
    ['28', 'OL OVER'],
    ['88', 'OL RB'],
    ['00', 'OFF'],
    ['ff', 'OL OB LB RB CAL OVER TRIM BOOST'],
  ])('%s → %s', (hex, status) => {
    const d = decodeApcStatus(hex);
    expect(d.ok && formatStatus(d.value.tokens)).toBe(status);
  });

  it('treats SM as "not ready yet" and anything else as garbage', () => {
    expect(decodeApcStatus('SM')).toEqual({ ok: false, error: { notReady: true, message: 'Q answered SM: status not available yet' } });
    expect(decodeApcStatus('8')).toEqual({ ok: false, error: { notReady: false, message: 'Q answer must be two hex digits, got "8"' } });
    expect(decodeApcStatus('0G').ok).toBe(false);
  });

  it('round-trips every bitmap through tokens and hex', () => {
    for (let bits = 1; bits < 256; bits++) {
      expect(apcStatusBits(apcStatusTokens(bits))).toBe(bits);
      const d = decodeApcStatus(encodeApcStatus(bits));
      expect(d.ok && d.value.bits).toBe(bits);
    }
  });

  it('applies alerts as NUT alert_handler does', () => {
    let bits = 0x08;
    bits = applyAlertToStatus(bits, 'on-battery');
    expect(apcStatusTokens(bits)).toEqual(['OB']);
    bits = applyAlertToStatus(bits, 'low-battery');
    expect(apcStatusTokens(bits)).toEqual(['OB', 'LB']);
    bits = applyAlertToStatus(bits, 'abnormal');
    expect(apcStatusTokens(bits)).toEqual(['OB', 'LB', 'OVER']);
    bits = applyAlertToStatus(applyAlertToStatus(applyAlertToStatus(bits, 'on-line'), 'battery-ok'), 'abnormal-cleared');
    expect(apcStatusTokens(bits)).toEqual(['OL']);
    expect(apcStatusTokens(applyAlertToStatus(bits, 'replace-battery'))).toEqual(['OL', 'RB']);
    expect(applyAlertToStatus(bits, 'eeprom-changed')).toBe(bits);
  });
});

describe('query answers → NUT values (NUT apc_vartab conversions)', () => {
  it('converts runtime minutes with their colon, hours, and plain decimals', () => {
    expect(decodeApcValue(v('j'), '0327:')).toEqual({ ok: true, value: 19_620 });
    expect(decodeApcValue(v('q'), '02')).toEqual({ ok: true, value: 120 });
    expect(decodeApcValue(v('E'), '336')).toEqual({ ok: true, value: 1_209_600 });
    expect(decodeApcValue(v('E'), 'OFF')).toEqual({ ok: true, value: 0 });
    expect(decodeApcValue(v('f'), '099.0')).toEqual({ ok: true, value: 99 });
    expect(decodeApcValue(v('P'), '023.5')).toEqual({ ok: true, value: 23.5 });
    expect(decodeApcValue(v('G'), 'O')).toEqual({ ok: true, value: 'O' });
    expect(decodeApcValue(v('\x01'), 'SMART-UPS 700')).toEqual({ ok: true, value: 'SMART-UPS 700' });
  });

  it('names the variable and the bad answer', () => {
    expect(decodeApcValue(v('B'), '27,87')).toEqual({ ok: false, error: 'battery.voltage: "27,87" is not a number' });
    expect(decodeApcValue(v('j'), '12:34')).toEqual({ ok: false, error: 'battery.runtime: "12:34" is not whole minutes' });
    expect(decodeApcValue(v('n'), 'WS96\x07')).toEqual({ ok: false, error: 'ups.serial: answer has non-printable bytes: "WS96\\x07"' });
  });

  it('encodes NUT values back to the wire widths a UPS uses', () => {
    expect(encodeApcValue(v('j'), '3720')).toEqual({ ok: true, value: '0062:' });
    expect(encodeApcValue(v('q'), '120')).toEqual({ ok: true, value: '02' });
    expect(encodeApcValue(v('E'), '1209600')).toEqual({ ok: true, value: '336' });
    expect(encodeApcValue(v('P'), '004.5')).toEqual({ ok: true, value: '004.5' });
    expect(encodeApcValue(v('j'), 'soon').ok).toBe(false);
  });

  it('lists every letter once, with b before V for the firmware', () => {
    const letters = APC_VARIABLES.map((x) => x.letter);
    expect(new Set(letters).size).toBe(letters.length);
    expect(letters.indexOf('b')).toBeLessThan(letters.indexOf('V'));
  });
});

describe('command helpers', () => {
  it('encodes @nnn with three digits', () => {
    expect(encodeShutdownReturnAfter(5)).toEqual({ ok: true, value: '@005' });
    expect(encodeShutdownReturnAfter(999)).toEqual({ ok: true, value: '@999' });
    expect(encodeShutdownReturnAfter(1000).ok).toBe(false);
  });

  it("decodes the `a` answer as NUT's APC_CMDSET_FMT allows", () => {
    expect(decodeProtocolInfo('3.!$%+?=#|.\x01ABQY')).toEqual({ ok: true, value: { version: '3', alerts: '!$%+?=#|', commands: '\x01ABQY' } });
    expect(decodeProtocolInfo('3..ABC.XYZ')).toEqual({ ok: true, value: { version: '3', alerts: '', commands: 'ABC' } });
    expect(decodeProtocolInfo('x.!$.ABC').ok).toBe(false);
    expect(decodeProtocolInfo('3.!$.').ok).toBe(false);
  });
});
