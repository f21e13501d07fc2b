// `fencing.levels`: the fencing topology (Pacemaker's fencing-topology). Each
// level is a list of device names; the fencer tries the levels in order and a
// level succeeds only when all its devices confirm. The names are checked
// against `fencing.devices` here, so a typo is an error at config check and
// not a fence that silently skips a device when it is needed.

import { z } from 'zod';
import { idString, type IssueParams } from './fields';

/** Pacemaker allows levels 1..9 per target. */
export const MAX_FENCE_LEVELS = 9;
export const MAX_DEVICES_PER_LEVEL = 8;

const LEVEL_EXPECTED = { error: `a level: a list of 1 to ${MAX_DEVICES_PER_LEVEL} device names` };
const LEVELS_EXPECTED = { error: `a list of 1 to ${MAX_FENCE_LEVELS} levels, each a list of device names` };

export function fenceLevels() {
  const level = z.array(idString(), LEVEL_EXPECTED).min(1, LEVEL_EXPECTED).max(MAX_DEVICES_PER_LEVEL, LEVEL_EXPECTED);
  return z.array(level, LEVELS_EXPECTED).min(1, LEVELS_EXPECTED).max(MAX_FENCE_LEVELS, LEVELS_EXPECTED);
}

/** Adds an issue for every unknown device name and every name repeated within one level. */
export function checkFenceLevels(ctx: z.RefinementCtx, levels: readonly string[][], deviceNames: readonly string[]): void {
  const known = new Set(deviceNames);
  const expectedName = `the name of a device in fencing.devices (${deviceNames.join(', ')})`;
  levels.forEach((level, i) => {
    const firstAt = new Map<string, number>();
    level.forEach((name, j) => {
      if (!known.has(name)) {
        ctx.addIssue({ code: 'custom', message: expectedName, path: ['levels', i, j] });
        return;
      }
      const first = firstAt.get(name);
      if (first === undefined) {
        firstAt.set(name, j);
        return;
      }
      const params: IssueParams = { note: `already in this level at fencing.levels[${i}][${first}]` };
      ctx.addIssue({ code: 'custom', message: 'a device not already in this level', path: ['levels', i, j], params });
    });
  });
}

/** Devices that no level names: configured (and monitored) but never used to fence. */
export function unusedDevices(levels: readonly string[][], deviceNames: readonly string[]): string[] {
  const used = new Set(levels.flat());
  return deviceNames.filter((n) => !used.has(n));
}
