// NUT dumps (hw/ups/nutDump.ts: nut-ddl .dev/.seq files, `upsc` output) and
// the NUT-variable mapping behind them (hw/ups/nutVars.ts), fed the real
// fixtures with edited tokens, repeated lines and flipped bytes.

import fc from 'fast-check';
import { NUT_DUMP_MAX_CHARS, NUT_DUMP_MAX_STEPS, NUT_DUMP_MAX_VARS, parseNutDump } from '../../../hw/ups/nutDump';
import { readingFromNutVars, readingToNutVars } from '../../../hw/ups/nutVars';
import { UPS_STATUS_TOKENS } from '../../../hw/ups/model';
import { fuzzParams } from './arbitraries/params';
import { NUT_DUMPS } from './arbitraries/seeds';
import { hostileText } from './arbitraries/text';
import { check, expectTypedResult } from './expectTyped';

const DUMP_WORDS = ['#CMD:', '#BAD:', '#COMMENT:', 'TIMER', 'ups.status:', 'OL', 'OB', 'LB', 'battery.charge:'];
const dumpText = hostileText(
  NUT_DUMPS.map((d) => d.text),
  DUMP_WORDS,
);
const VAR_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

describe('parseNutDump on hostile dumps', () => {
  it('returns a typed result whose every part is bounded and every problem names its line', () => {
    fc.assert(
      fc.property(dumpText, (text) => {
        const r = expectTypedResult(parseNutDump(text));
        if (!r.ok) return;
        const d = r.value;
        const lineCount = text.split(/\r?\n/).length;
        const allVars = [d.vars, ...d.timeline.map((s) => s.changes)];
        expect(allVars.reduce((n, m) => n + m.size, 0)).toBeLessThanOrEqual(NUT_DUMP_MAX_VARS);
        expect(d.timeline.length).toBeLessThanOrEqual(NUT_DUMP_MAX_STEPS);
        for (const vars of allVars) for (const name of vars.keys()) check(VAR_NAME.test(name), () => `variable name ${JSON.stringify(name)}`);
        for (const p of d.problems) {
          check(p.line >= 1 && p.line <= lineCount, () => `problem on line ${p.line} of ${lineCount}`);
          check(p.message.trim() !== '', () => `empty problem message on line ${p.line}`);
        }
        // At most one problem per input line: garbage cannot grow the list faster than the input.
        expect(d.problems.length).toBeLessThanOrEqual(lineCount);
      }),
      fuzzParams(1000),
    );
  });

  it('the reading mapping never throws, keeps only known status tokens and finite numbers', () => {
    fc.assert(
      fc.property(dumpText, (text) => {
        const r = parseNutDump(text);
        if (!r.ok) return;
        const { reading, problems } = readingFromNutVars(r.value.vars);
        for (const t of reading['ups.status']) check(UPS_STATUS_TOKENS.includes(t), () => `status token ${t}`);
        for (const [k, v] of Object.entries(reading)) check(typeof v !== 'number' || Number.isFinite(v), () => `${k} = ${v}`);
        for (const p of problems) check(p.trim() !== '', () => 'empty problem');
      }),
      fuzzParams(1000),
    );
  });

  it('round-trips a reading through NUT variables (the encoder our server publishes with)', () => {
    fc.assert(
      fc.property(dumpText, (text) => {
        const r = parseNutDump(text);
        if (!r.ok) return;
        const first = readingFromNutVars(r.value.vars).reading;
        // NUT's number grammar has no exponent; String() writes one outside [1e-6, 1e21) (reported, not fixed here).
        const representable = Object.values(first).every((v) => typeof v !== 'number' || v === 0 || (Math.abs(v) >= 1e-6 && Math.abs(v) < 1e21));
        fc.pre(representable);
        // "-0" reads as -0 and prints as "0": the same reading, so zeros are compared without their sign.
        const unsigned = (r: object) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === 0 ? 0 : v]));
        expect(unsigned(readingFromNutVars(readingToNutVars(first)).reading)).toEqual(unsigned(first));
      }),
      fuzzParams(1000),
    );
  });

  it('refuses input past its size limit and caps variables and TIMER steps', () => {
    expect(parseNutDump('x'.repeat(NUT_DUMP_MAX_CHARS + 1))).toEqual({ ok: false, error: expect.stringContaining(`${NUT_DUMP_MAX_CHARS}`) });
    const timers = Array.from({ length: NUT_DUMP_MAX_STEPS + 5 }, (_, i) => `TIMER ${i}\nups.load: ${i}`).join('\n');
    const t = parseNutDump(timers);
    expect(t.ok && t.value.timeline.length).toBe(NUT_DUMP_MAX_STEPS);
    const vars = Array.from({ length: NUT_DUMP_MAX_VARS + 5 }, (_, i) => `v${i}: ${i}`).join('\n');
    const v = parseNutDump(vars);
    expect(v.ok && v.value.vars.size).toBe(NUT_DUMP_MAX_VARS);
    expect(v.ok && v.value.problems).toEqual([expect.objectContaining({ message: expect.stringContaining(`more than ${NUT_DUMP_MAX_VARS}`) })]);
  });
});
