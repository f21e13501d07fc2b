// Drives runSimDevice from a test: stdin/stdout as streams, replies as parsed JSON.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runSimDevice, type RunningSimDevice, type RunSimDeviceOptions } from '../../../hw/simdevice/runSimDevice';

export interface SimHarness {
  sim: RunningSimDevice;
  link: string;
  /** Send one control line and wait for its reply. */
  send(line: string | object): Promise<Record<string, unknown>>;
  /** Replies received so far (including ready/events). */
  replies: Record<string, unknown>[];
  stop(): Promise<void>;
}

export async function startSim(opts: Partial<RunSimDeviceOptions> & { kind: string }): Promise<SimHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'edge-ha-simdev-'));
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const replies: Record<string, unknown>[] = [];
  const waiting: ((r: Record<string, unknown>) => void)[] = [];
  let buf = '';
  stdout.on('data', (b: Buffer) => {
    buf += b.toString();
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const r = JSON.parse(buf.slice(0, i)) as Record<string, unknown>;
      buf = buf.slice(i + 1);
      replies.push(r);
      if ('ok' in r) waiting.shift()?.(r);
    }
  });
  const link = join(dir, 'ttyUPS');
  const sim = await runSimDevice({ linkPath: link, stdin, stdout, ...opts });
  return {
    sim,
    link,
    replies,
    send: (line) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no reply to ${JSON.stringify(line)}`)), 3000);
        waiting.push((r) => (clearTimeout(timer), resolve(r)));
        stdin.write(`${typeof line === 'string' ? line : JSON.stringify(line)}\n`);
      }),
    stop: async () => {
      stdin.end();
      await sim.done;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
