// What the gpiod 1.6 CLI prints (hw/gpio/gpiodParse.ts): gpiomon event
// lines, gpioget output, tool error text, and the bounded line splitter that
// cuts gpiomon's stdout, fed near-valid lines, storms and floods.

import fc from 'fast-check';
import { BoundedLineSplitter, classifyGpiodFailure, parseGpiogetOutput, parseGpiomonLine } from '../../../hw/gpio/gpiodParse';
import { fuzzParams } from './arbitraries/params';
import { hostileText } from './arbitraries/text';
import { check, expectTypedResult } from './expectTyped';

/** Exactly what gpiomon 1.6.3 prints for one edge (the " RISING" keeps the columns aligned). */
function gpiomonLine(edge: 'rising' | 'falling', offset: number, sec: number, nsec: number): string {
  const name = edge === 'rising' ? ' RISING' : 'FALLING';
  return `event: ${name} EDGE offset: ${offset} timestamp: [${String(sec).padStart(8, ' ')}.${String(nsec).padStart(9, '0')}]`;
}

const event = fc.record({
  edge: fc.constantFrom('rising' as const, 'falling' as const),
  offset: fc.integer({ min: 0, max: 99_999 }),
  sec: fc.integer({ min: 0, max: 999_999_999_999 }),
  nsec: fc.integer({ min: 0, max: 999_999_999 }),
});

const REAL_LINES = [gpiomonLine('rising', 17, 1234, 1), gpiomonLine('falling', 17, 1234, 500_000_000), '0\n', '1\n', 'gpioget: error reading GPIO values: Device or resource busy'];
const GPIO_WORDS = ['RISING', 'FALLING', 'EDGE', 'offset:', 'timestamp:', '[', ']', '0', '1'];
const hostileLine = fc.oneof(hostileText(REAL_LINES, GPIO_WORDS), event.map((e) => gpiomonLine(e.edge, e.offset, e.sec, e.nsec)));
const ERROR_KINDS = ['unavailable', 'no-such-line', 'busy', 'wrong-direction', 'invalid-config', 'io-error', 'closed'];

describe('gpiod output parsers on hostile text', () => {
  it('parseGpiomonLine and parseGpiogetOutput give typed results with sane values', () => {
    fc.assert(
      fc.property(hostileLine, (line) => {
        const ev = expectTypedResult(parseGpiomonLine(line));
        if (ev.ok) {
          check(Number.isInteger(ev.value.offset) && ev.value.offset >= 0, () => `offset ${ev.value.offset}`);
          check(Number.isFinite(ev.value.timestampMs) && ev.value.timestampMs >= 0, () => `timestamp ${ev.value.timestampMs}`);
        }
        const level = expectTypedResult(parseGpiogetOutput(line));
        if (level.ok) check(level.value === 0 || level.value === 1, () => `level ${level.value}`);
      }),
      fuzzParams(3000),
    );
  });

  it('a line gpiomon prints decodes back to its edge, offset and timestamp', () => {
    fc.assert(
      fc.property(event, (e) => {
        const r = parseGpiomonLine(gpiomonLine(e.edge, e.offset, e.sec, e.nsec));
        if (!r.ok) throw new Error(r.error);
        expect(r.value.edge).toBe(e.edge);
        expect(r.value.offset).toBe(e.offset);
        expect(r.value.timestampMs).toBeCloseTo(e.sec * 1000 + e.nsec / 1e6, 3);
      }),
      fuzzParams(500),
    );
  });

  it('classifyGpiodFailure names a known kind with a bounded, non-empty message', () => {
    fc.assert(
      fc.property(hostileLine, fc.option(hostileLine, { nil: undefined }), (stderr, failure) => {
        const e = classifyGpiodFailure('gpiomon', 'line 17 of gpiochip0', stderr, failure);
        check(ERROR_KINDS.includes(e.kind), () => `kind ${e.kind}`);
        check(e.message.trim() !== '' && e.message.length <= 400, () => `message of ${e.message.length} chars`);
      }),
      fuzzParams(2000),
    );
  });
});

describe('BoundedLineSplitter on hostile streams', () => {
  const MAX = 64;
  const text = fc.oneof(
    fc.array(hostileLine, { maxLength: 8 }).map((ls) => ls.join('\n')),
    fc.string({ unit: fc.constantFrom('a', '\n', '\r', '\0'), maxLength: 400 }),
    fc.integer({ min: MAX - 2, max: MAX * 6 }).map((n) => 'x'.repeat(n)),
  );

  it('emits the same lines however the text is split, none longer than the limit, and counts the rest', () => {
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 4 }), fc.array(fc.nat(), { maxLength: 30 }), (parts, cuts) => {
        const whole = `${parts.join('\n')}\n`;
        const points = [...new Set(cuts.map((c) => c % (whole.length + 1)))].sort((a, b) => a - b);
        const chunks = [...points, whole.length].map((p, i, all) => whole.slice(i === 0 ? 0 : all[i - 1]!, p));
        const splitter = new BoundedLineSplitter(MAX);
        const lines = chunks.flatMap((c) => splitter.push(c));
        const expected = whole.split('\n').slice(0, -1);
        expect(lines).toEqual(expected.filter((l) => l.length <= MAX));
        expect(splitter.dropped).toBe(expected.filter((l) => l.length > MAX).length);
      }),
      fuzzParams(600),
    );
  });
});
