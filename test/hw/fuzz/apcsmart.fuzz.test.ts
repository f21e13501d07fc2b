// APC Smart (hw/ups/apcsmart): the LF framer that pulls asynchronous alert
// bytes out of the stream (even from inside a reply), the answer decoders and
// the whole session, fed garbage and near-valid answers built from the
// apcsmart nut-ddl fixtures.

import fc from 'fast-check';
import { APC_ALERT_CHARS } from '../../../hw/ups/apcsmart/alerts';
import { decodeProtocolInfo } from '../../../hw/ups/apcsmart/commands';
import { APC_MAX_LINE_BYTES, ApcSmartFramer, type ApcFrame } from '../../../hw/ups/apcsmart/framer';
import { readApcReading } from '../../../hw/ups/apcsmart/reader';
import { ApcSmartSession } from '../../../hw/ups/apcsmart/session';
import { APC_STATUS_BITS, applyAlertToStatus, decodeApcStatus, encodeApcStatus } from '../../../hw/ups/apcsmart/status';
import { APC_VARIABLES, apcVariableForLetter, decodeApcValue, encodeApcValue } from '../../../hw/ups/apcsmart/variables';
import { UPS_STATUS_TOKENS } from '../../../hw/ups/model';
import { ManualClock } from '../../../hw/ups/sim/manualClock';
import { cutPoints, hugeRun, latin1Bytes, latin1Text, mixedStream, mutatedText, splitAt } from './arbitraries/bytes';
import { fuzzParams } from './arbitraries/params';
import { scriptedLink } from './arbitraries/scriptedLink';
import { APC_ANSWERS, NUT_DUMPS } from './arbitraries/seeds';
import { check, expectTypedResult, SESSION_ERROR_KINDS } from './expectTyped';

const LF = 0x0a;
const CR = 0x0d;
const ALERT_CHARS = Object.keys(APC_ALERT_CHARS);
const ALERT_BYTES = ALERT_CHARS.map((c) => c.charCodeAt(0));
const ANSWER_TEXTS = [...new Set([...APC_ANSWERS.map((a) => a.answer), 'SM', 'OK', 'NA', 'NO', '3.!$%+?=#|.\x01^ABDEFGKLMNOPQRSUVWXYZ'])];
const SEEDS = ANSWER_TEXTS.map((t) => latin1Bytes(`${t}\r\n`));
/** Answers that hold no alert character, so the framer must hand them back unchanged in alerts mode. */
const PLAIN_ANSWERS = ANSWER_TEXTS.filter((t) => ![...t].some((c) => ALERT_CHARS.includes(c)));

const hostileAnswer: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...ANSWER_TEXTS) },
  { weight: 5, arbitrary: mutatedText(fc.constantFrom(...ANSWER_TEXTS), [...ALERT_BYTES, 0x3a, 0x2e, 0x20]) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  { weight: 1, arbitrary: hugeRun(APC_MAX_LINE_BYTES).map(latin1Text) },
);

/** `alertsOnly`: every byte so far was framed in alerts mode, so no line may hold an alert character. */
function expectSaneFrame(f: ApcFrame, mode: 'alerts' | 'raw', alertsOnly: boolean): void {
  if (f.kind === 'alert') {
    check(APC_ALERT_CHARS[f.alert.char] === f.alert.kind && mode === 'alerts', () => `alert ${JSON.stringify(f.alert)} in ${mode} mode`);
  } else if (f.kind === 'line') {
    check(f.text.length <= APC_MAX_LINE_BYTES && !/[\r\n]/.test(f.text), () => `line ${JSON.stringify(f.text)}`);
    if (alertsOnly) check(![...f.text].some((c) => ALERT_CHARS.includes(c)), () => `alert character left in ${JSON.stringify(f.text)}`);
  } else {
    check(f.droppedBytes > APC_MAX_LINE_BYTES, () => `overflow of ${f.droppedBytes} bytes`);
  }
}

