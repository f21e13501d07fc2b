import fc from 'fast-check';
import { MEGATEC_MAX_LINE_BYTES, MegatecLineFramer, type MegatecFrame } from '../../../../hw/ups/megatec/framer';
import { bytes } from '../helpers';

function feedChunks(framer: MegatecLineFramer, data: Uint8Array, cuts: number[]): MegatecFrame[] {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const frames: MegatecFrame[] = [];
  let start = 0;
  for (const p of [...points, data.length]) {
    frames.push(...framer.push(data.slice(start, p)));
    start = p;
  }
  return frames;
}

describe('MegatecLineFramer', () => {
  it('splits CR-terminated answers, skips the LF of CR LF, keeps partial lines', () => {
    const f = new MegatecLineFramer();
    expect(f.push(bytes('(230.0 230.0 230.0 010 50.0 27.0 25.0 00001001\r#22'))).toEqual([
      { kind: 'line', text: '(230.0 230.0 230.0 010 50.0 27.0 25.0 00001001' },
    ]);
    expect(f.pendingBytes).toBe(3);
    expect(f.push(bytes('0.0 000 024.0 50.0\r\n'))).toEqual([{ kind: 'line', text: '#220.0 000 024.0 50.0' }]);
  });

  it('drops an overlong line whole, reports its size once, then recovers', () => {
    const f = new MegatecLineFramer(8);
    expect(f.push(bytes('0123456789ABC'))).toEqual([]);
    expect(f.pendingBytes).toBe(0);
    expect(f.push(bytes('\rok\r'))).toEqual([
      { kind: 'overflow', droppedBytes: 13 },
      { kind: 'line', text: 'ok' },
    ]);
  });

  it('reset drops a partial line (the flush before a command)', () => {
    const f = new MegatecLineFramer();
    f.push(bytes('(230.0 23'));
    expect(f.reset()).toBe(9);
    expect(f.push(bytes('Q1\r'))).toEqual([{ kind: 'line', text: 'Q1' }]);
  });

  it('never throws, stays bounded and never emits a line over the limit, on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.array(fc.nat(), { maxLength: 10 }), fc.integer({ min: 1, max: 64 }), (data, cuts, max) => {
        const f = new MegatecLineFramer(max);
        const frames = feedChunks(f, data, cuts);
        expect(f.pendingBytes).toBeLessThanOrEqual(max);
        for (const fr of frames) {
          if (fr.kind === 'line') {
            expect(fr.text.length).toBeGreaterThan(0);
            expect(fr.text.length).toBeLessThanOrEqual(max);
            expect(fr.text).not.toMatch(/[\r\n]/);
          }
        }
      }),
    );
  });

  it('frames the same way however the bytes are chunked', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.array(fc.nat(), { maxLength: 12 }), (data, cuts) => {
        const whole = new MegatecLineFramer(32).push(data);
        expect(feedChunks(new MegatecLineFramer(32), data, cuts)).toEqual(whole);
      }),
    );
  });

  it('returns every line of a valid stream unchanged', () => {
    const line = fc.string({ minLength: 1, maxLength: MEGATEC_MAX_LINE_BYTES, unit: fc.constantFrom(...'()#.0123456789 @ABCxyz') });
    fc.assert(
      fc.property(fc.array(line, { maxLength: 8 }), (lines) => {
        const frames = new MegatecLineFramer().push(bytes(lines.map((l) => `${l}\r`).join('')));
        expect(frames).toEqual(lines.map((text) => ({ kind: 'line', text })));
      }),
    );
  });
});
