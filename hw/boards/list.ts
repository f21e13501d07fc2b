// The built-in boards for `--help` and error messages.

import { BUILT_IN_BOARDS } from './profiles';

export interface BoardListing {
  name: string;
  description: string;
  needsRunDir: boolean;
}

export function listBoards(): BoardListing[] {
  return BUILT_IN_BOARDS.map((b) => ({ name: b.name, description: b.description, needsRunDir: b.needsRunDir }));
}

/** Help lines: `  raspberry-pi-4  Raspberry Pi 4 / CM4: ...`, then how to name a YAML profile. */
export function formatBoardList(indent = '  '): string[] {
  const boards = listBoards();
  const width = Math.max(...boards.map((b) => b.name.length));
  return [...boards.map((b) => `${indent}${b.name.padEnd(width)}  ${b.description}`), `${indent}${'./file.yaml'.padEnd(width)}  a board profile of your own (hw/boards/README.md)`];
}