describe('APC Smart framer on hostile streams', () => {
  it('keeps at most APC_MAX_LINE_BYTES after every chunk, in either mode, and emits well-formed frames', () => {
    fc.assert(
      fc.property(mixedStream(SEEDS, APC_MAX_LINE_BYTES, [...ALERT_BYTES, LF, CR]), cutPoints, fc.array(fc.boolean(), { maxLength: 8 }), (stream, cuts, modes) => {
        const framer = new ApcSmartFramer();
        let alertsOnly = true;
        splitAt(stream, cuts).forEach((chunk, i) => {
          // The session switches to raw mode for the `a` answer; switching between chunks must not break the bound.
          const mode = modes[i % Math.max(1, modes.length)] ? 'raw' : 'alerts';
          alertsOnly &&= mode === 'alerts';
          framer.setMode(mode);
          framer.push(chunk).forEach((f) => expectSaneFrame(f, mode, alertsOnly));
          check(framer.pendingBytes <= APC_MAX_LINE_BYTES, () => `${framer.pendingBytes} bytes pending`);
        });
      }),
      fuzzParams(400),
    );
  });

  it('pulls alerts out of the middle of replies and reassembles the replies, however split', () => {
    const reply = fc.constantFrom(...PLAIN_ANSWERS);
    const withAlerts = fc.tuple(reply, fc.array(fc.tuple(fc.nat(), fc.constantFrom(...ALERT_CHARS)), { maxLength: 4 })).map(([text, inserts]) => {
      const wire = `${text}\r\n`;
      // Alerts go anywhere in the reply, its CR LF included, in the order of their positions.
      const placed = inserts.map(([at, c]) => [at % (wire.length + 1), c] as const).sort((a, b) => a[0] - b[0]);
      let out = '';
      let from = 0;
      for (const [at, c] of placed) {
        out += wire.slice(from, at) + c;
        from = at;
      }
      return { text, alerts: placed.map(([, c]) => c), wire: out + wire.slice(from) };
    });
    fc.assert(
      fc.property(fc.array(withAlerts, { minLength: 1, maxLength: 5 }), cutPoints, (replies, cuts) => {
        const framer = new ApcSmartFramer();
        const frames = splitAt(latin1Bytes(replies.map((r) => r.wire).join('')), cuts).flatMap((c) => framer.push(c));
        expect(frames.filter((f) => f.kind === 'line')).toEqual(replies.map((r) => ({ kind: 'line', text: r.text })));
        expect(frames.flatMap((f) => (f.kind === 'alert' ? [f.alert.char] : []))).toEqual(replies.flatMap((r) => r.alerts));
        expect(framer.pendingBytes).toBe(0);
      }),
      fuzzParams(500),
    );
  });

  it('in raw mode keeps alert characters inside the line (the `a` answer lists them)', () => {
    const rawLine = fc.string({ unit: fc.constantFrom(...ALERT_CHARS, 'A', '.', '3'), maxLength: 60 });
    fc.assert(
      fc.property(rawLine, cutPoints, (text, cuts) => {
        const framer = new ApcSmartFramer();
        framer.setMode('raw');
        const frames = splitAt(latin1Bytes(`${text}\r\n`), cuts).flatMap((c) => framer.push(c));
        expect(frames).toEqual([{ kind: 'line', text }]);
      }),
      fuzzParams(300),
    );
  });
});

