// Megatec/Q1 (hw/ups/megatec): the CR framer, the Q1/F/I decoders, the reply
// interpretation and the whole session, fed garbage and near-valid answers
// built from the Megatec-family nut-ddl fixtures.

import fc from 'fast-check';
import { decodeInfo, decodeQ1Status, decodeRatings, Q1_BIT_ORDER, type Q1Status } from '../../../hw/ups/megatec/decode';
import { encodeMegatecCommand, type MegatecCommand } from '../../../hw/ups/megatec/commands';
import { MEGATEC_MAX_LINE_BYTES, MegatecLineFramer, type MegatecFrame } from '../../../hw/ups/megatec/framer';
import { readMegatecReading } from '../../../hw/ups/megatec/reader';
import { interpretLine, MegatecSession } from '../../../hw/ups/megatec/session';
import { q1ToReading } from '../../../hw/ups/megatec/toReading';
import { ManualClock } from '../../../hw/ups/sim/manualClock';
import { encodeQ1Line, type MegatecSimState } from '../../../hw/ups/sim/megatecWire';
import { concatBytes, cutPoints, hugeRun, latin1Bytes, latin1Text, mixedStream, mutatedText, splitAt, storm } from './arbitraries/bytes';
import { fuzzParams } from './arbitraries/params';
import { scriptedLink } from './arbitraries/scriptedLink';
import { MEGATEC_LINES } from './arbitraries/seeds';
import { check, expectTypedResult, SESSION_ERROR_KINDS } from './expectTyped';

const CR = 0x0d;
const LF = 0x0a;
const SEEDS = MEGATEC_LINES.map((l) => latin1Bytes(`${l}\r`));

/** One answer line (no terminator): real, mutated, an echo/NAK/ACK, pure garbage or overlong. */
const hostileLine: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...MEGATEC_LINES) },
  { weight: 5, arbitrary: mutatedText(fc.constantFrom(...MEGATEC_LINES), [0x40, 0x2d, 0x2e, 0x28, 0x23, 0x20]) },
  { weight: 1, arbitrary: fc.constantFrom('(NAK', 'NAK', 'ACK', '(ACK', 'Q1', 'F', 'I', '', '(', '#') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  { weight: 1, arbitrary: hugeRun(MEGATEC_MAX_LINE_BYTES).map(latin1Text) },
);

const COMMANDS: readonly MegatecCommand[] = [
  { kind: 'status' },
  { kind: 'ratings' },
  { kind: 'info' },
  { kind: 'beeper-toggle' },
  { kind: 'shutdown-restore', delay: { minutes: 1 }, restoreMinutes: 2 },
];

function expectSaneQ1(q: Q1Status): void {
  for (const [key, value] of Object.entries(q)) {
    if (key === 'bits' || key === 'batteryVoltagePerCell') continue;
    expect(Number.isFinite(value)).toBe(true);
  }
  expect(Object.keys(q.bits).sort()).toEqual([...Q1_BIT_ORDER].sort());
  for (const bit of Object.values(q.bits)) expect(typeof bit).toBe('boolean');
  const mapped = q1ToReading(q, { batteryCells: 6 });
  expect(mapped.reading['ups.status'].length).toBeGreaterThan(0);
}

function expectSaneFrame(f: MegatecFrame): void {
  if (f.kind === 'line') {
    check(f.text.length > 0 && f.text.length <= MEGATEC_MAX_LINE_BYTES && !/[\r\n]/.test(f.text), () => `line ${JSON.stringify(f.text)}`);
  } else {
    check(f.kind === 'overflow' && f.droppedBytes > MEGATEC_MAX_LINE_BYTES, () => `frame ${JSON.stringify(f)}`);
  }
}

describe('Megatec decoders on hostile lines', () => {
  it('decode Q1, F and I to a typed result and never throw', () => {
    fc.assert(
      fc.property(hostileLine, (line) => {
        const q1 = expectTypedResult(decodeQ1Status(line));
        if (q1.ok) expectSaneQ1(q1.value);
        const f = expectTypedResult(decodeRatings(line));
        if (f.ok) for (const v of Object.values(f.value)) expect(Number.isFinite(v)).toBe(true);
        const i = expectTypedResult(decodeInfo(line));
        if (i.ok) for (const v of Object.values(i.value)) expect(v).toMatch(/^[\x20-\x7e]+$/);
      }),
      fuzzParams(2000),
    );
  });

  it('interpretLine answers every command with a typed result', () => {
    fc.assert(
      fc.property(fc.constantFrom(...COMMANDS), hostileLine, (cmd, line) => {
        const encoded = encodeMegatecCommand(cmd);
        if (!encoded.ok) throw new Error(encoded.error);
        const r = expectTypedResult(interpretLine(cmd, encoded.value, line), SESSION_ERROR_KINDS);
        if (r.ok && r.value.kind === 'status') expectSaneQ1(r.value.status);
      }),
      fuzzParams(2000),
    );
  });

  it('a real Q1 line with one field byte flipped is refused or still decodes to finite values', () => {
    const q1Lines = MEGATEC_LINES.filter((l) => l.startsWith('('));
    fc.assert(
      fc.property(fc.constantFrom(...q1Lines), fc.integer({ min: 1, max: 45 }), fc.integer({ min: 0, max: 255 }), (line, at, byte) => {
        const flipped = line.slice(0, at) + String.fromCharCode(byte) + line.slice(at + 1);
        const r = expectTypedResult(decodeQ1Status(flipped));
        if (r.ok) expectSaneQ1(r.value);
        // A byte that is neither a digit, a field fill nor blank cannot leave the line decodable. (Blanks can:
        // a field is trimmed before it is read, as NUT's strtod skips leading white space.)
        if (!/[0-9@.\-\s]/.test(String.fromCharCode(byte)) && flipped !== line) expect(r.ok).toBe(false);
      }),
      fuzzParams(2000),
    );
  });
});

