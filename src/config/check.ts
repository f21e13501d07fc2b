// `edge-ha config-check`: validate a configuration file and print the
// effective configuration (defaults filled in, paths resolved). The CLI
// wiring lives elsewhere; this only needs somewhere to write lines.

import { stringify } from 'yaml';
import { loadConfig } from './load';
import { toFileForm } from './render';

export interface ConfigCheckOptions {
  /** Print the effective `Config` object as JSON instead of YAML in file form. */
  json?: boolean;
  /**
   * Where `warning: ` and `error: ` lines go (stderr in the CLI). Defaults to
   * `out`; give it so that `--json` output stays pure JSON.
   */
  err?: (line: string) => void;
}

/** Returns the process exit code: 0 valid (warnings allowed), 1 invalid. */
export function configCheck(path: string, out: (s: string) => void, opts: ConfigCheckOptions = {}): number {
  const err = opts.err ?? out;
  const result = loadConfig(path);
  if (!result.ok) {
    for (const e of result.errors) err(`error: ${e}`);
    return 1;
  }
  for (const w of result.warnings) err(`warning: ${w}`);
  if (opts.json) {
    out(JSON.stringify(result.config, null, 2));
  } else {
    out(`# Effective configuration of ${path} (defaults filled in, paths resolved)`);
    out(stringify(toFileForm(result.config), { lineWidth: 0 }).trimEnd());
  }
  return 0;
}
