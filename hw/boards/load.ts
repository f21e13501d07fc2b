// loadBoardProfile: a built-in board by name, or a user's YAML profile by path
// (anything containing "/" or ending in .yaml/.yml). Never throws: every
// problem is one line, prefixed with the file for a YAML profile:
//   ./myboard.yaml: leds.active.line: expected an integer 0..65535, got "x"

import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { isAbsolute, dirname, resolve } from 'node:path';
import { formatIssues } from '../../src/config/issues';
import { parseYamlText } from '../../src/config/yamlText';
import { err, ok, type Result } from '../ups/result';
import { checkProfileLines } from './checkLines';
import { BUILT_IN_BOARDS, builtInBoard } from './profiles';
import { boardProfileSchema, toBoardWatchdog, toRaidSource, type BoardProfileYaml } from './schema';
import type { BoardChip, BoardProfile } from './types';

/** A profile is a page of YAML; anything near this is not one. */
export const MAX_PROFILE_BYTES = 64 * 1024;

export interface LoadBoardOptions {
  /** The node's run directory: required by `simulated`. */
  runDir?: string;
  /** Where a relative profile path is looked up (the configuration file's directory); default the working directory. */
  baseDir?: string;
}

export function isBoardPath(nameOrPath: string): boolean {
  return nameOrPath.includes('/') || /\.ya?ml$/i.test(nameOrPath);
}

export function loadBoardProfile(nameOrPath: string, opts: LoadBoardOptions = {}): Result<BoardProfile, string[]> {
  if (typeof nameOrPath !== 'string' || nameOrPath.trim() === '') {
    return err([`board: expected a built-in board (${BUILT_IN_BOARDS.map((b) => b.name).join(', ')}) or a path to a YAML profile, got nothing`]);
  }
  if (!isBoardPath(nameOrPath)) {
    const board = builtInBoard(nameOrPath);
    if (!board.ok) return err([board.error]);
    const made = board.value.make({ runDir: opts.runDir });
    return made.ok ? made : err([made.error]);
  }
  const path = isAbsolute(nameOrPath) ? nameOrPath : resolve(opts.baseDir ?? process.cwd(), nameOrPath);
  const text = readProfileFile(path);
  if (!text.ok) return err([`${nameOrPath}: ${text.error}`]);
  const parsed = parseBoardProfileText(text.value, dirname(path), nameOrPath);
  if (!parsed.ok) return parsed;
  return ok({ ...parsed.value, origin: path });
}

/** Validates profile YAML; `baseDir` anchors relative paths; `label` prefixes each message. Touches no file. */
export function parseBoardProfileText(text: string, baseDir: string, label: string): Result<BoardProfile, string[]> {
  if (text.length > MAX_PROFILE_BYTES) return err([`${label}: is ${text.length} characters long; expected a board profile of at most ${MAX_PROFILE_BYTES}`]);
  const yaml = parseYamlText(text, label);
  if (!yaml.ok) return err(yaml.errors);
  if (yaml.data === null || yaml.data === undefined) return err([`${label}: the file is empty; expected a board profile mapping (name, gpioBackend, leds, ...)`]);
  const parsed = boardProfileSchema.safeParse(yaml.data);
  if (!parsed.success) return err(formatIssues(parsed.error.issues, yaml.data).map((m) => `${label}: ${m}`));
  const profile = toProfile(parsed.data, baseDir);
  const problems = checkProfileLines(profile);
  return problems.length > 0 ? err(problems.map((m) => `${label}: ${m}`)) : ok(profile);
}

function toProfile(y: BoardProfileYaml, baseDir: string): BoardProfile {
  const file = (p: string) => resolve(baseDir, p);
  const profile: BoardProfile = {
    name: y.name,
    description: y.description ?? `board profile ${y.name}`,
    gpioBackend: y.gpioBackend ?? null,
    chips: toChips(y.chips ?? {}),
    raid: (y.raid ?? []).map(toRaidSource).map((r) => (r.driver === 'md' ? { ...r, mdstat: file(r.mdstat) } : r)),
    relays: y.relays ?? {},
    leds: y.leds ?? {},
    inputs: y.inputs ?? {},
  };
  if (y.simGpio) profile.simGpio = { ...y.simGpio, inputsFile: file(y.simGpio.inputsFile), outputsFile: file(y.simGpio.outputsFile) };
  if (y.ups) profile.ups = { link: y.ups.link };
  if (y.watchdog) {
    const w = toBoardWatchdog(y.watchdog);
    profile.watchdog = w.kind === 'device' ? { ...w, device: file(w.device) } : w;
  }
  if (y.crossoverNic !== undefined) profile.crossoverNic = y.crossoverNic;
  return profile;
}

function toChips(chips: NonNullable<BoardProfileYaml['chips']>): Record<string, BoardChip> {
  const out: Record<string, BoardChip> = {};
  for (const [name, c] of Object.entries(chips)) {
    const chip: BoardChip = { lines: c.lines };
    if (c.label !== undefined) chip.label = c.label;
    if (c.reserved !== undefined) chip.reserved = Object.fromEntries(Object.entries(c.reserved).map(([k, why]) => [Number(k), why]));
    out[name] = chip;
  }
  return out;
}

/** At most MAX_PROFILE_BYTES of a regular file, as strict UTF-8. */
function readProfileFile(path: string): Result<string, string> {
  try {
    // Checked before opening: opening a FIFO would block until a writer came.
    const st = statSync(path);
    if (!st.isFile()) return err(`is not a regular file; expected a board profile (YAML)`);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return err(code === 'ENOENT' ? 'no such file; expected a board profile (YAML)' : `cannot be read (${(e as Error).message})`);
  }
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    return err(`cannot be opened (${(e as Error).message})`);
  }
  try {
    const size = fstatSync(fd).size;
    if (size > MAX_PROFILE_BYTES) return err(`is ${size} bytes; expected a board profile of at most ${MAX_PROFILE_BYTES} bytes`);
    const buffer = Buffer.alloc(size);
    let filled = 0;
    while (filled < size) {
      const n = readSync(fd, buffer, filled, size - filled, null);
      if (n === 0) break;
      filled += n;
    }
    try {
      return ok(new TextDecoder('utf-8', { fatal: true }).decode(buffer.subarray(0, filled)));
    } catch {
      return err('is not UTF-8 text; expected a board profile (YAML)');
    }
  } catch (e) {
    return err(`cannot be read (${(e as Error).message})`);
  } finally {
    closeSync(fd);
  }
}
