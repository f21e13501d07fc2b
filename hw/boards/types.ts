// A board profile: where a board's devices are wired (UPS port, RAID source,
// watchdog, crossover NIC, GPIO lines for relays, LEDs and UPS contacts).
// The `hardware:` config says *what* is attached and enabled; a profile only
// says *where* it is, and fills the keys the config leaves out
// (resolve.ts). Built-in profiles are typed objects in profiles/; a user's
// profile is YAML validated by schema.ts into this same shape.

import type { Bias } from '../gpio/types';

export const BOARD_GPIO_BACKENDS = ['onoff', 'gpiod', 'sim'] as const;
/** onoff: legacy sysfs; gpiod: the gpiod 1.6 CLI tools (character device); sim: the in-memory chip. */
export type BoardGpioBackend = (typeof BOARD_GPIO_BACKENDS)[number];

export const LED_NAMES = ['active', 'standby', 'fault'] as const;
export type LedName = (typeof LED_NAMES)[number];

/**
 * One GPIO line. `line` is the offset within `chip` (what gpioinfo lists; on a
 * Raspberry Pi the BCM GPIO number), never a header pin number.
 */
export interface BoardLine {
  chip: string;
  line: number;
  activeLow: boolean;
  /** Where a person finds it, e.g. "J8 pin 11"; only for messages and docs. */
  pin?: string;
}

export interface BoardInputLine extends BoardLine {
  bias?: Bias;
  debounceMs?: number;
}

export type BoardOutputLine = BoardLine;

export type BoardRaidSource = { driver: 'md'; mdstat: string } | { driver: 'areca'; link: string };

export interface StrobeWindowMs {
  minMs: number;
  maxMs: number;
}

export type BoardWatchdog =
  /** A /dev/watchdog device; `maxTimeoutSec` is the longest timeout its hardware counts (checked against hardware.watchdog.timeoutSec). */
  | { kind: 'device'; device: string; maxTimeoutSec?: number }
  /** An external chip fed by a GPIO output (hw/watchdog/gpioStrobe.ts). */
  | {
      kind: 'gpio-strobe';
      line: BoardOutputLine;
      periodMs: number;
      window: StrobeWindowMs;
      mode: 'toggle' | 'pulse';
      pulseWidthMs?: number;
      jitterMarginMs: number;
    };

/** What is known about a gpiochip of the board, so line numbers can be checked before any is claimed. */
export interface BoardChip {
  /** The kernel's label (gpioinfo prints it), for messages. */
  label?: string;
  /** Number of lines: valid offsets are 0..lines-1. */
  lines: number;
  /** Offsets that must not be used, with why (UART, HAT EEPROM...). */
  reserved?: Readonly<Record<number, string>>;
}

/** The simulated chip of the `simulated` board and the files of its bridge (hw/gpio/simFileBridge.ts). */
export interface BoardSimGpio {
  chip: string;
  /** One name per offset. */
  lineNames: readonly string[];
  /** Written by the world side (sim-device ups-gpio), read by the host. */
  inputsFile: string;
  /** Written by the host: the claimed outputs (LEDs, relays). */
  outputsFile: string;
}

export interface BoardProfile {
  name: string;
  description: string;
  /** The YAML file it was read from (absolute); absent for a built-in profile. */
  origin?: string;
  /** null: the board has no GPIO lines to offer (then it has no relays, leds or inputs). */
  gpioBackend: BoardGpioBackend | null;
  /** Known chips, by the name lines use; a line on a chip not listed is not range-checked. */
  chips: Readonly<Record<string, BoardChip>>;
  simGpio?: BoardSimGpio;
  /** The UPS serial port, as a link URL (hw/link/linkUrl.ts). */
  ups?: { link: string };
  raid: readonly BoardRaidSource[];
  watchdog?: BoardWatchdog;
  /** The NIC of the crossover heartbeat path (its carrier is watched). */
  crossoverNic?: string;
  /** Named relay outputs, e.g. peerPower, peerReset. */
  relays: Readonly<Record<string, BoardOutputLine>>;
  leds: Readonly<Partial<Record<LedName, BoardOutputLine>>>;
  /** Named inputs, e.g. the UPS dry contacts onBattery, lowBattery. */
  inputs: Readonly<Record<string, BoardInputLine>>;
}
