// Schemas of the fence devices that are not serial consoles: a server's BMC
// over IPMI LAN, a relay on a GPIO output, and the RC-delay reset cable on a
// serial port's modem lines. The relay and the cable say nothing back, so
// both must name a sense input (a power-good line): without one an off is
// never confirmed and the peer would never count as fenced, so such a device
// is refused here rather than failing at the first fence.

import { z } from 'zod';
import { bool, durationMs, filePath, idString, intIn, oneOf, section, text, type IssueParams } from './fields';
import { parseHostPort } from './hostPort';
import type { HostPort } from './types';

export const IPMI_DEFAULT_PORT = 623;
export const GPIO_BACKENDS = ['gpiod', 'onoff', 'sim'] as const;
export type GpioBackendName = (typeof GPIO_BACKENDS)[number];

/** A power-good input read back after driving the relay or the cable. */
export interface GpioSenseConfig {
  /** Default: the relay's backend (gpio-relay) or gpiod (rcd-serial). */
  backend?: GpioBackendName;
  chip: string;
  /** Line offset within the chip. */
  line: number;
  /** true: the line reads low while the peer has power. */
  activeLow: boolean;
}

export type PowerFenceDeviceConfig =
  | {
      name: string;
      type: 'ipmi';
      address: HostPort;
      /** Empty for the null user. */
      user: string;
      /** First line is the password; mode 0600 or stricter; read at each use, never logged. */
      passwordFile: string;
      privilege: 'callback' | 'user' | 'operator' | 'administrator';
      /** v1.5 session authentication; ignored with lanplus. */
      authType: 'md5' | 'password' | 'none';
      /** IPMI v2.0 RMCP+ (cipher suite 3) instead of v1.5. */
      lanplus: boolean;
      /** Per request; a lost datagram is sent again after this. */
      timeoutMs: number;
      retries: number;
      /** How long the chassis may take to read off after the command. */
      offConfirmTimeoutMs: number;
    }
  | {
      name: string;
      type: 'gpio-relay';
      backend: GpioBackendName;
      chip: string;
      line: number;
      activeLow: boolean;
      /** hold: energised while off; pulse: energised for pulseMs (a reset or power-cycle press). */
      mode: 'hold' | 'pulse';
      pulseMs: number;
      sense: GpioSenseConfig;
      /** How long the sense may take to read off after the line is driven (bounds each call). */
      timeoutMs: number;
    }
  | {
      name: string;
      type: 'rcd-serial';
      /** A link URL: /dev/ttyS1 or serial:/dev/ttyS1. */
      port: string;
      signal: 'dtr' | 'rts';
      pulseMs: number;
      sense: GpioSenseConfig;
      /** How long the sense may take to read off after the line is driven (bounds each call). */
      timeoutMs: number;
    }
  | {
      name: string;
      /**
       * Watchdog self-fencing (no power switch): the peer resets itself through its own watchdog when it is
       * cut off. "Off" is confirmed by waiting `waitMs` (at least twice the peer's watchdog timeout, sbd's rule).
       */
      type: 'watchdog';
      waitMs: number;
      /** waitMs plus a margin: the fencer's bound on this device. */
      timeoutMs: number;
    }
  | {
      name: string;
      /** Heartbeat's meatware: never confirms by itself; a person runs `edge-ha fence confirm <peer>`. */
      type: 'operator';
      timeoutMs: number;
    };

const SENSE_EXPECTED =
  'a sense input mapping (keys: backend, chip, line, activeLow): without one the reset can never be confirmed and the peer would never count as fenced';

/** `host` or `host:port`; a bare host gets IPMI's port 623. */
function ipmiAddress() {
  const expected = 'host or host:port (port 623 when omitted)';
  return z.string({ error: expected }).transform((s, ctx) => {
    const bare = !s.startsWith('[') && !s.includes(':');
    const parsed = parseHostPort(bare ? `${s}:${IPMI_DEFAULT_PORT}` : s);
    if (parsed.ok) return parsed.value;
    const params: IssueParams = parsed.note === undefined ? {} : { note: parsed.note };
    ctx.addIssue({ code: 'custom', message: expected, params });
    return z.NEVER;
  });
}

function gpioChip() {
  return text('a GPIO chip name (gpiochip0; for onoff a sysfs chip such as gpiochip512 or its label)');
}

function sense() {
  return section(
    {
      backend: oneOf(GPIO_BACKENDS).optional(),
      chip: gpioChip(),
      line: intIn(0, 1023),
      activeLow: bool().default(false),
    },
    SENSE_EXPECTED,
  );
}

const ipmi = section({
  name: idString(),
  type: z.literal('ipmi'),
  address: ipmiAddress(),
  // An IPMI user name is at most 16 bytes; the empty one is the null user.
  user: z.string({ error: 'a user name of at most 16 characters ("" for the null user)' }).max(16, { error: 'a user name of at most 16 characters ("" for the null user)' }),
  passwordFile: filePath(),
  privilege: oneOf(['callback', 'user', 'operator', 'administrator']).default('administrator'),
  authType: oneOf(['md5', 'password', 'none']).default('md5'),
  lanplus: bool().default(false),
  timeoutMs: durationMs(1).default(1000),
  retries: intIn(0, 10).default(3),
  // fence_ipmilan's power_timeout.
  offConfirmTimeoutMs: durationMs(1).default(20_000),
});

const gpioRelay = section({
  name: idString(),
  type: z.literal('gpio-relay'),
  backend: oneOf(GPIO_BACKENDS).default('gpiod'),
  chip: gpioChip(),
  line: intIn(0, 1023),
  activeLow: bool().default(false),
  mode: oneOf(['hold', 'pulse']).default('hold'),
  // hw/fence/gpiorelay refuses a pulse over a minute (hold mode is for that).
  pulseMs: intIn(1, 60_000).default(1000),
  sense: sense(),
  // The confirmation window: the call ends when the sense reads off, or fails after this.
  timeoutMs: durationMs(1).default(10_000),
});

const rcdSerial = section({
  name: idString(),
  type: z.literal('rcd-serial'),
  port: text('a serial port: a device path such as /dev/ttyS1, or serial:/dev/ttyS1'),
  signal: oneOf(['dtr', 'rts']).default('dtr'),
  // fence_rcd_serial's default; hw/fence/rcdserial refuses more than 30 s.
  pulseMs: intIn(1, 30_000).default(1500),
  sense: sense(),
  // The confirmation window: the call ends when the sense reads off, or fails after this.
  timeoutMs: durationMs(1).default(10_000),
});

const watchdogWait = section({
  name: idString(),
  type: z.literal('watchdog'),
  waitMs: durationMs(1_000),
}).transform((d) => ({ ...d, timeoutMs: d.waitMs + 5_000 }));

const operator = section({ name: idString(), type: z.literal('operator') }).transform((d) => ({ ...d, timeoutMs: 1_000 }));

export const powerFenceDevices = [ipmi, gpioRelay, rcdSerial, watchdogWait, operator] as const;
