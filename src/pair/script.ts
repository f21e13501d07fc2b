// Script mode of `edge-ha pair` (stdin is not a terminal): commands are read
// line by line and run one after the other; every supervisor event is printed
// as one line as it happens. EOF on stdin means quit.

import { MAX_COMMAND_LINE_CHARS, parseCommand, type PairCommand } from './commands';
import type { CommandOutcome } from './events';
import { formatEvent, formatOutcome, formatStatus, type LineContext } from './format';
import { LogLineSplitter } from './logLine';
import type { PairSupervisor } from './supervisor';

export interface ScriptOptions {
  input: NodeJS.ReadableStream;
  /** Receives each output line, without the newline. */
  writeLine(line: string): void;
  json: boolean;
  /** Resolves when something else (a signal) ends the run: pending commands and sleeps are abandoned. */
  stopSignal: Promise<void>;
}

/** Bytes of one input line; UTF-8 takes up to 4 per character. */
const MAX_INPUT_LINE_BYTES = MAX_COMMAND_LINE_CHARS * 4;

export function lineContext(sup: PairSupervisor, json: boolean): LineContext {
  return {
    json,
    roleOf: (node) => {
      const snap = sup.snapshot().find((s) => s.id === node);
      return { role: snap?.role ?? null, epoch: snap?.epoch ?? null };
    },
  };
}

/** Runs one command that has a single outcome (status and quit are the caller's). */
export async function execute(sup: PairSupervisor, command: PairCommand, stopSignal: Promise<void>): Promise<CommandOutcome & { node?: string }> {
  switch (command.kind) {
    case 'crash':
    case 'freeze': {
      const target = sup.resolve(command.target);
      if (!target.ok) return { ok: false, message: `${command.kind} ${command.target}: ${target.error}` };
      const r = command.kind === 'crash' ? sup.crash(target.id) : sup.freeze(target.id, command.seconds);
      return { ...r, node: target.id };
    }
    case 'hang': {
      const target = sup.resolve(command.target);
      if (!target.ok) return { ok: false, message: `hang ${command.target}: ${target.error}` };
      return { ...sup.hang(target.id), node: target.id };
    }
    case 'ups':
    case 'disk':
      return hardwareCommand(sup, command);
    case 'cut':
      return sup.cut(command.path);
    case 'heal':
      return sup.heal();
    case 'switchover':
      return sup.switchover();
    case 'sleep':
      await Promise.race([new Promise((resolve) => setTimeout(resolve, command.seconds * 1000).unref()), stopSignal]);
      return { ok: true, message: `slept ${command.seconds} s` };
    case 'status':
    case 'quit':
      // Handled by the caller: they print several lines, or none.
      return { ok: true, message: command.kind };
  }
}

/** `ups`/`disk` on one node, or on every node it applies to (`all`: a node where it does not apply is skipped). */
async function hardwareCommand(sup: PairSupervisor, command: Extract<PairCommand, { kind: 'ups' | 'disk' }>): Promise<CommandOutcome & { node?: string }> {
  const run = (id: string): Promise<CommandOutcome> =>
    command.kind === 'ups' ? Promise.resolve(sup.ups(id, command.action)) : sup.disk(id, command.action);
  if (command.target !== 'all') {
    const target = sup.resolve(command.target);
    if (!target.ok) return { ok: false, message: `${command.kind} ${command.target}: ${target.error}` };
    return { ...(await run(target.id)), node: target.id };
  }
  const results = [];
  for (const id of sup.nodeIds) results.push(await run(id));
  const done = results.filter((r) => r.ok);
  if (done.length === 0) return { ok: false, message: results.map((r) => r.message).join('; ') };
  return { ok: true, message: done.map((r) => r.message).join('; ') };
}

/**
 * Prints every supervisor event as one line until the returned function is
 * called. Separate from runScript so the lines of the shutdown (daemons
 * leaving) are printed too, after the commands have ended.
 */
export function printEvents(sup: PairSupervisor, opts: Pick<ScriptOptions, 'json' | 'writeLine'>): () => void {
  const ctx = lineContext(sup, opts.json);
  return sup.onEvent((event) => opts.writeLine(formatEvent(event, ctx)), true);
}

/** Runs commands from the input; resolves once `quit` was read, the input ended, or stopSignal fired. */
export function runScript(sup: PairSupervisor, opts: ScriptOptions): Promise<void> {
  const ctx = lineContext(sup, opts.json);
  const splitter = new LogLineSplitter(MAX_INPUT_LINE_BYTES);
  const queue: Array<string | null> = [];
  let busy = false;
  let finished = false;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    finish = () => {
      if (finished) return;
      finished = true;
      opts.input.removeListener('data', onData);
      opts.input.removeListener('end', onEnd);
      resolve();
    };
  });

  const runLine = async (line: string): Promise<void> => {
    const parsed = parseCommand(line);
    const text = line.trim();
    if (!parsed.ok) return opts.writeLine(formatOutcome(sup.now(), { ok: false, message: parsed.error, command: text }, ctx));
    const command = parsed.command;
    if (command === null) return;
    if (command.kind === 'quit') return finish();
    if (command.kind === 'status') {
      for (const r of await sup.status()) opts.writeLine(formatStatus(sup.now(), r, ctx));
      return;
    }
    const outcome = await execute(sup, command, opts.stopSignal);
    if (command.kind === 'sleep' || finished) return;
    opts.writeLine(formatOutcome(sup.now(), { ...outcome, command: text }, ctx));
  };

  const pump = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    while (queue.length > 0 && !finished) {
      const line = queue.shift();
      if (line === null || line === undefined) finish();
      else await runLine(line);
    }
    busy = false;
  };

  function onData(chunk: Buffer | string): void {
    const before = splitter.dropped;
    queue.push(...splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
    if (splitter.dropped > before) {
      const message = `input line longer than ${MAX_INPUT_LINE_BYTES} bytes ignored`;
      opts.writeLine(formatOutcome(sup.now(), { ok: false, message, command: '' }, ctx));
    }
    void pump();
  }
  function onEnd(): void {
    const last = splitter.finish();
    if (last !== undefined) queue.push(last);
    queue.push(null);
    void pump();
  }
  opts.input.on('data', onData);
  opts.input.on('end', onEnd);
  void opts.stopSignal.then(finish);
  return done;
}
