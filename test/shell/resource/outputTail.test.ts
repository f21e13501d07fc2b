import fc from 'fast-check';
import { interpretExitCode } from '../../../src/shell/resource/commandResource';
import { ocfCodeName } from '../../../src/shell/resource/ocfCodes';
import { TailBuffer, lastLine, sanitizeLine } from '../../../src/shell/resource/outputTail';

describe('TailBuffer', () => {
  it('keeps exactly the last maxBytes of everything pushed', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 30 }), fc.integer({ min: 0, max: 600 }), (chunks, max) => {
        const tail = new TailBuffer(max);
        for (const c of chunks) tail.push(Buffer.from(c));
        const all = Buffer.concat(chunks.map((c) => Buffer.from(c)));
        const expected = all.subarray(Math.max(0, all.length - max));
        expect(tail.size).toBe(expected.length);
        expect(tail.dropped).toBe(all.length - expected.length);
      }),
    );
  });

  it('drops a multi-byte character cut in half at the start of the tail', () => {
    const tail = new TailBuffer(4);
    tail.push(Buffer.from('xé€')); // 1 + 2 + 3 bytes; the last 4 cut "é" in half
    expect(tail.text()).toBe('€');
  });
});

describe('lastLine / sanitizeLine', () => {
  it('returns the last non-blank line', () => {
    expect(lastLine('first\nsecond\r\n\n  \n')).toBe('second');
    expect(lastLine('')).toBe('');
    expect(lastLine('\n\n')).toBe('');
  });

  it('never yields control characters or more than 200 characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const line = lastLine(text);
        expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
        expect(line.length).toBeLessThanOrEqual(200);
        expect(sanitizeLine(text).length).toBeLessThanOrEqual(200);
      }),
    );
  });

  it('marks a cut line with an ellipsis', () => {
    const line = sanitizeLine('x'.repeat(500));
    expect(line).toHaveLength(200);
    expect(line.endsWith('…')).toBe(true);
  });
});

describe('interpretExitCode (OCF contract)', () => {
  it('only 0 means success for start; 0 and 7 for stop and monitor; only monitor 0 means running', () => {
    fc.assert(
      fc.property(fc.constantFrom('start' as const, 'stop' as const, 'monitor' as const), fc.integer({ min: 0, max: 255 }), (action, code) => {
        const r = interpretExitCode(action, code);
        const okCodes = action === 'start' ? [0] : [0, 7];
        expect(r.ok).toBe(okCodes.includes(code));
        expect(r.running).toBe(code === 0 && action !== 'stop');
        if (!r.ok) expect(r.summary).toContain(ocfCodeName(code));
      }),
    );
  });
});
