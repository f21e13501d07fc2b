import fc from 'fast-check';
import { LineSplitter } from '../../../src/shell/control/lineSplitter';
import { parseReplyLine, parseRequestLine } from '../../../src/shell/control/protocol';

/** Cuts `buf` at the given (sorted, deduplicated) offsets. */
function cut(buf: Buffer, offsets: number[]): Buffer[] {
  const points = [...new Set(offsets.map((o) => o % (buf.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    chunks.push(buf.subarray(prev, p));
    prev = p;
  }
  chunks.push(buf.subarray(prev));
  return chunks;
}

const lineText = fc.string({ unit: 'grapheme', maxLength: 40 }).filter((s) => !s.includes('\n') && !s.includes('\r'));

describe('LineSplitter', () => {
  it('yields the same lines however the stream is chunked (multi-byte characters included)', () => {
    fc.assert(
      fc.property(fc.array(lineText, { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 30 }), (lines, offsets) => {
        const bytes = Buffer.from(lines.map((l) => l + '\n').join(''));
        const splitter = new LineSplitter(1000);
        const out: string[] = [];
        for (const chunk of cut(bytes, offsets)) {
          const r = splitter.push(chunk);
          expect(r.ok).toBe(true);
          out.push(...r.lines);
        }
        expect(out).toEqual(lines.filter((l) => l.length > 0));
        expect(splitter.bufferedBytes).toBe(0);
      }),
    );
  });

  it('fails exactly when a line is longer than the bound, and never returns a longer line', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 30 }).map((s) => s.replace(/[\r\n]/g, 'x')), { maxLength: 10 }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (lines, max, offsets) => {
          const bytes = Buffer.from(lines.map((l) => l + '\n').join(''));
          const splitter = new LineSplitter(max);
          let failed = false;
          const out: string[] = [];
          for (const chunk of cut(bytes, offsets)) {
            const r = splitter.push(chunk);
            out.push(...r.lines);
            if (!r.ok) {
              failed = true;
              expect(r.error).toBe(`line exceeds ${max} bytes`);
            }
          }
          const tooLong = lines.some((l) => Buffer.byteLength(l) > max);
          expect(failed).toBe(tooLong);
          for (const l of out) expect(Buffer.byteLength(l)).toBeLessThanOrEqual(max);
        },
      ),
    );
  });

  it('accepts a line of exactly the bound and strips a trailing CR', () => {
    const s = new LineSplitter(4);
    // The CR counts towards the bound (it is a byte of the line) but is not returned.
    expect(s.push(Buffer.from('abcd\nab\r\nabc'))).toEqual({ ok: true, lines: ['abcd', 'ab'] });
    expect(s.bufferedBytes).toBe(3);
    expect(s.push(Buffer.from('de')).ok).toBe(false);
    // Once failed it stays failed.
    expect(s.push(Buffer.from('\nx\n')).ok).toBe(false);
    expect(s.finish()).toBeUndefined();
  });

  it('hands out an unterminated last line at end of input', () => {
    const s = new LineSplitter(10);
    expect(s.push(Buffer.from('a\nbc'))).toEqual({ ok: true, lines: ['a'] });
    expect(s.finish()).toBe('bc');
    expect(s.finish()).toBeUndefined();
  });
});

describe('parseRequestLine / parseReplyLine', () => {
  it('never throw on arbitrary input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (line) => {
        const req = parseRequestLine(line);
        if (!req.ok) expect(req.error.length).toBeGreaterThan(0);
        const rep = parseReplyLine(line);
        expect(['response', 'event', 'stream-error', 'invalid']).toContain(rep.kind);
      }),
    );
  });

  it('reads a well-formed request and names what is wrong with a bad one', () => {
    expect(parseRequestLine('{"id":7,"cmd":"status","args":{"verbose":true}}')).toEqual({
      ok: true,
      request: { id: 7, cmd: 'status', args: { verbose: true } },
    });
    expect(parseRequestLine('{"cmd":"status"}')).toEqual({ ok: true, request: { id: null, cmd: 'status', args: {} } });
    expect(parseRequestLine('{"id":3,"cmd":""}')).toEqual({
      ok: false,
      id: 3,
      error: 'invalid request: cmd must be a non-empty string',
    });
    expect(parseRequestLine('{"id":3,"cmd":"x","args":[1]}')).toEqual({
      ok: false,
      id: 3,
      error: 'invalid request: args must be a JSON object',
    });
    expect(parseRequestLine('{"id":{},"cmd":"x"}')).toMatchObject({ ok: false, id: null });
    const bad = parseRequestLine('{"id":1,');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatch(/^invalid JSON: /);
  });

  it('tells responses, events and a stream error apart', () => {
    expect(parseReplyLine('{"id":1,"ok":true,"result":5}')).toEqual({
      kind: 'response',
      response: { id: 1, ok: true, result: 5 },
    });
    expect(parseReplyLine('{"id":1,"ok":false,"error":"nope"}')).toEqual({
      kind: 'response',
      response: { id: 1, ok: false, error: 'nope' },
    });
    expect(parseReplyLine('{"event":{"type":"x"}}')).toEqual({ kind: 'event', event: { type: 'x' } });
    expect(parseReplyLine('{"error":"watcher too slow"}')).toEqual({ kind: 'stream-error', error: 'watcher too slow' });
    expect(parseReplyLine('{"id":1,"ok":false}').kind).toBe('invalid');
  });
});