describe('APC Smart decoders on hostile answers', () => {
  it('decode every query letter, Q and the `a` answer to a typed result', () => {
    fc.assert(
      fc.property(fc.constantFrom(...APC_VARIABLES), hostileAnswer, (v, answer) => {
        const value = expectTypedResult(decodeApcValue(v, answer));
        if (value.ok && typeof value.value === 'number') expect(Number.isFinite(value.value)).toBe(true);
        if (value.ok && typeof value.value === 'string') expect(value.value).toMatch(/^[\x20-\x7e]*$/);
        const q = decodeApcStatus(answer);
        expectTypedResult(q.ok ? q : { ok: false, error: q.error.message });
        if (q.ok) for (const t of q.value.tokens) expect(UPS_STATUS_TOKENS).toContain(t);
        expectTypedResult(decodeProtocolInfo(answer));
      }),
      fuzzParams(3000),
    );
  });

  it('regression: digits past 1.8e308 are not a number, not Infinity (hw/ups/nutVars.ts parseDecimal)', () => {
    const r = decodeApcValue(apcVariableForLetter('f')!, '9'.repeat(310));
    expect(r).toEqual({ ok: false, error: expect.stringContaining('battery.charge') });
    expect(decodeApcValue(apcVariableForLetter('f')!, '9'.repeat(308))).toEqual({ ok: true, value: Number('9'.repeat(308)) });
  });

  it('round-trips every Q bitmap, and alerts move it the way NUT does', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.array(fc.constantFrom(...Object.values(APC_ALERT_CHARS)), { maxLength: 6 }), (bits, alerts) => {
        const d = decodeApcStatus(encodeApcStatus(bits));
        if (!d.ok) throw new Error(d.error.message);
        expect(d.value.bits).toBe(bits);
        const after = alerts.reduce(applyAlertToStatus, bits);
        expect(after).toBeGreaterThanOrEqual(0);
        expect(after).toBeLessThanOrEqual(0xff);
        const known = APC_STATUS_BITS.reduce((m, b) => m | b.mask, 0);
        expect(after & ~known).toBe(0);
      }),
      fuzzParams(500),
    );
  });

  it('the simulator encoder and the decoder agree on every fixture value', () => {
    const pairs = NUT_DUMPS.filter((d) => d.driver === 'apcsmart').flatMap((d) =>
      APC_VARIABLES.flatMap((v) => (d.vars.has(v.name) ? [{ v, nut: d.vars.get(v.name)! }] : [])),
    );
    fc.assert(
      fc.property(fc.constantFrom(...pairs), ({ v, nut }) => {
        const wire = encodeApcValue(v, nut);
        if (!wire.ok) throw new Error(wire.error);
        const back = decodeApcValue(v, wire.value);
        if (!back.ok) throw new Error(back.error);
        if (v.format === 'text') expect(back.value).toBe(nut.trim());
        else expect(Math.abs((back.value as number) - Number(nut))).toBeLessThanOrEqual(v.format === 'hours' ? 1800 : v.format === 'minutes' ? 30 : 0);
      }),
      fuzzParams(300),
    );
  });
});

describe('ApcSmartSession against a UPS that answers garbage', () => {
  const reply = fc.oneof(
    mixedStream(SEEDS, APC_MAX_LINE_BYTES, [...ALERT_BYTES, LF, CR]),
    fc.constantFrom(...SEEDS),
    fc.constant(latin1Bytes('SM\r\n')),
    fc.constant(new Uint8Array(0)),
  );
  const script = fc.array(fc.tuple(reply, cutPoints).map(([bytes, cuts]) => splitAt(bytes, cuts)), { maxLength: 8 });
  const job = fc.constantFrom('handshake', 'reading', 'status', 'variable', 'protocol', 'instant');

  it('resolves every request with a typed result and no listener throws', async () => {
    await fc.assert(
      fc.asyncProperty(script, job, async (replies, what) => {
        const clock = new ManualClock();
        const link = scriptedLink(replies);
        const session = new ApcSmartSession(link, { schedule: clock.schedule }, { handshakeAttempts: 2 });
        const runs: Record<string, () => Promise<unknown>> = {
          handshake: () => session.handshake(),
          reading: () => readApcReading(session),
          status: () => session.readStatus(),
          variable: () => session.readVariable(apcVariableForLetter('j')!),
          protocol: () => session.protocolInfo(),
          instant: () => session.instantCommand('test.battery.start'),
        };
        const r = await clock.settle(runs[what]!() as Promise<{ ok: true; value: unknown } | { ok: false; error: unknown }>);
        expectTypedResult(r, SESSION_ERROR_KINDS);
        expect(link.listenerError).toBeUndefined();
        session.close();
      }),
      fuzzParams(150),
    );
  });
});
