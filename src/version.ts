// The edge-ha version, read once from the package.json above this file (in
// the source tree and in dist/ alike), so telemetry and `--version` agree.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

function readVersion(): string {
  let dir = __dirname;
  for (let i = 0; i < 5; i++, dir = join(dir, '..')) {
    try {
      const p = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (p.name === 'edge-ha' && typeof p.version === 'string') return p.version;
    } catch {
      // not here; look one level up
    }
  }
  return 'unknown';
}

export const VERSION = readVersion();
