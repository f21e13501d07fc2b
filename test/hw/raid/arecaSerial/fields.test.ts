// The shared struct-layout fields: each field reads and writes only its own
// bytes, and the odd ones (nullable byte, DWORD array) keep their edge rules.

import fc from 'fast-check';
import { decodeStruct, encodeStruct, readLayout, text, u32, u32Array, u8, u8OrNull, writeLayout, type StructSpec } from '../../../../hw/raid/arecaSerial/fields';

interface Small {
  flag: number;
  label: string;
  count: number;
  owner: number | null;
}

const SMALL: StructSpec<Small> = {
  name: 'sSMALL',
  bytes: 16,
  layout: { flag: u8(0), label: text(2, 4), count: u32(8), owner: u8OrNull(13, 0xff) },
};
/** Bytes no field of SMALL covers. */
const GAPS = [1, 6, 7, 12, 14, 15];

const smallArb: fc.Arbitrary<Small> = fc.record({
  flag: fc.integer({ min: 0, max: 0xff }),
  label: fc.string({ maxLength: 4, unit: fc.constantFrom(...'abcXYZ019-') }),
  count: fc.integer({ min: 0, max: 0xffffffff }),
  owner: fc.option(fc.integer({ min: 0, max: 0xfe }), { nil: null }),
});

describe('Areca struct fields', () => {
  it('writes each field into its own bytes only and reads back what it wrote (property)', () => {
    fc.assert(
      fc.property(smallArb, (value) => {
        const buf = Buffer.alloc(SMALL.bytes, 0xee);
        writeLayout(buf, SMALL.layout, value);
        expect(GAPS.map((i) => buf[i])).toEqual(GAPS.map(() => 0xee));
        expect(readLayout(buf, SMALL.layout)).toEqual(value);
      }),
    );
  });

  it('reads a byte equal to the "none" value as null and writes null as that byte', () => {
    const owner = u8OrNull(0, 0xff);
    expect(owner.read(Uint8Array.of(0xff))).toBeNull();
    expect(owner.read(Uint8Array.of(0))).toBe(0);
    const buf = Buffer.alloc(1);
    owner.write(buf, null);
    expect(buf[0]).toBe(0xff);
  });

  it('u32Array reads exactly count DWORDs, writes at most count and leaves missing ones 0', () => {
    const stripes = u32Array(4, 2);
    const buf = Buffer.alloc(16);
    stripes.write(buf, [7, 8, 9]);
    expect([...buf]).toEqual([0, 0, 0, 0, 7, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0]);
    expect(stripes.read(buf)).toEqual([7, 8]);
    const short = Buffer.alloc(16);
    stripes.write(short, [5]);
    expect(stripes.read(short)).toEqual([5, 0]);
  });

  it('decodeStruct names the struct and both sizes when the body is short, and ignores trailing bytes', () => {
    expect(decodeStruct(Buffer.alloc(15), SMALL)).toEqual({ ok: false, error: 'sSMALL needs 16 bytes, reply has 15' });
    const body = Buffer.concat([encodeStruct(SMALL, { flag: 3, label: 'ab', count: 70000, owner: 2 }), Buffer.of(1, 2, 3)]);
    expect(decodeStruct(body, SMALL)).toEqual({ ok: true, value: { flag: 3, label: 'ab', count: 70000, owner: 2 } });
  });

  it('encodeStruct gives the full size with unused bytes 0', () => {
    const buf = encodeStruct(SMALL, { flag: 1, label: '', count: 0, owner: null });
    expect(buf.length).toBe(16);
    expect(GAPS.map((i) => buf[i])).toEqual(GAPS.map(() => 0));
    expect(buf[13]).toBe(0xff);
  });
});
