// The simulated RAID of one node of the pair: a two-disk md RAID1 whose
// /proc/mdstat text the supervisor writes to a file in the node's run dir
// (the daemon's `hardware.raid: [{driver: md, mdstat: FILE}]` reads it). A disk
// can fail (`[U_]`, the member marked `(F)`), be replaced and rebuilt (a
// recovery line whose progress advances on a timer, as the kernel shows it),
// and the array ends healthy again. Writes go to a temporary file renamed over
// the old one, so the daemon never reads half a file.

import { promises as fs } from 'node:fs';

/** The array's blocks (1 KiB each): a 10 GiB mirror. */
export const MD_BLOCKS = 10_476_544;
/** How long a rebuild takes from start to healthy (the demo's pace, not a disk's). */
export const DEFAULT_REBUILD_MS = 20_000;
/** How often the recovery line's progress is rewritten. */
export const REBUILD_TICK_MS = 1000;

export type MdSimState =
  | { kind: 'healthy'; replaced: boolean }
  | { kind: 'failed' }
  /** permille: recovery progress 0..999 (1000 is healthy). */
  | { kind: 'recovering'; permille: number };

/** The kernel's progress bar: 20 cells, `=` per 5 %, one `>` (drivers/md/md.c status_resync). */
export function progressBar(permille: number): string {
  const done = Math.max(0, Math.min(20, Math.floor(permille / 50)));
  return `[${'='.repeat(done)}>${'.'.repeat(20 - done)}]`;
}

/** The whole mdstat text of the node's array in this state. */
export function mdstatText(state: MdSimState, rebuildMs = DEFAULT_REBUILD_MS): string {
  // A disk that was replaced comes back in a new slot (sdb1[2]), as `mdadm --add` does.
  const second = state.kind === 'failed' ? 'sdb1[1](F)' : state.kind === 'recovering' || state.replaced ? 'sdb1[2]' : 'sdb1[1]';
  const complete = state.kind === 'healthy';
  const lines = [
    'Personalities : [raid1] ',
    `md0 : active raid1 ${second} sda1[0]`,
    `      ${MD_BLOCKS} blocks super 1.2 [2/${complete ? 2 : 1}] [${complete ? 'UU' : 'U_'}]`,
  ];
  if (state.kind === 'recovering') lines.push(`      ${progressBar(state.permille)}  recovery = ${recoveryFigures(state.permille, rebuildMs)}`);
  lines.push('      ', 'unused devices: <none>', '');
  return lines.join('\n');
}

/** `28.4% (2975338/10476544) finish=0.2min speed=523827K/sec`, with the kernel's spacing (`%3u.%u%%`). */
function recoveryFigures(permille: number, rebuildMs: number): string {
  const done = Math.floor((MD_BLOCKS * permille) / 1000);
  const speedKPerSec = Math.max(1, Math.round(MD_BLOCKS / (rebuildMs / 1000)));
  const finishTenthsMin = Math.round(((MD_BLOCKS - done) / speedKPerSec / 60) * 10);
  const percent = `${String(Math.floor(permille / 10)).padStart(3)}.${permille % 10}%`;
  return `${percent} (${done}/${MD_BLOCKS}) finish=${Math.floor(finishTenthsMin / 10)}.${finishTenthsMin % 10}min speed=${speedKPerSec}K/sec`;
}

export type DiskAction = 'fail' | 'rebuild' | 'repair';
export const DISK_ACTIONS: readonly DiskAction[] = ['fail', 'rebuild', 'repair'];

export interface MdstatSimOptions {
  path: string;
  rebuildMs?: number;
  tickMs?: number;
  /** Told about every change the rebuild timer makes on its own (progress steps are not reported, the end is). */
  onChange?: (description: string) => void;
}

/** One node's array, kept in its mdstat file. */
export class MdstatSim {
  private stateNow: MdSimState = { kind: 'healthy', replaced: false };
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly opts: MdstatSimOptions) {}

  get state(): MdSimState {
    return this.stateNow;
  }

  get path(): string {
    return this.opts.path;
  }

  /** Writes the healthy array. */
  start(): Promise<void> {
    return this.write();
  }

  /** Applies one action; resolves with what happened (for the event log) once the file is written, or rejects with why not. */
  async apply(action: DiskAction): Promise<string> {
    const s = this.stateNow;
    if (action === 'fail') {
      if (s.kind === 'failed') throw new Error('sdb1 has already failed (md0 [U_]); rebuild or repair it first');
      this.stopTimer();
      this.stateNow = { kind: 'failed' };
      await this.write();
      return `disk sdb1 failed: md0 degraded [2/1] [U_] (sdb1 marked (F))${s.kind === 'recovering' ? '; the rebuild stopped' : ''}`;
    }
    if (action === 'rebuild') {
      if (s.kind === 'healthy') throw new Error('md0 is healthy [UU]: nothing to rebuild (fail a disk first)');
      if (s.kind === 'recovering') throw new Error(`md0 is already rebuilding (${(s.permille / 10).toFixed(1)}%)`);
      this.stateNow = { kind: 'recovering', permille: 0 };
      this.armTimer();
      await this.write();
      return `sdb1 replaced: md0 recovery started, healthy again in about ${Math.round(this.rebuildMs / 1000)} s`;
    }
    if (s.kind === 'healthy') throw new Error('md0 is already healthy [UU]');
    this.stopTimer();
    this.stateNow = { kind: 'healthy', replaced: true };
    await this.write();
    return 'sdb1 replaced and md0 in sync at once: healthy [2/2] [UU]';
  }

  /** Stops the rebuild timer; the file stays as it is. */
  async stop(): Promise<void> {
    this.stopTimer();
    await this.writing;
  }

  private get rebuildMs(): number {
    return this.opts.rebuildMs ?? DEFAULT_REBUILD_MS;
  }

  private armTimer(): void {
    const tickMs = this.opts.tickMs ?? REBUILD_TICK_MS;
    const step = Math.max(1, Math.round((1000 * tickMs) / this.rebuildMs));
    this.timer = setInterval(() => {
      const s = this.stateNow;
      if (s.kind !== 'recovering') return this.stopTimer();
      const next = s.permille + step;
      if (next >= 1000) {
        this.stopTimer();
        this.stateNow = { kind: 'healthy', replaced: true };
        void this.write().then(() => this.opts.onChange?.('md0 recovery finished: healthy [2/2] [UU]'));
      } else {
        this.stateNow = { kind: 'recovering', permille: next };
        void this.write();
      }
    }, tickMs);
    this.timer.unref();
  }

  private stopTimer(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** Serialised: two quick changes must land in order. */
  private write(): Promise<void> {
    const text = mdstatText(this.stateNow, this.rebuildMs);
    const tmp = `${this.opts.path}.tmp`;
    this.writing = this.writing
      .catch(() => undefined)
      .then(async () => {
        await fs.writeFile(tmp, text, { mode: 0o644 });
        await fs.rename(tmp, this.opts.path);
      });
    return this.writing;
  }
}
