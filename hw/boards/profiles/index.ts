// The built-in board profiles, by name. `simulated` is made per node (its
// devices live in the node's run directory); the others are fixed.

import { err, ok, type Result } from '../../ups/result';
import type { BoardProfile } from '../types';
import { GENERIC_X86 } from './genericX86';
import { RASPBERRY_PI_4 } from './raspberryPi4';
import { simulatedBoard } from './simulated';

export interface BuiltInBoard {
  name: string;
  description: string;
  /** Whether `loadBoardProfile` needs `runDir` for it. */
  needsRunDir: boolean;
  make(opts: { runDir?: string | undefined }): Result<BoardProfile, string>;
}

const fixed = (profile: BoardProfile): BuiltInBoard => ({
  name: profile.name,
  description: profile.description,
  needsRunDir: false,
  // A copy each time: a caller that edits its profile must not edit the built-in.
  make: () => ok(structuredClone(profile)),
});

export const BUILT_IN_BOARDS: readonly BuiltInBoard[] = [
  {
    name: 'simulated',
    description: 'every device simulated in the node run directory: UPS pty, mdstat file, FIFO watchdog, GPIO file bridge',
    needsRunDir: true,
    make: (opts) => simulatedBoard(opts.runDir),
  },
  fixed(GENERIC_X86),
  fixed(RASPBERRY_PI_4),
];

export function builtInBoard(name: string): Result<BuiltInBoard, string> {
  const found = BUILT_IN_BOARDS.find((b) => b.name === name);
  if (found) return ok(found);
  return err(`board ${JSON.stringify(name)}: expected one of: ${BUILT_IN_BOARDS.map((b) => b.name).join(', ')}, or a path to a YAML profile (containing "/" or ending in .yaml)`);
}
