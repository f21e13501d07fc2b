// The GPIO checks of a board (and of a board merged with the config): every
// line is used once, LEDs, relays and a watchdog strobe are outputs, UPS
// contacts and other inputs are inputs, offsets are inside the chip and off
// its reserved lines. Messages follow src/config/issues.ts:
//   relays.peerReset.line: expected a gpiochip0 line no other key uses, got 24 (leds.active drives it as an output)
// Done before any line is claimed: a clash found by the kernel (EBUSY) would
// name neither key.

import type { BoardChip, BoardGpioBackend, BoardLine, BoardProfile } from './types';

export interface LineUse {
  /** The key that names the line, e.g. `leds.active`, `inputs.onBattery`. */
  key: string;
  line: BoardLine;
  direction: 'in' | 'out';
}

/** Every line a profile names, with the direction its role needs. */
export function profileLineUses(profile: BoardProfile): LineUse[] {
  const uses: LineUse[] = [];
  for (const [name, line] of Object.entries(profile.leds)) if (line) uses.push({ key: `leds.${name}`, line, direction: 'out' });
  for (const [name, line] of Object.entries(profile.relays)) uses.push({ key: `relays.${name}`, line, direction: 'out' });
  for (const [name, line] of Object.entries(profile.inputs)) uses.push({ key: `inputs.${name}`, line, direction: 'in' });
  if (profile.watchdog?.kind === 'gpio-strobe') uses.push({ key: 'watchdog.strobe', line: profile.watchdog.line, direction: 'out' });
  return uses;
}

/** Problems of a profile's own lines; empty when it is sound. */
export function checkProfileLines(profile: BoardProfile): string[] {
  const uses = profileLineUses(profile);
  const problems = checkBackend(profile.gpioBackend, uses, profile.simGpio !== undefined);
  return [...problems, ...checkLineUses(uses, chipsOf(profile))];
}

/** The chips lines are checked against: the declared ones, plus the simulated chip with its named lines. */
export function chipsOf(profile: BoardProfile): Record<string, BoardChip> {
  const chips: Record<string, BoardChip> = { ...profile.chips };
  if (profile.simGpio) chips[profile.simGpio.chip] = { label: 'simulated', lines: profile.simGpio.lineNames.length };
  return chips;
}

function checkBackend(backend: BoardGpioBackend | null, uses: readonly LineUse[], hasSim: boolean): string[] {
  if (backend === null && uses.length > 0) {
    const keys = uses.map((u) => u.key).join(', ');
    return [`gpioBackend: expected one of: onoff, gpiod, sim, got nothing (the board names GPIO lines: ${keys})`];
  }
  if (backend === 'sim' && !hasSim) return ['simGpio: expected the simulated chip (chip, lineNames, inputsFile, outputsFile) for gpioBackend sim, got nothing'];
  return [];
}

/** Duplicates, range and reserved lines among `uses`. */
export function checkLineUses(uses: readonly LineUse[], chips: Readonly<Record<string, BoardChip>>): string[] {
  const problems: string[] = [];
  const seen = new Map<string, LineUse>();
  for (const use of uses) {
    const { chip, line } = use.line;
    const known = chips[chip];
    if (known !== undefined) {
      const rangeProblem = rangeCheck(use, known);
      if (rangeProblem !== null) {
        problems.push(rangeProblem);
        continue;
      }
    }
    const id = `${chip}\u0000${line}`;
    const first = seen.get(id);
    if (first === undefined) {
      seen.set(id, use);
      continue;
    }
    const how = first.direction === 'out' ? 'drives it as an output' : 'reads it as an input';
    const both = first.direction !== use.direction ? '; a line cannot be an input and an output' : '';
    problems.push(`${use.key}.line: expected a ${chip} line no other key uses, got ${line} (${first.key} ${how}${both})`);
  }
  return problems;
}

function rangeCheck(use: LineUse, chip: BoardChip): string | null {
  const { line } = use.line;
  const label = chip.label === undefined ? '' : ` "${chip.label}"`;
  if (!Number.isInteger(line) || line < 0 || line >= chip.lines) {
    return `${use.key}.line: expected an integer 0..${chip.lines - 1} (${use.line.chip}${label} has ${chip.lines} lines), got ${line}`;
  }
  const why = chip.reserved?.[line];
  if (why !== undefined) return `${use.key}.line: expected a ${use.line.chip} line that is not reserved, got ${line} (${why})`;
  return null;
}
