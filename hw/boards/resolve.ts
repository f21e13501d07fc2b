// resolveBoard: the `hardware:` section merged with a board profile. The
// config says WHAT is attached and enabled; the board says WHERE it is wired:
//   * ups with driver megatec/apcsmart and no link       -> the board's UPS port
//   * ups with driver drycontact and no contact lines    -> the board's inputs onBattery/lowBattery,
//     and its gpioBackend (and sim inputs file) when the config gives none
//   * a raid entry without its mdstat/link               -> the board's md or areca source
//   * a watchdog section without device                   -> the board's watchdog (device or GPIO strobe)
//   * a health section without crossoverInterface        -> the board's crossover NIC
//   * leds and relays                                     -> the board's, each overridden by the config's key
// A key the config sets always wins; `null` means "explicitly none". A board
// never switches a device on by itself: opening /dev/watchdog arms a reset,
// so that stays the config's decision. Every value carries where it came
// from, for `edge-ha check`.

import { checkLineUses, chipsOf, type LineUse } from './checkLines';
import { LED_NAMES, type BoardGpioBackend, type BoardInputLine, type BoardLine, type BoardOutputLine, type BoardProfile, type BoardRaidSource, type BoardWatchdog, type LedName } from './types';

/** A line as the hardware section writes it (`{chip, line, activeLow}`). */
export interface HardwareLineInput {
  chip: string;
  line: number;
  activeLow?: boolean;
}

export interface RaidEntryInput {
  driver: string;
  mdstat?: string;
  link?: string;
  command?: readonly string[];
}

/** The parts of the `hardware:` config section a board can fill (structurally; other keys pass by). */
export interface HardwareSectionInput {
  ups?: {
    driver?: string;
    link?: string | null;
    contacts?: { onBattery?: HardwareLineInput | null; lowBattery?: HardwareLineInput | null; gpioBackend?: string; simFile?: string } | null;
  } | null;
  raid?: readonly RaidEntryInput[] | null;
  watchdog?: { device?: string | null; timeoutSec?: number } | null;
  health?: { crossoverInterface?: string | null } | null;
  leds?: Partial<Record<LedName, HardwareLineInput | null>> | null;
  relays?: Readonly<Record<string, HardwareLineInput | null>> | null;
}

export type ValueSource = 'config' | 'board';

export interface Sourced<T> {
  value: T;
  from: ValueSource;
}

/** One line of `edge-ha check` output: the key, its effective value as text, and where it came from. */
export interface BoardOrigin {
  key: string;
  value: string;
  from: ValueSource;
}

export interface ResolvedBoard {
  /** The profile used, or null when `hardware.board` is absent. */
  board: { name: string; description: string; origin?: string } | null;
  /** The backend for the board's lines (LEDs, relays); null: no GPIO. */
  gpioBackend: BoardGpioBackend | null;
  simGpio: BoardProfile['simGpio'] | null;
  ups: {
    link: Sourced<string> | null;
    onBattery: Sourced<BoardInputLine> | null;
    lowBattery: Sourced<BoardInputLine> | null;
    /** For the contacts: the config's `contacts.gpioBackend`, else the board's. */
    gpioBackend: Sourced<string> | null;
    simFile: Sourced<string> | null;
  };
  /** The config's entries, with missing paths filled; [] when the config has no raid. */
  raid: Sourced<RaidEntryInput>[];
  watchdog: Sourced<BoardWatchdog> | null;
  crossoverNic: Sourced<string> | null;
  leds: Partial<Record<LedName, Sourced<BoardOutputLine>>>;
  relays: Record<string, Sourced<BoardOutputLine>>;
  origins: BoardOrigin[];
  /** Conflicts found only after the merge (a config line on a board LED, a timeout the board cannot count): errors. */
  problems: string[];
}

const LINK_DRIVERS = new Set(['megatec', 'apcsmart']);

