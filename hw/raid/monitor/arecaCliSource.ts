// Areca via its host CLI as a RaidSource: run `cli64 rsf info` and
// `cli64 disk info` through an injected command runner, parse and classify
// with the existing arecaCli code. A failing `disk info` only loses detail.

import { classifyArecaRaidSet, parseArecaDiskInfo, parseArecaRsfInfo } from '../arecaCli';
import type { ArecaCliDisk } from '../arecaCliTypes';
import type { ArraySnapshot, RaidSource } from './types';

/** Runs a program; resolves with its exit code and output, never rejects. */
export type CommandRunner = (file: string, args: readonly string[]) => Promise<{ code: number | null; stdout: string; stderr: string; error?: string }>;

export interface ArecaCliSourceOptions {
  run: CommandRunner;
  /** Path of Areca's CLI (`cli64`, `/opt/areca/cli64`...). */
  cli?: string;
}

export function arecaCliSource(o: ArecaCliSourceOptions): RaidSource {
  const cli = o.cli ?? 'cli64';
  const describe = (args: string[], r: Awaited<ReturnType<CommandRunner>>): string | null => {
    if (r.error !== undefined) return `${cli} ${args.join(' ')}: ${r.error}`;
    if (r.code !== 0) return `${cli} ${args.join(' ')} exited ${r.code}${r.stderr.trim() === '' ? '' : `: ${r.stderr.trim().slice(0, 200)}`}`;
    return null;
  };
  return {
    name: 'areca-cli',
    read: async () => {
      const rsfRun = await o.run(cli, ['rsf', 'info']);
      const rsfError = describe(['rsf', 'info'], rsfRun);
      if (rsfError !== null) return { ok: false, error: rsfError };
      const rsf = parseArecaRsfInfo(rsfRun.stdout);
      if (rsf.status === null || rsf.status.code !== 0 || (rsf.raidSets.length === 0 && rsf.errors.length > 0)) {
        return { ok: false, error: `${cli} rsf info output not usable: ${rsf.errors.slice(0, 3).join('; ') || 'no raid sets'}` };
      }
      const warnings = rsf.errors.map((e) => `rsf info: ${e}`);
      let disks: ArecaCliDisk[] = [];
      const diskRun = await o.run(cli, ['disk', 'info']);
      const diskError = describe(['disk', 'info'], diskRun);
      if (diskError !== null) warnings.push(`${diskError} (raid sets judged without disk detail)`);
      else {
        const parsed = parseArecaDiskInfo(diskRun.stdout);
        disks = parsed.disks;
        warnings.push(...parsed.errors.map((e) => `disk info: ${e}`));
      }
      const arrays: ArraySnapshot[] = rsf.raidSets.map((set) => {
        const c = classifyArecaRaidSet(set, disks);
        const busy = set.progressPercent !== null || c.state === 'rebuilding';
        return {
          name: set.name,
          state: c.state,
          reason: c.reason,
          progress: busy ? { action: set.state.toLowerCase(), percent: set.progressPercent, finishMinutes: null, speedKPerSec: null } : null,
        };
      });
      return { ok: true, arrays, warnings };
    },
  };
}
