// A tiny edge-ha entry for tests: a commander program with only the hardware
// commands, every output captured and the exit code recorded instead of
// ending the process.

import { Command, CommanderError } from 'commander';
import { PassThrough, type Readable } from 'node:stream';
import { HardwareCliExit, registerHardwareCommands } from '../../../src/cli/hardware';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export interface CliOptions {
  /** sim-device control input; defaults to an ended stream. */
  stdin?: Readable;
  /** Called for each chunk sim-device writes to its stdout. */
  onStdout?: (text: string) => void;
  /** Receives the interrupt handler (to simulate Ctrl-C). */
  onInterrupt?: (handler: () => void) => void;
}

export async function runCli(argv: string[], o: CliOptions = {}): Promise<CliRun> {
  let out = '';
  let err = '';
  let code: number | null = null;
  const stdout = new PassThrough();
  stdout.on('data', (b: Buffer) => {
    out += b.toString();
    o.onStdout?.(b.toString());
  });
  const line = (s: string) => (s.endsWith('\n') ? s : `${s}\n`);
  const program = new Command('edge-ha')
    .exitOverride()
    .configureOutput({ writeOut: (s) => void (out += s), writeErr: (s) => void (err += s) });
  registerHardwareCommands(program, {
    out: (s) => void (out += line(s)),
    err: (s) => void (err += line(s)),
    exit: (c) => void (code ??= c),
    stdin: o.stdin ?? endedStream(),
    stdout,
    onInterrupt: (h) => {
      o.onInterrupt?.(h);
      return () => undefined;
    },
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof HardwareCliExit) code ??= e.exitCode;
    else if (e instanceof CommanderError) code ??= e.exitCode;
    else throw e;
  }
  return { code: code ?? 0, out, err };
}

function endedStream(): Readable {
  const s = new PassThrough();
  s.end();
  return s;
}
