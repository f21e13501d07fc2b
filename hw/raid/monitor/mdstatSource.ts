// Linux md as a RaidSource: read /proc/mdstat (path injectable) with the
// existing bounded reader and classify each array with classifyArray.

import { classifyArray } from '../mdstatClassify';
import { readMdstat, type MdstatReaderOptions } from '../mdstatReader';
import type { ArraySnapshot, RaidSource } from './types';

export function mdstatSource(options: MdstatReaderOptions = {}): RaidSource {
  return {
    name: 'mdstat',
    read: async () => {
      const r = await readMdstat(options);
      if (!r.ok) return { ok: false, error: r.error.message };
      const arrays: ArraySnapshot[] = r.mdstat.arrays.map((a) => {
        const c = classifyArray(a);
        const s = a.sync;
        return {
          name: a.name,
          state: c.state,
          reason: c.reason,
          progress: s === null ? null : { action: s.action, percent: s.percent, finishMinutes: s.finishMinutes, speedKPerSec: s.speedKPerSec },
        };
      });
      return { ok: true, arrays, warnings: r.mdstat.errors.map((e) => `${r.path}: ${e}`) };
    },
  };
}
