import fc from 'fast-check';
import { APC_ALERT_CHARS } from '../../../../hw/ups/apcsmart/alerts';
import { ApcSmartFramer, type ApcFrame } from '../../../../hw/ups/apcsmart/framer';
import { bytes } from '../helpers';

const ALERTS = Object.keys(APC_ALERT_CHARS);
/** Bytes that can appear in an ordinary answer: everything but alerts, CR and LF. */
const ANSWER_CHARS = [...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz .:/-_()[]'];

const lines = (frames: ApcFrame[]) => frames.filter((f) => f.kind === 'line').map((f) => (f as { text: string }).text);
const alerts = (frames: ApcFrame[]) => frames.filter((f) => f.kind === 'alert').map((f) => (f as { alert: { char: string } }).alert.char);

describe('ApcSmartFramer', () => {
  it('ends lines at LF and ignores CR', () => {
    expect(new ApcSmartFramer().push(bytes('SM\r\n08\r\n027.8'))).toEqual([
      { kind: 'line', text: 'SM' },
      { kind: 'line', text: '08' },
    ]);
  });

  it('pulls an alert out of the middle of a reply and still assembles the reply', () => {
    expect(new ApcSmartFramer().push(bytes('SMART!-UPS 2200\r\n'))).toEqual([
      { kind: 'alert', alert: { char: '!', kind: 'on-battery' } },
      { kind: 'line', text: 'SMART-UPS 2200' },
    ]);
  });

  it('maps each alert byte of the reference to its meaning', () => {
    const frames = new ApcSmartFramer().push(bytes('!$%+?=*#&|'));
    expect(frames.map((f) => (f.kind === 'alert' ? f.alert.kind : f.kind))).toEqual([
      'on-battery',
      'on-line',
      'low-battery',
      'battery-ok',
      'abnormal',
      'abnormal-cleared',
      'turning-off',
      'replace-battery',
      'check-alarm-register',
      'eeprom-changed',
    ]);
  });

  it('leaves alert characters in the text in raw mode (the `a` answer lists them)', () => {
    const f = new ApcSmartFramer();
    f.setMode('raw');
    expect(f.push(bytes('3.!$%+?=#|.ABC\r\n'))).toEqual([{ kind: 'line', text: '3.!$%+?=#|.ABC' }]);
  });

  it('finds an alert at every position of every reply, CR LF included', () => {
    const replies = ['SM', '08', '027.8', '0062:', 'SMART-UPS 2200', 'NA', ''];
    for (const reply of replies) {
      const wire = `${reply}\r\n`;
      for (let at = 0; at <= wire.length; at++) {
        for (const a of ALERTS) {
          const frames = new ApcSmartFramer().push(bytes(wire.slice(0, at) + a + wire.slice(at)));
          expect({ reply, at, a, lines: lines(frames), alerts: alerts(frames) }).toEqual({ reply, at, a, lines: [reply], alerts: [a] });
        }
      }
    }
  });

  it('separates any interleaving of alerts and replies, however chunked (property)', () => {
    const reply = fc.string({ maxLength: 40, unit: fc.constantFrom(...ANSWER_CHARS) });
    const insertion = fc.record({ at: fc.nat(), chars: fc.string({ minLength: 1, maxLength: 3, unit: fc.constantFrom(...ALERTS) }) });
    fc.assert(
      fc.property(fc.array(reply, { minLength: 1, maxLength: 5 }), fc.array(insertion, { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 6 }), (replies, inserts, cuts) => {
        let wire = replies.map((r) => `${r}\r\n`).join('');
        let expectedAlerts = '';
        // Insert at ascending positions so the expected alert order is the insertion order along the wire.
        const sorted = inserts.map((i) => ({ ...i, at: i.at % (wire.length + 1) })).sort((x, y) => x.at - y.at);
        let shift = 0;
        for (const ins of sorted) {
          const at = ins.at + shift;
          wire = wire.slice(0, at) + ins.chars + wire.slice(at);
          shift += ins.chars.length;
          expectedAlerts += ins.chars;
        }
        const data = bytes(wire);
        const f = new ApcSmartFramer();
        const frames: ApcFrame[] = [];
        let start = 0;
        for (const c of [...cuts.map((c) => c % (data.length + 1)).sort((a, b) => a - b), data.length]) {
          frames.push(...f.push(data.slice(start, Math.max(start, c))));
          start = Math.max(start, c);
        }
        expect(lines(frames)).toEqual(replies);
        expect(alerts(frames).join('')).toBe(expectedAlerts);
      }),
    );
  });

  it('never throws and stays bounded on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 800 }), fc.integer({ min: 1, max: 64 }), fc.boolean(), (data, max, raw) => {
        const f = new ApcSmartFramer(max);
        if (raw) f.setMode('raw');
        const frames = f.push(data);
        expect(f.pendingBytes).toBeLessThanOrEqual(max);
        for (const fr of frames) if (fr.kind === 'line') expect(fr.text.length).toBeLessThanOrEqual(max);
      }),
    );
  });

  it('drops an overlong line whole and reports it once', () => {
    const f = new ApcSmartFramer(4);
    expect(f.push(bytes('ABCDEFG!\r\nOK\r\n'))).toEqual([
      { kind: 'alert', alert: { char: '!', kind: 'on-battery' } },
      { kind: 'overflow', droppedBytes: 7 },
      { kind: 'line', text: 'OK' },
    ]);
  });
});
