// The live terminal view of `edge-ha pair`: redraws both nodes every 250 ms
// and turns single keys into faults. Raw mode, alternate screen, hidden
// cursor; all three are undone on every way out (quit, signal, crash), see
// restoreTerminal.

import type { ReadStream, WriteStream } from 'node:tty';
import { writeSync } from 'node:fs';
import type { CommandOutcome, NodeStatusResult } from './events';
import { formatEvent } from './format';
import type { PairCommand } from './commands';
import { execute, lineContext } from './script';
import type { PairSupervisor } from './supervisor';
import { renderView } from './viewRender';

export const REDRAW_INTERVAL_MS = 250;
const MESSAGES_KEPT = 8;
const ENTER = '\x1b[?1049h\x1b[?25l';
const LEAVE = '\x1b[?25h\x1b[?1049l';

export interface ViewOptions {
  input: ReadStream;
  output: WriteStream;
  stopSignal: Promise<void>;
}

/** What each key does: the same commands as script mode. null: the key means nothing. */
export function keyCommand(key: string): PairCommand | null {
  switch (key) {
    case 'c':
      return { kind: 'crash', target: 'active' };
    case 'f':
      return { kind: 'freeze', target: 'active', seconds: 5 };
    case 'x':
      return { kind: 'cut', path: 'crossover' };
    case 'a':
      return { kind: 'cut', path: 'all' };
    case 'h':
      return { kind: 'heal' };
    case 's':
      return { kind: 'switchover' };
    case 'w':
      return { kind: 'hang', target: 'active' };
    case 'u':
      return { kind: 'ups', target: 'active', action: 'battery' };
    case 'l':
      return { kind: 'ups', target: 'active', action: 'low' };
    case 'm':
      // Every node: after a switchover the UPS on battery may be the standby's.
      return { kind: 'ups', target: 'all', action: 'line' };
    case 'd':
      return { kind: 'disk', target: 'active', action: 'fail' };
    case 'r':
      return { kind: 'disk', target: 'all', action: 'rebuild' };
    case 'q':
    case '\x03': // Ctrl-C: raw mode turns it into a key, not SIGINT
    case '\x04': // Ctrl-D
      return { kind: 'quit' };
    default:
      return null;
  }
}

async function onKey(sup: PairSupervisor, key: string, stopSignal: Promise<void>): Promise<CommandOutcome | 'quit'> {
  const command = keyCommand(key);
  if (command === null) return { ok: false, message: `key ${JSON.stringify(key)} does nothing; see the keys below` };
  if (command.kind === 'quit') return 'quit';
  return execute(sup, command, stopSignal);
}

/** Puts the terminal back: cursor, main screen, cooked mode. Safe to call more than once, and from an 'exit' handler. */
export function restoreTerminal(input: ReadStream, output: WriteStream): void {
  try {
    if (input.isRaw) input.setRawMode(false);
  } catch {
    // The terminal may already be gone (hang-up).
  }
  try {
    // Synchronous: this also runs from process 'exit', where async writes are lost.
    writeSync((output as unknown as { fd?: number }).fd ?? 1, LEAVE);
  } catch {
    // Same.
  }
}

/** Runs the view until `q` (or Ctrl-C) or stopSignal. */
export function runView(sup: PairSupervisor, opts: ViewOptions): Promise<void> {
  const { input, output } = opts;
  const ctx = lineContext(sup, false);
  const messages: string[] = [];
  const note = (text: string): void => {
    messages.push(text);
    if (messages.length > MESSAGES_KEPT) messages.shift();
  };
  const statuses: Array<NodeStatusResult | null> = [null, null];
  const polling = [false, false];
  let finished = false;

  const draw = (): void => {
    const snaps = sup.snapshot();
    const nodes = snaps.map((snap, i) => ({ snap, status: statuses[i] ?? null }));
    const colour = process.env.NO_COLOR === undefined;
    const lines = renderView({ tMs: sup.now(), nodes, messages, width: output.columns ?? 100, height: output.rows ?? 40, colour });
    output.write(`\x1b[H${lines.join('\x1b[K\r\n')}\x1b[J`);
  };
  const poll = async (index: 0 | 1): Promise<void> => {
    if (polling[index]) return;
    polling[index] = true;
    statuses[index] = await sup.nodeStatus(index);
    polling[index] = false;
  };

  return new Promise<void>((resolve) => {
    const onExit = (): void => restoreTerminal(input, output);
    const unsubscribe = sup.onEvent((event) => note(formatEvent(event, ctx)), true);
    const timer = setInterval(() => {
      void poll(0);
      void poll(1);
      draw();
    }, REDRAW_INTERVAL_MS);
    const finish = (): void => {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      unsubscribe();
      input.removeListener('data', onData);
      input.pause();
      restoreTerminal(input, output);
      process.removeListener('exit', onExit);
      resolve();
    };
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      // Arrow and function keys arrive as escape sequences: not ours.
      if (text.startsWith('\x1b')) return;
      for (const key of text) {
        void onKey(sup, key, opts.stopSignal).then((r) => {
          if (finished) return; // the screen is no longer ours
          if (r === 'quit') return finish();
          note(`t=${Math.round(sup.now())}ms ${r.ok ? 'ok' : 'error'}: ${r.message}`);
          draw();
        });
      }
    };
    process.on('exit', onExit);
    output.write(ENTER);
    input.setRawMode(true);
    input.resume();
    input.on('data', onData);
    void opts.stopSignal.then(finish);
    draw();
  });
}
