// Where the edge-ha checkout is, whether this code runs from src/ (tests) or
// from dist/src/ (the built CLI): the nearest ancestor holding the package.json
// named "edge-ha".

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const PACKAGE_NAME = 'edge-ha';
/** package.json of this project is a few kilobytes. */
const MAX_PACKAGE_JSON_BYTES = 256 * 1024;

function isOurPackage(dir: string): boolean {
  try {
    const text = readFileSync(join(dir, 'package.json'), 'utf8');
    if (text.length > MAX_PACKAGE_JSON_BYTES) return false;
    return (JSON.parse(text) as { name?: unknown }).name === PACKAGE_NAME;
  } catch {
    return false;
  }
}

/** The repository root above `startDir`, or null when there is none. */
export function findRepoRoot(startDir: string = __dirname): string | null {
  for (let dir = startDir; ; dir = dirname(dir)) {
    if (isOurPackage(dir)) return dir;
    if (dirname(dir) === dir) return null;
  }
}
