// The YAML form of a board profile (`hardware.board: ./myboard.yaml`), in the
// style of src/config: unknown keys are errors, every message names the key,
// the expected value and what was found (src/config/issues.ts formats them).
// Relative file paths are resolved against the profile's directory by
// load.ts; link URLs must already be absolute (hw/link/linkUrl.ts).

import { z } from 'zod';
import { bool, durationMs, filePath, idString, intIn, MAX_DURATION_MS, oneOf, section, text, type IssueParams } from '../../src/config/fields';
import { MAX_DEBOUNCE_MS } from '../gpio/line';
import { parseLinkUrl } from '../link/linkUrl';
import { checkStrobeTiming } from '../watchdog/gpioStrobe';
import { BOARD_GPIO_BACKENDS, type BoardOutputLine, type BoardRaidSource, type BoardWatchdog } from './types';

const MAX_NAMED_LINES = 64;
const MAX_RAID_SOURCES = 16;
const MAX_CHIP_LINES = 65536;
/** A GC'd event loop may fire a timer this late; the strobe period must clear both window edges by it. */
export const DEFAULT_STROBE_JITTER_MARGIN_MS = 100;
const LINE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const NIC_NAME = /^[A-Za-z0-9_.:@-]{1,15}$/;
const LINK_EXPECTED = 'a link URL (serial:/dev/ttyS1?baud=2400, /dev/ttyUSB0 or tcp://host:port)';

function linkUrl() {
  return z.string({ error: LINK_EXPECTED }).transform((s, ctx) => {
    const parsed = parseLinkUrl(s);
    if (parsed.ok) return s.trim();
    const params: IssueParams = { note: parsed.error };
    ctx.addIssue({ code: 'custom', message: LINK_EXPECTED, params });
    return z.NEVER;
  });
}

function nicName() {
  const expected = { error: 'a network interface name (1 to 15 letters, digits or ._:@-, e.g. eth1)' };
  return z.string(expected).regex(NIC_NAME, expected).refine((s) => s !== '.' && s !== '..', expected);
}

const lineShape = {
  chip: text('a gpiochip name or label, e.g. gpiochip0'),
  line: intIn(0, MAX_CHIP_LINES - 1),
  activeLow: bool().default(false),
  pin: text('where the line is on the board, e.g. "J8 pin 11"').optional(),
};

const outputLine = section(lineShape);
const inputLine = section({
  ...lineShape,
  bias: oneOf(['as-is', 'disable', 'pull-up', 'pull-down']).optional(),
  debounceMs: intIn(0, MAX_DEBOUNCE_MS).optional(),
});

/** A mapping of names to lines; `__proto__` is refused rather than silently dropped by zod's record. */
function namedLines<T extends z.ZodType>(line: T, what: string) {
  const nameExpected = { error: `a ${what} name of letters, digits, "_" and "-", starting with a letter` };
  const record = z.record(z.string(nameExpected).regex(LINE_NAME, nameExpected), line, {
    error: (issue) => (issue.code === 'invalid_key' ? nameExpected.error : `a mapping of ${what} names to GPIO lines`),
  });
  return z
    .preprocess((input, ctx) => {
      if (input !== null && typeof input === 'object' && Object.prototype.hasOwnProperty.call(input, '__proto__')) {
        ctx.addIssue({ code: 'custom', message: `a ${what} name other than "__proto__"`, path: ['__proto__'] });
      }
      return input;
    }, record)
    .refine((lines) => Object.keys(lines as object).length <= MAX_NAMED_LINES, { error: `at most ${MAX_NAMED_LINES} ${what}s` });
}

const chip = section({
  label: text('the chip label gpioinfo prints').optional(),
  lines: intIn(1, MAX_CHIP_LINES),
  reserved: z
    .record(z.string().regex(/^\d{1,5}$/), text('why the line must not be used'), {
      error: (issue) => (issue.code === 'invalid_key' ? 'a line offset (a whole number)' : 'a mapping of line offsets to why they are reserved'),
    })
    .optional(),
});

const raidEntry = section({
  driver: oneOf(['md', 'areca']),
  mdstat: filePath().optional(),
  link: linkUrl().optional(),
}).superRefine((r, ctx) => {
  const need = r.driver === 'md' ? 'mdstat' : 'link';
  const refuse = r.driver === 'md' ? 'link' : 'mdstat';
  if (r[need] === undefined) ctx.addIssue({ code: 'custom', path: [need], message: need === 'mdstat' ? 'the path of the mdstat file for driver md' : `${LINK_EXPECTED} for driver areca` });
  if (r[refuse] !== undefined) ctx.addIssue({ code: 'custom', path: [refuse], message: `no ${refuse} with driver ${r.driver}` });
});

