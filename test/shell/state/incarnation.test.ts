import fc from 'fast-check';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  computeNextIncarnation,
  MAX_INCARNATION,
  StateStore,
  validateIncarnationRecord,
} from '../../../src/shell/state';

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'ehi-'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const wallClock = fc.oneof(
  fc.integer({ min: 0, max: 2_000_000_000 }),
  fc.double({ noNaN: false }),
  fc.constantFrom(NaN, -1, Infinity, MAX_INCARNATION, MAX_INCARNATION + 1, 1e15),
);

const startValue = fc.option(fc.integer({ min: 0, max: MAX_INCARNATION }), { nil: undefined });
const saneWall = (wall: number): boolean => Number.isFinite(wall) && wall >= 1 && wall <= MAX_INCARNATION;

describe('computeNextIncarnation', () => {
  it('strictly increases, stays within u32 and follows a sane wall clock, whatever the clock does', () => {
    fc.assert(
      fc.property(startValue, fc.array(wallClock, { maxLength: 30 }), (start, clocks) => {
        let last = start;
        for (const wall of clocks) {
          if (last === MAX_INCARNATION) {
            expect(() => computeNextIncarnation(last, wall)).toThrow(/exhausted/);
            break;
          }
          const next = computeNextIncarnation(last, wall);
          if (last !== undefined) expect(next).toBeGreaterThan(last);
          expect(Number.isInteger(next)).toBe(true);
          expect(next).toBeGreaterThanOrEqual(1);
          expect(next).toBeLessThanOrEqual(MAX_INCARNATION);
          if (saneWall(wall)) expect(next).toBeGreaterThanOrEqual(Math.floor(wall));
          last = next;
        }
      }),
    );
  });

  it('refuses to wrap past u32', () => {
    expect(computeNextIncarnation(MAX_INCARNATION - 1, 5)).toBe(MAX_INCARNATION);
    expect(() => computeNextIncarnation(MAX_INCARNATION, 5)).toThrow(/incarnation counter is exhausted/);
  });

  it('validates the stored record', () => {
    expect(validateIncarnationRecord({ last: 12 })).toEqual({ last: 12 });
    expect(validateIncarnationRecord({ last: 1.5 })).toMatch(/"last" must be an integer/);
    expect(validateIncarnationRecord({ last: MAX_INCARNATION + 1 })).toMatch(/"last" must be an integer/);
    expect(validateIncarnationRecord([])).toMatch(/expected an object/);
  });
});

describe('StateStore.nextIncarnation', () => {
  it('never goes down when the wall clock goes backwards, across restarts', async () => {
    const first = await StateStore.open(root);
    expect(await first.nextIncarnation(1_700_000_000)).toBe(1_700_000_000);
    // Reboot with a flat RTC battery: the clock says 1970.
    const second = await StateStore.open(root);
    expect(await second.nextIncarnation(86_400)).toBe(1_700_000_001);
    const third = await StateStore.open(root);
    expect(await third.nextIncarnation(1_700_000_000.9)).toBe(1_700_000_002);
    expect(JSON.parse(fs.readFileSync(path.join(root, 'incarnation.json'), 'utf8'))).toEqual({ last: 1_700_000_002 });
  });

  it('still goes up from the wall clock when incarnation.json was lost', async () => {
    const store = await StateStore.open(root);
    await store.nextIncarnation(1_700_000_000);
    fs.unlinkSync(path.join(root, 'incarnation.json'));
    expect(await store.nextIncarnation(1_700_000_500)).toBe(1_700_000_500);
  });

  it('hands out distinct values to concurrent callers', async () => {
    const store = await StateStore.open(root);
    const values = await Promise.all([1, 2, 3, 4, 5].map(() => store.nextIncarnation(100)));
    expect(values).toEqual([100, 101, 102, 103, 104]);
  });

  it('refuses a corrupt counter instead of guessing', async () => {
    fs.writeFileSync(path.join(root, 'incarnation.json'), '{"last": "soon"}');
    const store = await StateStore.open(root);
    await expect(store.nextIncarnation(1_700_000_000)).rejects.toThrow(
      `state file ${path.join(root, 'incarnation.json')} is invalid: "last" must be an integer`,
    );
  });
});
