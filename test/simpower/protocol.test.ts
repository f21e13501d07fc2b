import fc from 'fast-check';
import { LineReader, MAX_LINE_BYTES, parseCommandLine, parseReply } from '../../src/simpower/protocol';

describe('parseCommandLine', () => {
  it('parses the five commands and ignores blank lines', () => {
    expect(parseCommandLine('LIST')).toEqual({ kind: 'command', command: { verb: 'LIST' } });
    expect(parseCommandLine(' reboot\tp-1 ')).toEqual({ kind: 'command', command: { verb: 'REBOOT', plug: 'p-1' } });
    expect(parseCommandLine('   ')).toEqual({ kind: 'empty' });
  });

  it('never throws, and every error reply is one printable ASCII line starting with ERR', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 140 }), (line) => {
        const r = parseCommandLine(line);
        if (r.kind === 'error') expect(r.reply).toMatch(/^ERR [\x20-\x7e]+$/);
        if (r.kind === 'command' && r.command.verb !== 'LIST') expect(r.command.plug).toMatch(/^[\x21-\x7e]+$/);
      }),
    );
  });
});

describe('parseReply', () => {
  it('separates OK, ERR and garbage', () => {
    expect(parseReply('OK OFF')).toEqual({ kind: 'ok', text: 'OFF' });
    expect(parseReply('OK')).toEqual({ kind: 'ok', text: '' });
    expect(parseReply('ERR relay fault')).toEqual({ kind: 'err', message: 'relay fault' });
    expect(parseReply('OKAY')).toEqual({ kind: 'garbage', reason: 'unexpected reply "OKAY"' });
    expect(parseReply('OK \u0000').kind).toBe('garbage');
  });
});

describe('LineReader', () => {
  it('reassembles lines split anywhere, and never returns a line over the limit', () => {
    const shortLine = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\r'), maxLength: 40 });
    fc.assert(
      fc.property(fc.array(shortLine, { maxLength: 10 }), fc.array(fc.integer({ min: 1, max: 50 }), { maxLength: 20 }), (lines, cuts) => {
        const bytes = Buffer.from(lines.map((l) => `${l}\n`).join(''), 'latin1');
        const reader = new LineReader();
        const got: string[] = [];
        let offset = 0;
        for (const cut of [...cuts, bytes.length]) {
          const r = reader.feed(bytes.subarray(offset, Math.min(bytes.length, offset + cut)));
          expect(r.overflow).toBe(false);
          got.push(...r.lines);
          offset = Math.min(bytes.length, offset + cut);
        }
        // A trailing \r belongs to the terminator, not to the line.
        expect(got).toEqual(lines.map((l) => l.replace(/\r$/, '')));
      }),
    );
  });

  it('flags overflow for any line longer than the limit, fed in any chunking, and stays poisoned', () => {
    fc.assert(
      fc.property(fc.integer({ min: MAX_LINE_BYTES + 1, max: 1000 }), fc.integer({ min: 1, max: 300 }), (length, chunk) => {
        const reader = new LineReader();
        const data = Buffer.from(`${'x'.repeat(length)}\n`);
        let overflow = false;
        for (let i = 0; i < data.length && !overflow; i += chunk) {
          const r = reader.feed(data.subarray(i, i + chunk));
          expect(r.lines).toEqual([]);
          overflow = r.overflow;
        }
        expect(overflow).toBe(true);
        expect(reader.feed(Buffer.from('LIST\n'))).toEqual({ lines: [], overflow: true });
      }),
    );
  });
});
