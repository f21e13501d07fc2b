// A pseudo-terminal pair made by socat: one end at the path a driver opens (as
// if it were /dev/ttyS0), the other end for the simulator. PTYs carry bytes
// only (no modem lines, baud rate ignored; reference §11.1), which is all the
// Megatec and APC Smart simulators need.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PTY_READY_TIMEOUT_MS = 5000;

export interface PtyPair {
  /** The end a driver opens. */
  devicePath: string;
  /** The end the simulator opens. */
  simEndPath: string;
  /** Stop socat and remove the temp dir; the links disappear with socat. */
  close(): Promise<void>;
  /** Resolves when socat exits on its own or is closed, with its exit code and stderr. */
  readonly exited: Promise<{ code: number | null; stderr: string }>;
}

/** Create the pair; `devicePath` is where the driver-side link is made (its directory must exist). */
export async function openPtyPair(devicePath: string, timeoutMs = PTY_READY_TIMEOUT_MS): Promise<PtyPair> {
  const dir = mkdtempSync(join(tmpdir(), 'edge-ha-pty-'));
  const simEndPath = join(dir, 'simend');
  let child: ChildProcess;
  try {
    child = spawn('socat', [`pty,raw,echo=0,link=${devicePath}`, `pty,raw,echo=0,link=${simEndPath}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`cannot start socat: ${e instanceof Error ? e.message : String(e)}`);
  }
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4096)));
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => {
    child.once('error', (e) => resolve({ code: null, stderr: `${stderr}${e.message}` }));
    child.once('exit', (code) => resolve({ code, stderr }));
  });
  const cleanup = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const ready = await waitFor(() => existsSync(devicePath) && existsSync(simEndPath), exited, timeoutMs);
  if (ready !== 'ok') {
    await cleanup();
    const detail = ready === 'exited' ? `socat exited: ${stderr.trim() || 'no message'}` : `links not created within ${timeoutMs} ms`;
    throw new Error(`pty pair at ${devicePath} failed: ${detail}`);
  }
  return { devicePath, simEndPath, close: cleanup, exited };
}

async function waitFor(cond: () => boolean, exited: Promise<unknown>, timeoutMs: number): Promise<'ok' | 'exited' | 'timeout'> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (cond()) return 'ok';
    if (gone) return 'exited';
    await new Promise((r) => setTimeout(r, 20));
  }
  return 'timeout';
}