const STROBE_ONLY = ['periodMs', 'window', 'mode', 'pulseWidthMs', 'jitterMarginMs'] as const;

const watchdog = section({
  device: filePath().optional(),
  maxTimeoutSec: intIn(1, 86_400).optional(),
  strobe: outputLine.optional(),
  periodMs: durationMs(1).optional(),
  window: section({ minMs: intIn(0, MAX_DURATION_MS), maxMs: durationMs(1) }).optional(),
  mode: oneOf(['toggle', 'pulse']).optional(),
  pulseWidthMs: durationMs(1).optional(),
  jitterMarginMs: intIn(0, 60_000).optional(),
}).superRefine((w, ctx) => {
  if ((w.device === undefined) === (w.strobe === undefined)) {
    ctx.addIssue({ code: 'custom', message: 'either device (a watchdog device path) or strobe (the GPIO output feeding an external chip)' });
    return;
  }
  if (w.device !== undefined) {
    for (const key of STROBE_ONLY) if (w[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `no ${key} with device (it belongs to strobe)` });
    return;
  }
  if (w.maxTimeoutSec !== undefined) ctx.addIssue({ code: 'custom', path: ['maxTimeoutSec'], message: 'no maxTimeoutSec with strobe (the window says it)' });
  if (w.periodMs === undefined) ctx.addIssue({ code: 'custom', path: ['periodMs'], message: 'the strobe period in ms' });
  if (w.window === undefined) ctx.addIssue({ code: 'custom', path: ['window'], message: "the chip's window {minMs, maxMs}" });
  if (w.periodMs === undefined || w.window === undefined) return;
  const problem = checkStrobeTiming({
    window: w.window,
    periodMs: w.periodMs,
    jitterMarginMs: w.jitterMarginMs ?? DEFAULT_STROBE_JITTER_MARGIN_MS,
    mode: w.mode ?? 'toggle',
    pulseWidthMs: w.pulseWidthMs,
  });
  if (problem !== null) ctx.addIssue({ code: 'custom', path: ['periodMs'], message: "a period inside the chip's window", params: { note: problem } });
});

const simGpio = section({
  chip: text('a simulated chip name'),
  lineNames: z.array(text('a line name'), { error: 'a list of line names, one per offset' }).min(1, { error: 'a list of line names, one per offset' }).max(256, { error: 'at most 256 line names' }),
  inputsFile: filePath(),
  outputsFile: filePath(),
});

export const boardProfileSchema = section({
  name: idString(),
  description: text('a one-line description').optional(),
  gpioBackend: oneOf(BOARD_GPIO_BACKENDS).optional(),
  chips: z.record(text('a gpiochip name'), chip, { error: 'a mapping of gpiochip names to {lines, label, reserved}' }).optional(),
  simGpio: simGpio.optional(),
  ups: section({ link: linkUrl() }).optional(),
  raid: z.array(raidEntry, { error: 'a list of RAID sources' }).max(MAX_RAID_SOURCES, { error: `at most ${MAX_RAID_SOURCES} RAID sources` }).optional(),
  watchdog: watchdog.optional(),
  crossoverNic: nicName().optional(),
  relays: namedLines(outputLine, 'relay').optional(),
  leds: section({ active: outputLine.optional(), standby: outputLine.optional(), fault: outputLine.optional() }).optional(),
  inputs: namedLines(inputLine, 'input').optional(),
});

export type BoardProfileYaml = z.output<typeof boardProfileSchema>;

/** The YAML watchdog as the typed union. */
export function toBoardWatchdog(w: NonNullable<BoardProfileYaml['watchdog']>): BoardWatchdog {
  if (w.device !== undefined) return w.maxTimeoutSec === undefined ? { kind: 'device', device: w.device } : { kind: 'device', device: w.device, maxTimeoutSec: w.maxTimeoutSec };
  const strobe: BoardWatchdog = {
    kind: 'gpio-strobe',
    line: w.strobe as BoardOutputLine,
    periodMs: w.periodMs as number,
    window: w.window as { minMs: number; maxMs: number },
    mode: w.mode ?? 'toggle',
    jitterMarginMs: w.jitterMarginMs ?? DEFAULT_STROBE_JITTER_MARGIN_MS,
  };
  if (w.pulseWidthMs !== undefined) strobe.pulseWidthMs = w.pulseWidthMs;
  return strobe;
}

export function toRaidSource(r: NonNullable<BoardProfileYaml['raid']>[number]): BoardRaidSource {
  return r.driver === 'md' ? { driver: 'md', mdstat: r.mdstat as string } : { driver: 'areca', link: r.link as string };
}
