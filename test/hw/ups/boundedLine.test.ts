import fc from 'fast-check';
import { BoundedLine, type EndedLine } from '../../../hw/ups/boundedLine';

function feed(line: BoundedLine, data: Uint8Array): void {
  for (const b of data) line.append(b);
}

describe('BoundedLine', () => {
  it('keeps a line of exactly maxBytes and hands it back on end', () => {
    const line = new BoundedLine(4);
    feed(line, Uint8Array.of(0x41, 0x42, 0x43, 0x44));
    expect(line.pendingBytes).toBe(4);
    expect(line.end()).toEqual({ kind: 'line', text: 'ABCD' });
    expect(line.pendingBytes).toBe(0);
  });

  it('keeps non-ASCII bytes as Latin-1 chars, one char per byte', () => {
    const line = new BoundedLine(8);
    feed(line, Uint8Array.of(0x00, 0x7f, 0x80, 0xff));
    expect(line.end()).toEqual({ kind: 'line', text: '\x00\x7f\x80\xff' });
  });

  it('ends an empty line as an empty text (the framer decides whether that is an answer)', () => {
    expect(new BoundedLine(4).end()).toEqual({ kind: 'line', text: '' });
  });

  it('drops the whole line at the byte past the limit, counts the rest and reports the full size once', () => {
    const line = new BoundedLine(3);
    feed(line, Uint8Array.of(1, 2, 3));
    line.append(4);
    expect(line.pendingBytes).toBe(0);
    feed(line, Uint8Array.of(5, 6));
    expect(line.end()).toEqual({ kind: 'overflow', droppedBytes: 6 });
    feed(line, Uint8Array.of(0x6f, 0x6b));
    expect(line.end()).toEqual({ kind: 'line', text: 'ok' });
  });

  it('reset returns the bytes kept, or counted while dropping, and starts a fresh line', () => {
    const kept = new BoundedLine(8);
    feed(kept, Uint8Array.of(1, 2, 3));
    expect(kept.reset()).toBe(3);
    expect(kept.reset()).toBe(0);

    const dropping = new BoundedLine(2);
    feed(dropping, Uint8Array.of(1, 2, 3, 4, 5));
    expect(dropping.reset()).toBe(5);
    expect(dropping.end()).toEqual({ kind: 'line', text: '' });
  });

  it('for any bytes: the line comes back whole if it fits, else as overflow with its size; never holds more than maxBytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 0, max: 64 }), fc.boolean(), (data, max, viaReset) => {
        const line = new BoundedLine(max);
        for (const b of data) {
          line.append(b);
          expect(line.pendingBytes).toBeLessThanOrEqual(max);
        }
        if (viaReset) {
          expect(line.reset()).toBe(data.length);
          return;
        }
        const expected: EndedLine =
          data.length <= max ? { kind: 'line', text: Buffer.from(data).toString('latin1') } : { kind: 'overflow', droppedBytes: data.length };
        expect(line.end()).toEqual(expected);
        expect(line.end()).toEqual({ kind: 'line', text: '' });
      }),
    );
  });
});
