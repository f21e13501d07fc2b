// Properties of parseMdstat/classifyArray: untrusted text never throws;
// mdstat rendered the way md.c prints it parses back to the same arrays;
// classification agrees with the level's tolerance on any generated array.

import fc from 'fast-check';
import { classifyArray, parseMdstat, type MdArray, type MdMember, type MdMemberRole } from '../../../hw/raid/mdstat';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const FIXTURE_LINES = readdirSync(join(__dirname, 'fixtures', 'mdstat')).flatMap((f) =>
  readFileSync(join(__dirname, 'fixtures', 'mdstat', f), 'utf8').split('\n'),
);

describe('parseMdstat never throws', () => {
  it('on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        const r = parseMdstat(text);
        expect(Array.isArray(r.errors)).toBe(true);
        for (const a of r.arrays) classifyArray(a);
      }),
      { numRuns: 500 },
    );
  });

  it('on shuffled, cut and mutated real mdstat lines', () => {
    const mutated = fc
      .tuple(fc.constantFrom(...FIXTURE_LINES), fc.nat(80), fc.nat(80), fc.string({ maxLength: 6 }))
      .map(([line, a, b, insert]) => {
        const at = Math.min(a, line.length);
        return line.slice(0, at) + insert + line.slice(Math.min(at + (b % 4), line.length));
      });
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...FIXTURE_LINES), mutated), { maxLength: 30 }), (lines) => {
        const r = parseMdstat(lines.join('\n'));
        for (const a of r.arrays) {
          const c = classifyArray(a);
          expect(c.reason.startsWith(a.name)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------- generator + renderer

const LEVELS = ['raid0', 'linear', 'raid1', 'raid4', 'raid5', 'raid6', 'raid10'] as const;
const FLAG_ORDER = ['W', 'J', 'F', 'S', 'R'];

const memberArb = fc
  .record({
    name: fc.stringMatching(/^(sd[a-z]{1,2}[0-9]{0,2}|dm-[0-9]{1,2}|nvme[0-9]n1p[0-9])$/),
    index: fc.nat(40),
    flags: fc.subarray(FLAG_ORDER),
  })
  .map(({ name, index, flags }): MdMember => {
    // md.c prints W, J, then F and stops; otherwise S, then R.
    const shown = flags.includes('F') ? flags.filter((f) => f === 'W' || f === 'J' || f === 'F') : flags;
    const strongest = ['F', 'S', 'J', 'R'].find((f) => shown.includes(f));
    const roleOf: Record<string, MdMemberRole> = { F: 'failed', S: 'spare', J: 'journal', R: 'replacement' };
    const role: MdMemberRole = strongest ? roleOf[strongest] : shown.includes('W') ? 'write-mostly' : 'active';
    return { name, index, role, writeMostly: shown.includes('W'), flags: shown };
  });

const tenths = fc.integer({ min: 0, max: 1000 }).map((t) => ({ text: `${Math.floor(t / 10)}.${t % 10}`, value: t / 10 }));

const syncArb = fc.option(
  fc.record({
    action: fc.constantFrom('recovery', 'resync', 'check', 'repair', 'reshape' as const),
    pct: tenths,
    done: fc.nat(1e9),
    total: fc.nat(1e9),
    finish: tenths,
    speed: fc.nat(1e6),
  }),
  { nil: null },
);

const arrayArb = fc.record({
  n: fc.nat(255),
  level: fc.constantFrom(...LEVELS),
  readOnly: fc.constantFrom(null, '(read-only)', '(auto-read-only)'),
  members: fc.array(memberArb, { minLength: 1, maxLength: 6 }),
  size: fc.nat(1e12),
  superVersion: fc.constantFrom(null, '1.0', '1.2', 'external:imsm'),
  chunk: fc.constantFrom(4, 64, 512),
  algorithm: fc.nat(5),
  map: fc.array(fc.constantFrom('U', '_'), { minLength: 1, maxLength: 8 }).map((m) => m.join('')),
  layout: fc.record({ kind: fc.constantFrom('near', 'far', 'offset' as const), copies: fc.integer({ min: 2, max: 3 }) }),
  sync: syncArb,
  queued: fc.option(fc.record({ action: fc.constantFrom('resync', 'recovery', 'check' as const), state: fc.constantFrom('DELAYED', 'PENDING' as const) }), {
    nil: null,
  }),
  bitmap: fc.option(fc.record({ used: fc.nat(64), total: fc.nat(64), kb: fc.nat(256), chunk: fc.constantFrom(64, 65536) }), { nil: null }),
});

type GenArray = typeof arrayArb extends fc.Arbitrary<infer T> ? T : never;

/** Render like md_seq_show, and return the MdArray the parser must produce. */
function render(g: GenArray, line: number): { text: string[]; expected: MdArray } {
  const striped = g.level === 'raid0' || g.level === 'linear';
  const memberText = g.members.map((m) => `${m.name}[${m.index}]${m.flags.map((f) => `(${f})`).join('')}`).join(' ');
  const text = [`md${g.n} : active${g.readOnly ? ` ${g.readOnly}` : ''} ${g.level} ${memberText}`];
  let size = `      ${g.size} blocks${g.superVersion ? ` super ${g.superVersion}` : ''}`;
  const parity = g.level === 'raid4' || g.level === 'raid5' || g.level === 'raid6';
  if (parity) size += ` level ${g.level.slice(4)}, ${g.chunk}k chunk, algorithm ${g.algorithm}`;
  if (g.level === 'raid0') size += ` ${g.chunk}k chunks`;
  if (g.level === 'linear') size += ` ${g.chunk}k rounding`;
  if (g.level === 'raid10') size += ` ${g.chunk}K chunks ${g.layout.copies} ${g.layout.kind}-copies`;
  const up = g.map.split('').filter((c) => c === 'U').length;
  if (!striped) size += ` [${g.map.length}/${up}] [${g.map}]`;
  text.push(size);
  if (g.sync) {
    const s = g.sync;
    text.push(`      [==>..................]  ${s.action} = ${s.pct.text}% (${s.done}/${s.total}) finish=${s.finish.text}min speed=${s.speed}K/sec`);
  } else if (g.queued) {
    text.push(`      \t${g.queued.action}=${g.queued.state}`);
  }
  if (g.bitmap) text.push(`      bitmap: ${g.bitmap.used}/${g.bitmap.total} pages [${g.bitmap.kb}KB], ${g.bitmap.chunk}KB chunk`);
  const layout = { near: 1, far: 1, offset: 1 };
  layout[g.layout.kind] = g.layout.copies;
  const expected: MdArray = {
    name: `md${g.n}`,
    state: 'active',
    readOnly: g.readOnly !== null,
    autoReadOnly: g.readOnly === '(auto-read-only)',
    level: g.level,
    members: g.members,
    sizeBlocks: g.size,
    superVersion: g.superVersion,
    // linear prints "Nk rounding", which is not a chunk size.
    chunkKB: g.level === 'raid1' || g.level === 'linear' ? null : g.chunk,
    algorithm: parity ? g.algorithm : null,
    raid10Layout: g.level === 'raid10' ? layout : null,
    raidDisks: striped ? null : g.map.length,
    activeDisks: striped ? null : up,
    map: striped ? null : g.map,
    sync: g.sync
      ? { action: g.sync.action, percent: g.sync.pct.value, doneBlocks: g.sync.done, totalBlocks: g.sync.total, finishMinutes: g.sync.finish.value, speedKPerSec: g.sync.speed }
      : null,
    syncQueued: !g.sync && g.queued ? g.queued : null,
    bitmap: g.bitmap ? { pagesUsed: g.bitmap.used, pagesTotal: g.bitmap.total, sizeKB: g.bitmap.kb, chunkKB: g.bitmap.chunk, file: null } : null,
    line,
  };
  return { text, expected };
}

function renderAll(arrays: GenArray[]): { text: string; expected: MdArray[] } {
  const lines = ['Personalities : [raid0] [raid1] [raid5] [raid6] [raid10] [linear]'];
  const expected: MdArray[] = [];
  for (const g of arrays) {
    const { text, expected: e } = render(g, lines.length + 1);
    lines.push(...text, '');
    expected.push(e);
  }
  lines.push('unused devices: <none>');
  return { text: lines.join('\n'), expected };
}

describe('parseMdstat reads back what md prints', () => {
  it('round-trips generated arrays', () => {
    fc.assert(
      fc.property(fc.array(arrayArb, { maxLength: 4 }), (arrays) => {
        const { text, expected } = renderAll(arrays);
        const r = parseMdstat(text);
        expect(r.errors).toEqual([]);
        expect(r.arrays).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});

const striped = (a: MdArray): boolean => a.level === 'raid0' || a.level === 'linear';

describe('classifyArray agrees with the level on generated arrays', () => {
  const TOLERANCE: Record<string, (slots: number) => number> = { raid1: (n) => n - 1, raid4: () => 1, raid5: () => 1, raid6: () => 2 };
  it('holds the invariants', () => {
    fc.assert(
      fc.property(arrayArb, (g) => {
        const a = render(g, 2).expected;
        const c = classifyArray(a);
        expect(c.reason.startsWith(`${a.name} ${a.level} ${c.state}: `)).toBe(true);
        const missing = a.map === null ? 0 : a.map.split('').filter((ch) => ch === '_').length;
        const anyFailed = a.members.some((m) => m.role === 'failed');
        if (striped(a)) expect(c.state).toBe(anyFailed ? 'failed' : 'ok');
        const tolerance = a.level ? TOLERANCE[a.level] : undefined;
        if (tolerance && a.map !== null) {
          if (missing > tolerance(a.map.length) || missing === a.map.length) expect(c.state).toBe('failed');
          else if (missing > 0) expect(['degraded', 'rebuilding']).toContain(c.state);
        }
        if (c.state === 'rebuilding') expect(a.sync?.action === 'resync' || a.sync?.action === 'recovery').toBe(true);
        if (c.state === 'ok' && a.map !== null) expect(missing).toBe(0);
        if (a.sync && !striped(a) && c.state !== 'failed') expect(c.reason).toContain(`${a.sync.action} ${a.sync.percent}% done`);
      }),
      { numRuns: 1000 },
    );
  });
});
