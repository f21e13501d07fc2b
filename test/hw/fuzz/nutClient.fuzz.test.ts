// NUT network protocol, client side (hw/ups/nut): the LF framer, word
// splitting, the answer collectors and the whole NutClient, fed hostile
// answers from a "server" that may send anything; plus the round trip from
// our server's answers back through the client.

import fc from 'fast-check';
import { NutClient } from '../../../hw/ups/nut/client';
import { listCollector, singleCollector, type Step } from '../../../hw/ups/nut/collectors';
import { NutLineFramer } from '../../../hw/ups/nut/lineFramer';
import { NUT_MAX_LINE_CHARS, NUT_MAX_WORDS, quoteNut, splitNutWords } from '../../../hw/ups/nut/protocol';
import { NutCommandHandler } from '../../../hw/ups/nut/serverCommands';
import { readingFromNutVars } from '../../../hw/ups/nutVars';
import { ok } from '../../../hw/ups/result';
import { ManualClock } from '../../../hw/ups/sim/manualClock';
import type { ByteTransport, DataListener } from '../../../hw/ups/transport';
import { cutPoints, hugeRun, mixedStream, mutatedText, splitAt } from './arbitraries/bytes';
import { fuzzParams } from './arbitraries/params';
import { scriptedLink } from './arbitraries/scriptedLink';
import { NUT_DUMPS } from './arbitraries/seeds';
import { HOSTILE_WORDS } from './arbitraries/text';
import { expectTypedResult } from './expectTyped';

const LF = 0x0a;
const UPS = 'ups1';
const DUMP_VARS = NUT_DUMPS.flatMap((d) => [...d.vars]);

/** upsd's answers to our requests, with real values from the fixtures. */
const ANSWERS: readonly string[] = [
  'Network UPS Tools upsd 2.8.0 - https://www.networkupstools.org/',
  '1.3',
  'OK',
  'OK Goodbye',
  'ERR ACCESS-DENIED',
  'ERR UNKNOWN-UPS',
  'ERR DATA-STALE',
  'ERR SOMETHING-NEW extra words',
  `BEGIN LIST VAR ${UPS}`,
  `END LIST VAR ${UPS}`,
  'BEGIN LIST UPS',
  `UPS ${UPS} "Fixture UPS"`,
  'END LIST UPS',
  ...DUMP_VARS.slice(0, 80).map(([name, value]) => `VAR ${UPS} ${name} ${quoteNut(value)}`),
];
const ANSWER_BYTES = ANSWERS.map((a) => Uint8Array.from(Buffer.from(`${a}\n`, 'utf8')));

const hostileLine: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...ANSWERS) },
  { weight: 5, arbitrary: mutatedText(fc.constantFrom(...ANSWERS), [0x22, 0x5c, 0x20, 0x09]) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...HOSTILE_WORDS, 'VAR', UPS, 'ERR', 'BEGIN', 'END', 'LIST'), { maxLength: 8 }).map((w) => w.join(' ')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 120 }) },
  { weight: 1, arbitrary: fc.constant(Array.from({ length: NUT_MAX_WORDS + 3 }, (_, i) => `w${i}`).join(' ')) },
);

const STEP_KINDS = ['more', 'done', 'server-error', 'bad', 'too-many'];
function expectSaneStep<T>(s: Step<T>): void {
  expect(STEP_KINDS).toContain(s.kind);
  if (s.kind === 'bad' || s.kind === 'too-many') expect(s.message.trim()).not.toBe('');
}

const CLIENT_ERROR_KINDS = ['nut', 'timeout', 'protocol', 'too-long', 'too-many-lines', 'invalid-request', 'busy', 'write-failed', 'closed', 'connect-failed'];

describe('NUT line framer and word splitting on hostile input', () => {
  it('the framer keeps at most its limit after every chunk and emits LF-free lines or overflows', () => {
    fc.assert(
      fc.property(mixedStream(ANSWER_BYTES, 200, [LF, 0x0d]), cutPoints, (stream, cuts) => {
        // A small limit so the overlong pieces of mixedStream cross it often; the default is checked below.
        const framer = new NutLineFramer(200);
        for (const chunk of splitAt(stream, cuts)) {
          for (const f of framer.push(chunk)) {
            if (f.kind === 'line') expect(f.text).not.toContain('\n');
            else expect(f.droppedBytes).toBeGreaterThan(200);
          }
          expect(framer.pendingBytes).toBeLessThanOrEqual(200);
        }
      }),
      fuzzParams(250),
    );
  });

  it('the default framer bound holds against a line that never ends', () => {
    fc.assert(
      fc.property(hugeRun(NUT_MAX_LINE_CHARS, [LF]), cutPoints, (run, cuts) => {
        const framer = new NutLineFramer();
        for (const chunk of splitAt(run, cuts)) {
          expect(framer.push(chunk)).toEqual([]);
          expect(framer.pendingBytes).toBeLessThanOrEqual(NUT_MAX_LINE_CHARS);
        }
        const end = framer.push(Uint8Array.of(LF));
        expect(end).toEqual([run.length > NUT_MAX_LINE_CHARS ? { kind: 'overflow', droppedBytes: run.length } : { kind: 'line', text: expect.any(String) }]);
      }),
      fuzzParams(50),
    );
  });

  it('splitNutWords gives a typed result within the word cap, and quoteNut round-trips any value', () => {
    fc.assert(
      fc.property(hostileLine, fc.array(fc.string({ unit: 'grapheme', maxLength: 20 }), { maxLength: 6 }), (line, values) => {
        const words = expectTypedResult(splitNutWords(line));
        if (words.ok) expect(words.value.length).toBeLessThanOrEqual(NUT_MAX_WORDS);
        expect(splitNutWords(values.map(quoteNut).join(' '))).toEqual({ ok: true, value: values });
      }),
      fuzzParams(1000),
    );
  });
});

