// Runs the fence commands the way main() would, on a program of their own, and
// captures what they print and the exit code they set.

import { Command, CommanderError } from 'commander';
import { registerFenceCommands } from '../../src/cli/fenceCommands';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export async function runFenceCli(argv: string[]): Promise<CliRun> {
  let out = '';
  let err = '';
  let code = 0;
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  const program = new Command('edge-ha').exitOverride().configureOutput({ writeErr: (s) => (err += s), writeOut: (s) => (out += s) });
  registerFenceCommands(program, (c) => (code = c));
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (x) {
    if (!(x instanceof CommanderError)) {
      err += `edge-ha: ${(x as Error).message}\n`;
      code = 1;
    } else code = x.exitCode === 0 ? 0 : 2;
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
  return { code, out, err };
}