describe('Megatec framer on hostile streams', () => {
  it('keeps at most MEGATEC_MAX_LINE_BYTES after every chunk and emits only well-formed frames', () => {
    fc.assert(
      fc.property(mixedStream(SEEDS, MEGATEC_MAX_LINE_BYTES, [CR, LF]), cutPoints, (stream, cuts) => {
        const framer = new MegatecLineFramer();
        for (const chunk of splitAt(stream, cuts)) {
          framer.push(chunk).forEach(expectSaneFrame);
          check(framer.pendingBytes <= MEGATEC_MAX_LINE_BYTES, () => `${framer.pendingBytes} bytes pending`);
        }
      }),
      fuzzParams(400),
    );
  });

  it('gives the same frames however valid answers (with CR, LF or CR LF) are split', () => {
    const ending = fc.constantFrom('\r', '\n', '\r\n');
    const answers = fc.array(fc.tuple(fc.constantFrom(...MEGATEC_LINES), ending), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(answers, cutPoints, (lines, cuts) => {
        const stream = latin1Bytes(lines.map(([l, e]) => l + e).join(''));
        const framer = new MegatecLineFramer();
        const frames = splitAt(stream, cuts).flatMap((c) => framer.push(c));
        expect(frames).toEqual(lines.map(([text]) => ({ kind: 'line', text })));
        expect(framer.pendingBytes).toBe(0);
      }),
      fuzzParams(500),
    );
  });

  it('recovers the next answer after a storm or an overlong line', () => {
    const noise = fc.oneof(storm(200), hugeRun(MEGATEC_MAX_LINE_BYTES, [CR, LF]));
    fc.assert(
      fc.property(noise, fc.constantFrom(...MEGATEC_LINES), cutPoints, (junk, line, cuts) => {
        const framer = new MegatecLineFramer();
        // The CR after the noise ends whatever it left; the answer follows on its own line.
        const stream = concatBytes([junk, Uint8Array.of(CR), latin1Bytes(`${line}\r`)]);
        const frames = splitAt(stream, cuts).flatMap((c) => framer.push(c));
        expect(frames[frames.length - 1]).toEqual({ kind: 'line', text: line });
      }),
      fuzzParams(400),
    );
  });
});

describe('Megatec encode/decode round trip', () => {
  const field = (max: number, decimals: number) => fc.integer({ min: 0, max: max * 10 ** decimals }).map((n) => n / 10 ** decimals);
  const bits = fc.record(Object.fromEntries(Q1_BIT_ORDER.map((b) => [b, fc.boolean()])) as Record<(typeof Q1_BIT_ORDER)[number], fc.Arbitrary<boolean>>);
  const state: fc.Arbitrary<MegatecSimState> = fc.record({
    inputVoltage: field(999, 1),
    inputFaultVoltage: field(999, 1),
    outputVoltage: field(999, 1),
    loadPercent: fc.integer({ min: 0, max: 999 }),
    inputFrequencyHz: field(99, 1),
    batteryVoltage: field(99, 1),
    temperatureC: field(99, 1),
    bits,
  });

  it('the simulator encoder and the decoder agree on every field, split or not', () => {
    fc.assert(
      fc.property(state, cutPoints, (s, cuts) => {
        const framer = new MegatecLineFramer();
        const frames = splitAt(latin1Bytes(`${encodeQ1Line(s)}\r`), cuts).flatMap((c) => framer.push(c));
        expect(frames).toHaveLength(1);
        const frame = frames[0]!;
        if (frame.kind !== 'line') throw new Error('overflow on a valid Q1 line');
        const d = decodeQ1Status(frame.text);
        if (!d.ok) throw new Error(d.error);
        const { bits: _b, batteryVoltagePerCell: _p, ...values } = d.value;
        const { bits: _sb, ...expected } = s;
        expect(values).toEqual(expected);
        expect(d.value.bits).toEqual(s.bits);
      }),
      fuzzParams(500),
    );
  });
});

describe('MegatecSession against a UPS that answers garbage', () => {
  const reply = fc.oneof(
    mixedStream(SEEDS, MEGATEC_MAX_LINE_BYTES, [CR, LF]),
    fc.constantFrom(...SEEDS),
    fc.constant(new Uint8Array(0)),
  );
  const script = fc.array(fc.tuple(reply, cutPoints).map(([bytes, cuts]) => splitAt(bytes, cuts)), { maxLength: 4 });

  it('resolves every request with a typed result and no listener throws', async () => {
    await fc.assert(
      fc.asyncProperty(script, fc.constantFrom('reading', 'status', 'instant'), async (replies, what) => {
        const clock = new ManualClock();
        const link = scriptedLink(replies);
        const session = new MegatecSession(link, { schedule: clock.schedule });
        const run =
          what === 'reading' ? readMegatecReading(session) : what === 'status' ? session.readStatus() : session.instantCommand('beeper.toggle');
        const r = await clock.settle(run as Promise<{ ok: true; value: unknown } | { ok: false; error: unknown }>);
        expectTypedResult(r, SESSION_ERROR_KINDS);
        expect(link.listenerError).toBeUndefined();
        session.close();
      }),
      fuzzParams(150),
    );
  });
});