describe('NUT answer collectors on hostile lines', () => {
  it('a single-line collector and a LIST collector step through any lines with typed steps, bounded rows', () => {
    fc.assert(
      fc.property(fc.array(hostileLine, { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 5 }), (lines, maxRows) => {
        const single = singleCollector((line) => ok(line));
        const list = listCollector(['VAR', UPS], maxRows, (w) => (w[0] === 'VAR' && w.length === 4 ? ok(w[3]!) : null));
        expectSaneStep(single(lines[0]!));
        for (const line of lines) {
          const step = list(line);
          expectSaneStep(step);
          if (step.kind === 'done') expect(step.value.length).toBeLessThanOrEqual(maxRows);
          if (step.kind !== 'more') break;
        }
      }),
      fuzzParams(1000),
    );
  });
});

describe('NutClient against a server that answers garbage', () => {
  const reply = fc.oneof(mixedStream(ANSWER_BYTES, NUT_MAX_LINE_CHARS, [LF]), fc.constantFrom(...ANSWER_BYTES), fc.constant(new Uint8Array(0)));
  const script = fc.array(fc.tuple(reply, cutPoints).map(([bytes, cuts]) => splitAt(bytes, cuts)), { maxLength: 3 });
  const job = fc.constantFrom('listVars', 'getVar', 'ver', 'netver', 'auth', 'login', 'listUps', 'logout');

  it('resolves every request with a typed NutClientError or a value, and no listener throws', async () => {
    await fc.assert(
      fc.asyncProperty(script, job, async (replies, what) => {
        const clock = new ManualClock();
        const link = scriptedLink(replies);
        const client = new NutClient(link, { schedule: clock.schedule }, { requestTimeoutMs: 1000 });
        const runs: Record<string, () => Promise<unknown>> = {
          listVars: () => client.listVars(UPS),
          getVar: () => client.getVar(UPS, 'ups.status'),
          ver: () => client.ver(),
          netver: () => client.netver(),
          auth: () => client.authenticate('mon', 'secret'),
          login: () => client.login(UPS),
          listUps: () => client.listUps(),
          logout: () => client.logout(),
        };
        const r = await clock.settle(runs[what]!() as Promise<{ ok: true; value: unknown } | { ok: false; error: unknown }>);
        expectTypedResult(r, CLIENT_ERROR_KINDS);
        if (r.ok && what === 'listVars') {
          // Whatever upsd listed, the reading mapping must not choke on it.
          const mapped = readingFromNutVars(r.value as Map<string, string>);
          for (const p of mapped.problems) expect(p.trim()).not.toBe('');
        }
        expect(link.listenerError).toBeUndefined();
        client.close();
      }),
      fuzzParams(200),
    );
  });
});

/** A transport whose far end is our own server's command handler, answering in chunks cut at `cuts`. */
function loopToServer(handler: NutCommandHandler, cuts: number[]): ByteTransport {
  const listeners = new Set<DataListener>();
  const conn = { address: 'fuzz' };
  return {
    write(bytes) {
      const line = Buffer.from(bytes).toString('utf8').replace(/\n$/, '');
      void handler.handle(line, conn).then((a) => {
        const out = Uint8Array.from(Buffer.from(a.lines.map((l) => `${l}\n`).join(''), 'utf8'));
        for (const chunk of splitAt(out, cuts)) for (const l of [...listeners]) l(chunk);
      });
    },
    onData(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    close() {
      listeners.clear();
    },
  };
}

describe('NUT server → client round trip', () => {
  const name = fc.stringMatching(/^[a-z][a-z0-9]{0,7}(\.[a-z0-9]{1,8}){0,3}$/);
  // Any text without control characters (the server flattens those, by design), quotes and backslashes included.
  const value = fc.string({ unit: 'grapheme', maxLength: 40 }).filter((v) => !/[\x00-\x1f\x7f]/.test(v));

  it('every variable our server lists comes back unchanged through our client, however the answer is split', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.tuple(name, value), { selector: ([n]) => n, maxLength: 20 }), cutPoints, async (vars, cuts) => {
        const clock = new ManualClock();
        const handler = new NutCommandHandler({ ups: [{ name: UPS }], provider: () => ({ vars: new Map(vars) }) });
        const client = new NutClient(loopToServer(handler, cuts), { schedule: clock.schedule });
        const listed = await clock.settle(client.listVars(UPS));
        expect(listed).toEqual({ ok: true, value: new Map(vars) });
        if (vars.length > 0) {
          const [n, v] = vars[0]!;
          expect(await clock.settle(client.getVar(UPS, n))).toEqual({ ok: true, value: v });
        }
        client.close();
      }),
      fuzzParams(200),
    );
  });

  it('regression: a numeric variable with digits past 1.8e308 is a problem, not Infinity (hw/ups/nutVars.ts parseDecimal)', () => {
    const mapped = readingFromNutVars(new Map([['ups.status', 'OL'], ['battery.charge', '9'.repeat(400)]]));
    expect(mapped.reading['battery.charge']).toBeUndefined();
    expect(mapped.problems).toEqual([expect.stringContaining('battery.charge is not a number')]);
  });
});
