// /proc/mdstat (hw/raid/mdstat*.ts): the parser, the classification and the
// bounded reader, fed the real mdstat fixtures (plus a raid10 one) with edited
// tokens, extreme numbers, repeated lines and flipped bytes.

import fc from 'fast-check';
import { classifyMdstat, MDSTAT_MAX_ARRAYS, MDSTAT_MAX_CHARS, parseMdstat } from '../../../hw/raid/mdstat';
import { raid10LostCopySet } from '../../../hw/raid/mdstatClassify';
import { readMdstat } from '../../../hw/raid/mdstatReader';
import { MAX_ERRORS, RAID_STATES } from '../../../hw/raid/types';
import { fuzzParams } from './arbitraries/params';
import { MDSTAT_RAID10, MDSTAT_TEXTS } from './arbitraries/seeds';
import { hostileText } from './arbitraries/text';
import { check, expectBoundedErrors } from './expectTyped';

const MD_WORDS = ['raid10', 'raid5', 'raid0', 'linear', 'inactive', '(F)', '(S)', '(W)(F)', '[U_U]', '[3/2]', 'near-copies', 'far-copies', 'resync=DELAYED', 'recovery', 'Personalities', 'md9'];
const mdstatText = hostileText(MDSTAT_TEXTS, MD_WORDS);

/** The classification is one of the four states, and its sentence starts with the array's name. */
function expectSaneClassification(text: string): void {
  const parsed = parseMdstat(text);
  // One slot over MAX_ERRORS for the "n more errors" line.
  expectBoundedErrors(parsed.errors, MAX_ERRORS + 1);
  check(parsed.arrays.length <= MDSTAT_MAX_ARRAYS, () => `${parsed.arrays.length} arrays`);
  for (const c of classifyMdstat(parsed)) {
    check(RAID_STATES.includes(c.state), () => `state ${String(c.state)} for ${c.name}`);
    check(c.reason.startsWith(c.name), () => `reason ${JSON.stringify(c.reason)} does not start with ${c.name}`);
  }
}

describe('parseMdstat and classifyMdstat on hostile input', () => {
  it('never throw, keep errors and arrays bounded, and classify every array into a known state', () => {
    fc.assert(fc.property(mdstatText, expectSaneClassification), fuzzParams(1500));
  });

  it('stay fast on a raid10 line claiming any number of copies', () => {
    const huge = fc.constantFrom('9007199254740991', '4294967296', '100000000', '0', '1', '3');
    fc.assert(
      fc.property(huge, huge, fc.constantFrom('near', 'far', 'offset'), (a, b, kind) => {
        const text = MDSTAT_RAID10.replace('2 near-copies', `${a} near-copies ${b} ${kind}-copies`);
        const started = process.hrtime.bigint();
        expectSaneClassification(text);
        // The old nested loops ran near × far times per slot: 2^53 copies never finished.
        expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(500);
      }),
      fuzzParams(60),
    );
  });

  it('regression: 2^53 near-copies classifies at once instead of hanging (hw/raid/mdstatClassify.ts raid10LostCopySet)', () => {
    const text = MDSTAT_RAID10.replace('2 near-copies', '9007199254740991 near-copies');
    expect(classifyMdstat(parseMdstat(text))).toEqual([{ name: 'md2', state: 'degraded', reason: expect.stringContaining('md2 raid10 degraded') }]);
  });
});

/** The copy-set search as first written (nested loops over every copy), kept as the oracle for small layouts. */
function lostCopySetByBruteForce(map: string, near: number, far: number): number[] | null {
  const d = map.length;
  if (d === 0) return null;
  for (let k = 0; k < d; k++) {
    const slots = new Set<number>();
    for (let n = 0; n < near; n++) for (let f = 0; f < far; f++) slots.add((k * near + n + f * near) % d);
    const sorted = [...slots].sort((x, y) => x - y);
    if (sorted.every((slot) => map[slot] !== 'U')) return sorted;
  }
  return null;
}

describe('raid10 copy sets', () => {
  it('the O(d) search finds the same first lost copy set as the brute-force one', () => {
    const map = fc.array(fc.constantFrom('U', '_'), { minLength: 0, maxLength: 24 }).map((a) => a.join(''));
    const copies = fc.integer({ min: 0, max: 30 });
    fc.assert(
      fc.property(map, copies, copies, copies, (m, near, far, offset) => {
        const expected = lostCopySetByBruteForce(m, near, Math.max(far, offset));
        expect(raid10LostCopySet(m, { near, far, offset })).toEqual(expected);
      }),
      fuzzParams(3000),
    );
  });
});

describe('readMdstat on hostile files', () => {
  it('returns the typed ok/error shape for any content, size or reader failure', async () => {
    const outcome = fc.oneof(
      mdstatText.map((t) => ({ kind: 'text' as const, bytes: Buffer.from(t, 'latin1') })),
      fc.uint8Array({ maxLength: 600 }).map((b) => ({ kind: 'text' as const, bytes: Buffer.from(b) })),
      fc.constantFrom({ kind: 'enoent' as const }, { kind: 'eio' as const }, { kind: 'throw-string' as const }),
    );
    await fc.assert(
      fc.asyncProperty(outcome, fc.integer({ min: 1, max: 4096 }), async (o, maxBytes) => {
        const readFile = async (_path: string, limit: number): Promise<Buffer> => {
          if (o.kind === 'enoent') throw Object.assign(new Error('gone'), { code: 'ENOENT' });
          if (o.kind === 'eio') throw Object.assign(new Error('I/O error'), { code: 'EIO' });
          if (o.kind === 'throw-string') throw 'not an Error';
          return o.bytes.subarray(0, limit);
        };
        const r = await readMdstat({ path: '/fuzz/mdstat', maxBytes, readFile, timeoutMs: 1000 });
        if (r.ok) {
          expectBoundedErrors(r.mdstat.errors, MAX_ERRORS + 2);
          if (o.kind === 'text' && o.bytes.length > maxBytes) expect(r.mdstat.errors[0]).toContain(`longer than ${maxBytes} bytes`);
        } else {
          expect(['not-found', 'io', 'timeout']).toContain(r.error.code);
          expect(r.error.message).toContain('/fuzz/mdstat');
        }
      }),
      fuzzParams(400),
    );
  });

  it('parses no more than MDSTAT_MAX_CHARS and says so', () => {
    const r = parseMdstat(`Personalities : [raid1]\n${'x'.repeat(MDSTAT_MAX_CHARS)}`);
    expect(r.errors[0]).toContain(`only the first ${MDSTAT_MAX_CHARS} were parsed`);
  });
});
