// Lets another process (the lab simulator, a person with an editor) flip the
// lines of a simulated chip: it writes a small JSON inputs file, we poll it
// and drive the chip's inputs; we write the host's outputs to a second JSON
// file it can poll. Two files, one writer each, so nobody overwrites the
// other's half. Polling rather than fs.watch: watch misses atomic renames on
// some filesystems, and a few reads a second cost nothing.
//
// Inputs file: {"power-good": 1, "3": 0}  (line name or offset -> 0/1)
// Outputs file: {"relay": 1, "led-active": 0} (claimed outputs only)

import { promises as fs } from 'node:fs';
import path from 'node:path';
import { err, ok, type Result } from '../ups/result';
import type { Cancel, Schedule } from '../ups/schedule';
import type { SimGpioChip } from './sim';
import type { Level } from './types';

/** A state file for a handful of lines is a few hundred bytes. */
export const MAX_BRIDGE_FILE_BYTES = 64 * 1024;

export interface GpioFileBridgeOptions {
  chip: SimGpioChip;
  inputsPath: string;
  /** Omit to not publish outputs. */
  outputsPath?: string;
  pollMs: number;
  schedule: Schedule;
  /** Each distinct problem once (bad JSON, unknown line), until the file is fixed. */
  onProblem?: (message: string) => void;
}

export interface GpioFileBridge {
  /** Read the inputs file once now (tests, and the first poll). */
  pollNow(): Promise<void>;
  stop(): void;
}

export function startGpioFileBridge(o: GpioFileBridgeOptions): GpioFileBridge {
  let stopped = false;
  let timer: Cancel | null = null;
  let lastProblem: string | null = null;
  let writing = Promise.resolve();
  const problem = (message: string | null): void => {
    if (message !== null && message !== lastProblem) o.onProblem?.(message);
    lastProblem = message;
  };
  const pollNow = async (): Promise<void> => {
    const text = await readBounded(o.inputsPath);
    if (stopped) return;
    if (!text.ok) return problem(text.error);
    if (text.value === null) return problem(null); // no file yet: the simulator has not started
    const parsed = parseGpioInputs(text.value);
    if (!parsed.ok) return problem(`${o.inputsPath}: ${parsed.error}`);
    const unknown: string[] = [];
    for (const [ref, level] of parsed.value) {
      const offset = o.chip.offsetOf(/^\d+$/.test(ref) ? Number(ref) : ref);
      if (offset === undefined) unknown.push(ref);
      else o.chip.drive(offset, level);
    }
    problem(unknown.length > 0 ? `${o.inputsPath}: ${o.chip.chipName} has no line(s) ${unknown.join(', ')}` : null);
  };
  const loop = (): void => {
    timer = o.schedule(o.pollMs, () => {
      void pollNow().finally(() => {
        if (!stopped) loop();
      });
    });
  };
  const stopOutputs = o.outputsPath === undefined ? () => undefined : o.chip.onChange(() => {
    writing = writing.then(() => publishOutputs(o.chip, o.outputsPath!).catch((e: Error) => problem(`cannot write ${o.outputsPath}: ${e.message}`)));
  });
  if (o.outputsPath !== undefined) writing = publishOutputs(o.chip, o.outputsPath).catch((e: Error) => problem(`cannot write ${o.outputsPath}: ${e.message}`));
  void pollNow().finally(() => {
    if (!stopped) loop();
  });
  return {
    pollNow,
    stop() {
      stopped = true;
      timer?.();
      stopOutputs();
    },
  };
}

/** Parse an inputs file; every value must be 0 or 1 (or true/false). Never throws. */
export function parseGpioInputs(text: string): Result<Array<[string, Level]>, string> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return err(`not valid JSON (${(e as Error).message})`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return err('must be a JSON object of line name -> 0 or 1');
  const out: Array<[string, Level]> = [];
  for (const [ref, v] of Object.entries(data as Record<string, unknown>)) {
    if (v === 0 || v === false) out.push([ref, 0]);
    else if (v === 1 || v === true) out.push([ref, 1]);
    else return err(`line ${JSON.stringify(ref)} must be 0 or 1, got ${JSON.stringify(v)}`);
  }
  return ok(out);
}

/** World side (the simulator process): replace the inputs file atomically. */
export async function writeGpioInputsFile(file: string, levels: Readonly<Record<string, Level>>): Promise<void> {
  await writeAtomic(file, `${JSON.stringify(levels)}\n`);
}

/** World side: the host's outputs as last published; null when absent or unreadable. */
export async function readGpioOutputsFile(file: string): Promise<Record<string, Level> | null> {
  const text = await readBounded(file);
  if (!text.ok || text.value === null) return null;
  const parsed = parseGpioInputs(text.value);
  return parsed.ok ? Object.fromEntries(parsed.value) : null;
}

async function publishOutputs(chip: SimGpioChip, file: string): Promise<void> {
  const levels: Record<string, Level> = {};
  for (let i = 0; i < chip.lineCount; i++) {
    if (chip.claimedAs(i) === 'out') levels[chip.lineName(i)] = chip.level(i);
  }
  await writeAtomic(file, `${JSON.stringify(levels)}\n`);
}

/** null when the file does not exist; an error when it is unreadable or too big. */
async function readBounded(file: string): Promise<Result<string | null, string>> {
  let handle: fs.FileHandle | null = null;
  try {
    handle = await fs.open(file, 'r');
    const buf = Buffer.alloc(MAX_BRIDGE_FILE_BYTES + 1);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    if (bytesRead > MAX_BRIDGE_FILE_BYTES) return err(`${file} is larger than ${MAX_BRIDGE_FILE_BYTES} bytes`);
    return ok(buf.subarray(0, bytesRead).toString('utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return ok(null);
    return err(`cannot read ${file}: ${(e as Error).message}`);
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

async function writeAtomic(file: string, text: string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  await fs.writeFile(tmp, text);
  await fs.rename(tmp, file);
}