export function resolveBoard(profile: BoardProfile | null, hw: HardwareSectionInput | null | undefined): ResolvedBoard {
  const h = hw ?? {};
  const origins: BoardOrigin[] = [];
  const problems: string[] = [];
  const note = <T>(key: string, s: Sourced<T> | null, show: (v: T) => string): Sourced<T> | null => {
    if (s !== null) origins.push({ key, value: show(s.value), from: s.from });
    return s;
  };
  const ups = resolveUps(profile, h, problems);
  note('hardware.ups.link', ups.link, String);
  note('hardware.ups.contacts.onBattery', ups.onBattery, showLine);
  note('hardware.ups.contacts.lowBattery', ups.lowBattery, showLine);
  note('hardware.ups.contacts.gpioBackend', ups.gpioBackend, String);
  note('hardware.ups.contacts.simFile', ups.simFile, String);
  const raid = resolveRaid(profile, h.raid, problems);
  raid.forEach((r, i) => note(`hardware.raid[${i}]`, r, showRaid));
  const watchdog = note('hardware.watchdog', resolveWatchdog(profile, h, problems), showWatchdog);
  const crossoverNic = note('hardware.health.crossoverInterface', pick(h.health, 'crossoverInterface', profile?.crossoverNic), String);
  const leds: ResolvedBoard['leds'] = {};
  for (const name of LED_NAMES) {
    const s = pickLine(h.leds, name, profile?.leds[name]);
    if (s !== null) leds[name] = note(`hardware.leds.${name}`, s, showLine) as Sourced<BoardOutputLine>;
  }
  const relays: ResolvedBoard['relays'] = {};
  const relayNames = new Set([...Object.keys(profile?.relays ?? {}), ...Object.keys(h.relays ?? {})]);
  for (const name of relayNames) {
    const s = pickLine(h.relays, name, profile?.relays[name]);
    if (s !== null) relays[name] = note(`hardware.relays.${name}`, s, showLine) as Sourced<BoardOutputLine>;
  }
  problems.push(...mergedLineProblems(profile, ups, leds, relays, watchdog));
  return {
    board: profile === null ? null : { name: profile.name, description: profile.description, ...(profile.origin === undefined ? {} : { origin: profile.origin }) },
    gpioBackend: profile?.gpioBackend ?? null,
    simGpio: profile?.simGpio ?? null,
    ups,
    raid,
    watchdog,
    crossoverNic,
    leds,
    relays,
    origins,
    problems,
  };
}

/** `hardware.ups.link = serial:/dev/ttyS1?baud=2400  (board generic-x86)` lines for `edge-ha check`. */
export function formatBoardOrigins(resolved: ResolvedBoard): string[] {
  const width = Math.max(0, ...resolved.origins.map((o) => o.key.length + o.value.length + 3));
  const from = (o: BoardOrigin) => (o.from === 'config' ? 'config' : `board ${resolved.board?.name ?? '?'}`);
  return resolved.origins.map((o) => `${`${o.key} = ${o.value}`.padEnd(width)}  (${from(o)})`);
}

/** The config's key if present (null = none), else the board's value. */
function pick<T>(section: object | null | undefined, key: string, boardValue: T | undefined): Sourced<T> | null {
  if (section === null || section === undefined) return null;
  const own = (section as Record<string, unknown>)[key];
  if (Object.prototype.hasOwnProperty.call(section, key) && own !== undefined) {
    const v = own;
    return v === null ? null : { value: v as T, from: 'config' };
  }
  return boardValue === undefined ? null : { value: boardValue, from: 'board' };
}

function pickLine(section: object | null | undefined, key: string, boardLine: BoardLine | undefined): Sourced<BoardInputLine> | null {
  const own = section === null || section === undefined || !Object.prototype.hasOwnProperty.call(section, key) ? undefined : (section as Record<string, HardwareLineInput | null | undefined>)[key];
  if (own === null) return null;
  if (own !== undefined) return { value: { chip: own.chip, line: own.line, activeLow: own.activeLow === true }, from: 'config' };
  return boardLine === undefined ? null : { value: boardLine, from: 'board' };
}

function resolveUps(profile: BoardProfile | null, h: HardwareSectionInput, problems: string[]): ResolvedBoard['ups'] {
  const none: ResolvedBoard['ups'] = { link: null, onBattery: null, lowBattery: null, gpioBackend: null, simFile: null };
  const u = h.ups;
  if (u === null || u === undefined) return none;
  const driver = u.driver ?? '';
  if (LINK_DRIVERS.has(driver)) {
    const link = pick(u, 'link', profile?.ups?.link);
    if (link === null) problems.push(`hardware.ups.link: expected a link URL for driver ${driver}, got nothing (${boardLacks(profile, 'UPS port')})`);
    return { ...none, link };
  }
  if (driver !== 'drycontact') return none;
  const c = u.contacts ?? {};
  const onBattery = pickLine(c, 'onBattery', profile?.inputs.onBattery);
  if (onBattery === null) problems.push(`hardware.ups.contacts.onBattery: expected a GPIO input line for driver drycontact, got nothing (${boardLacks(profile, 'onBattery input')})`);
  const gpioBackend = pick<string>(c, 'gpioBackend', profile?.gpioBackend ?? undefined);
  const simFile = gpioBackend?.value === 'sim' ? pick(c, 'simFile', profile?.simGpio?.inputsFile) : null;
  return { ...none, onBattery, lowBattery: pickLine(c, 'lowBattery', profile?.inputs.lowBattery), gpioBackend, simFile };
}

