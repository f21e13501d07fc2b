// The line buffer under the Megatec, APC Smart and NUT framers
// (hw/ups/boundedLine.ts), checked against a model that keeps every byte:
// whatever sequence of bytes, line ends and resets arrives, it holds at most
// its limit, and a line comes back whole or as one overflow with its full size.

import fc from 'fast-check';
import { BoundedLine } from '../../../hw/ups/boundedLine';
import { fuzzParams } from './arbitraries/params';
import { check } from './expectTyped';

type Op = { kind: 'bytes'; bytes: number[] } | { kind: 'end' } | { kind: 'reset' };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 90 }).map((bytes) => ({ kind: 'bytes' as const, bytes })) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 700 }).map((n) => ({ kind: 'bytes' as const, bytes: new Array<number>(n).fill(0xff) })) },
  { weight: 2, arbitrary: fc.constant({ kind: 'end' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reset' as const }) },
);

describe('BoundedLine against an unbounded model', () => {
  it('never holds more than maxBytes and ends every line as the model says', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.array(op, { maxLength: 30 }), (maxBytes, ops) => {
        const line = new BoundedLine(maxBytes);
        let model: number[] = [];
        for (const o of ops) {
          if (o.kind === 'bytes') {
            for (const b of o.bytes) {
              line.append(b);
              model.push(b);
              check(line.pendingBytes <= maxBytes, () => `${line.pendingBytes} bytes held with a limit of ${maxBytes}`);
            }
          } else if (o.kind === 'end') {
            const expected = model.length <= maxBytes ? { kind: 'line', text: String.fromCharCode(...model) } : { kind: 'overflow', droppedBytes: model.length };
            expect(line.end()).toEqual(expected);
            model = [];
          } else {
            expect(line.reset()).toBe(model.length);
            model = [];
          }
          expect(line.pendingBytes).toBe(model.length <= maxBytes ? model.length : 0);
        }
      }),
      fuzzParams(1000),
    );
  });
});
