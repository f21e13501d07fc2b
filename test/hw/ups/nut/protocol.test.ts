// NUT line syntax: word splitting, quoting, framing and the answer collectors.

import fc from 'fast-check';
import { listCollector, singleCollector } from '../../../../hw/ups/nut/collectors';
import { NutLineFramer } from '../../../../hw/ups/nut/lineFramer';
import { isNutErrorCode, quoteNut, splitNutWords } from '../../../../hw/ups/nut/protocol';
import { ok } from '../../../../hw/ups/result';

describe('splitNutWords', () => {
  it('splits upsd answers, honouring quotes and escapes', () => {
    expect(splitNutWords('VAR su ups.model "Smart-UPS 1500"')).toEqual(ok(['VAR', 'su', 'ups.model', 'Smart-UPS 1500']));
    expect(splitNutWords('VAR su x "say \\"hi\\" \\\\ ok"')).toEqual(ok(['VAR', 'su', 'x', 'say "hi" \\ ok']));
    expect(splitNutWords('VAR su x ""')).toEqual(ok(['VAR', 'su', 'x', '']));
    expect(splitNutWords('  LIST   UPS  ')).toEqual(ok(['LIST', 'UPS']));
  });

  it('rejects an unterminated quote, a trailing backslash and too many words with a reason', () => {
    expect(splitNutWords('VAR su x "open')).toEqual({ ok: false, error: 'unterminated quoted string' });
    expect(splitNutWords('abc\\')).toEqual({ ok: false, error: 'line ends with a lone backslash' });
    expect(splitNutWords('a b c d', 3)).toEqual({ ok: false, error: 'more than 3 words' });
  });

  it('round-trips any value through quoteNut (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 40 }), { minLength: 1, maxLength: 6 }), (values) => {
        const clean = values.map((v) => v.replace(/[\n]/g, ''));
        const line = clean.map(quoteNut).join(' ');
        expect(splitNutWords(line)).toEqual(ok(clean));
      }),
    );
  });

  it('never throws and stays bounded on arbitrary input (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (line) => {
        const r = splitNutWords(line, 10);
        if (r.ok) {
          expect(r.value.length).toBeLessThanOrEqual(10);
          expect(r.value.join('').length).toBeLessThanOrEqual(line.length);
        } else expect(r.error.length).toBeGreaterThan(0);
      }),
    );
  });
});

describe('NutLineFramer', () => {
  it('splits on LF, drops a CR before it, and reports an overlong line as one overflow', () => {
    const f = new NutLineFramer(8);
    expect(f.push(Buffer.from('OK\r\nVER'))).toEqual([{ kind: 'line', text: 'OK' }]);
    expect(f.push(Buffer.from('\n0123456789abc\nEND\n'))).toEqual([
      { kind: 'line', text: 'VER' },
      { kind: 'overflow', droppedBytes: 13 },
      { kind: 'line', text: 'END' },
    ]);
  });

  it('never holds more than the limit whatever the chunks (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 20 }), (chunks) => {
        const f = new NutLineFramer(16);
        for (const c of chunks) {
          for (const frame of f.push(c)) if (frame.kind === 'line') expect(Buffer.byteLength(frame.text, 'latin1')).toBeLessThanOrEqual(64);
          expect(f.pendingBytes).toBeLessThanOrEqual(16);
        }
      }),
    );
  });
});

describe('collectors', () => {
  it('turns ERR lines into server errors and checks single answers', () => {
    const c = singleCollector((l) => (l === 'OK' ? ok(1) : { ok: false, error: 'not OK' }));
    expect(c('ERR ACCESS-DENIED')).toEqual({ kind: 'server-error', code: 'ACCESS-DENIED', extra: '', reply: 'ERR ACCESS-DENIED' });
    expect(c('OK')).toEqual({ kind: 'done', value: 1 });
    expect(c('NOPE')).toMatchObject({ kind: 'bad', message: 'not OK' });
    expect(isNutErrorCode('DATA-STALE')).toBe(true);
    expect(isNutErrorCode('ACCESS')).toBe(false);
  });

  it('collects a LIST block and refuses foreign lines and overlong lists', () => {
    const pick = (w: string[]) => (w[0] === 'VAR' && w[1] === 'su' && w.length === 4 ? ok(w[2]!) : null);
    const c = listCollector(['VAR', 'su'], 2, pick);
    expect(c('BEGIN LIST VAR su')).toEqual({ kind: 'more' });
    expect(c('VAR su a "1"')).toEqual({ kind: 'more' });
    expect(c('END LIST VAR su')).toEqual({ kind: 'done', value: ['a'] });
    expect(listCollector(['VAR', 'su'], 2, pick)('BEGIN LIST VAR other')).toMatchObject({ kind: 'bad' });
    const small = listCollector(['VAR', 'su'], 1, pick);
    small('BEGIN LIST VAR su');
    small('VAR su a "1"');
    expect(small('VAR su b "2"')).toMatchObject({ kind: 'too-many' });
    const foreign = listCollector(['VAR', 'su'], 5, pick);
    foreign('BEGIN LIST VAR su');
    expect(foreign('VAR other a "1"')).toMatchObject({ kind: 'bad' });
  });
});