function resolveRaid(profile: BoardProfile | null, entries: readonly RaidEntryInput[] | null | undefined, problems: string[]): Sourced<RaidEntryInput>[] {
  return (entries ?? []).map((entry, i) => {
    const fill = (key: 'mdstat' | 'link', from: BoardRaidSource | undefined): Sourced<RaidEntryInput> => {
      if (entry[key] !== undefined) return { value: entry, from: 'config' };
      const value = from === undefined ? undefined : from.driver === 'md' ? from.mdstat : from.link;
      if (value === undefined) {
        problems.push(`hardware.raid[${i}].${key}: expected ${key === 'mdstat' ? 'the mdstat path' : 'the controller link URL'} for driver ${entry.driver}, got nothing (${boardLacks(profile, `${entry.driver} source`)})`);
        return { value: entry, from: 'config' };
      }
      return { value: { ...entry, [key]: value }, from: 'board' };
    };
    if (entry.driver === 'md') return fill('mdstat', profile?.raid.find((r) => r.driver === 'md'));
    if (entry.driver === 'areca') return fill('link', profile?.raid.find((r) => r.driver === 'areca'));
    return { value: entry, from: 'config' };
  });
}

function resolveWatchdog(profile: BoardProfile | null, h: HardwareSectionInput, problems: string[]): Sourced<BoardWatchdog> | null {
  const w = h.watchdog;
  if (w === null || w === undefined) return null;
  let chosen: Sourced<BoardWatchdog> | null;
  if (w.device === null) chosen = null;
  else if (w.device !== undefined) {
    // The config's device keeps the board's limit only when it is the board's own device.
    const same = profile?.watchdog?.kind === 'device' && profile.watchdog.device === w.device ? profile.watchdog : undefined;
    chosen = { value: same ?? { kind: 'device', device: w.device }, from: 'config' };
  } else chosen = profile?.watchdog === undefined ? null : { value: profile.watchdog, from: 'board' };
  const max = chosen?.value.kind === 'device' ? chosen.value.maxTimeoutSec : undefined;
  if (max !== undefined && w.timeoutSec !== undefined && w.timeoutSec > max) {
    const device = chosen?.value.kind === 'device' ? chosen.value.device : '';
    problems.push(`hardware.watchdog.timeoutSec: expected at most ${max} (the longest timeout ${device} of board ${profile?.name} can count), got ${w.timeoutSec}`);
  }
  return chosen;
}

function mergedLineProblems(
  profile: BoardProfile | null,
  ups: ResolvedBoard['ups'],
  leds: ResolvedBoard['leds'],
  relays: ResolvedBoard['relays'],
  watchdog: Sourced<BoardWatchdog> | null,
): string[] {
  const uses: Array<LineUse & { from: ValueSource }> = [];
  const add = (key: string, s: Sourced<BoardLine> | null | undefined, direction: 'in' | 'out') => {
    if (s) uses.push({ key, line: s.value, direction, from: s.from });
  };
  add('hardware.ups.contacts.onBattery', ups.onBattery, 'in');
  add('hardware.ups.contacts.lowBattery', ups.lowBattery, 'in');
  for (const [name, s] of Object.entries(leds)) add(`hardware.leds.${name}`, s, 'out');
  for (const [name, s] of Object.entries(relays)) add(`hardware.relays.${name}`, s, 'out');
  if (watchdog?.value.kind === 'gpio-strobe') add('hardware.watchdog.strobe', { value: watchdog.value.line, from: watchdog.from }, 'out');
  // The board's lines first, so a clash is reported on the config key: that is the one a person edits.
  const ordered = [...uses.filter((u) => u.from === 'board'), ...uses.filter((u) => u.from === 'config')];
  return checkLineUses(ordered, profile === null ? {} : chipsOf(profile));
}

function boardLacks(profile: BoardProfile | null, what: string): string {
  return profile === null ? 'and no hardware.board supplies it' : `board ${profile.name} has no ${what} either`;
}

function showLine(l: BoardLine): string {
  return `${l.chip} line ${l.line}${l.activeLow ? ' active-low' : ''}${l.pin === undefined ? '' : ` (${l.pin})`}`;
}

function showRaid(r: RaidEntryInput): string {
  const where = r.mdstat ?? r.link ?? (r.command ? r.command.join(' ') : '');
  return `${r.driver} ${where}`.trim();
}

function showWatchdog(w: BoardWatchdog): string {
  if (w.kind === 'device') return w.maxTimeoutSec === undefined ? w.device : `${w.device} (max ${w.maxTimeoutSec} s)`;
  return `GPIO strobe on ${showLine(w.line)} every ${w.periodMs} ms (window ${w.window.minMs}..${w.window.maxMs} ms)`;
}
