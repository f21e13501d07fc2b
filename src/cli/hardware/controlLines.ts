// The control channel of the simulators this directory adds to sim-device
// (raid-areca, ups-gpio, watchdog), shaped like hw/simdevice's: one JSON
// object per stdin line, one JSON reply per line on stdout, in order.

import type { Readable, Writable } from 'node:stream';
import { BoundedLines, CONTROL_MAX_LINE_CHARS } from '../../../hw/simdevice/control';

export { BoundedLines };

export type ControlReply = Record<string, unknown>;

/** Parses a line as one JSON object with exactly one key; an error names what is wrong. */
export function parseCommandObject(line: string, known: readonly string[]): { ok: true; key: string; arg: unknown } | { ok: false; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    return { ok: false, error: `not JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, error: `a command must be a JSON object with one key (${known.join(', ')})` };
  const keys = Object.keys(value);
  if (keys.length !== 1) return { ok: false, error: `a command needs exactly one key (${known.join(', ')}), got ${keys.length}` };
  const key = keys[0]!;
  if (!known.includes(key)) return { ok: false, error: `unknown command "${key.slice(0, 40)}" (known: ${known.join(', ')})` };
  return { ok: true, key, arg: (value as Record<string, unknown>)[key] };
}

export interface ControlChannel {
  reply(obj: ControlReply): void;
  /** Stop reading stdin. */
  detach(): void;
}

/**
 * Feeds stdin lines to `execute` one at a time and writes each reply;
 * `onEnd` runs when stdin ends (EOF, Ctrl-D).
 */
export function attachControl(stdin: Readable, stdout: Writable, execute: (line: string) => ControlReply | Promise<ControlReply>, onEnd: () => void): ControlChannel {
  const lines = new BoundedLines();
  const reply = (obj: ControlReply) => void stdout.write(`${JSON.stringify(obj)}\n`);
  let chain = Promise.resolve();
  const onData = (chunk: Buffer | string) => {
    for (const line of lines.push(chunk.toString())) {
      if (line !== null && line.trim() === '') continue;
      chain = chain
        .then(() => (line === null ? { ok: false, error: `command line longer than ${CONTROL_MAX_LINE_CHARS} characters ignored` } : execute(line)))
        .then(reply, (e: unknown) => reply({ ok: false, error: e instanceof Error ? e.message : String(e) }));
    }
  };
  stdin.on('data', onData);
  stdin.once('end', onEnd);
  return {
    reply,
    detach: () => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
    },
  };
}
