// The `hardware:` section: which UPS, RAID and watchdog this node reads, the
// node-health sources, and the rules that turn readings into decisions.
// Everything is optional: a node without the section monitors no hardware.
// A `board:` profile (hw/boards) fills in what the section leaves out at
// start-up; the rules' defaults are the issue's: UPS critical shuts down
// (after a handoff when the peer's power is fine), a failed array switches
// over, degraded arrays and a pulled crossover cable raise alarms.

import { z } from 'zod';
import { bool, commandArgv, durationMs, filePath, hostPort, idString, intIn, oneOf, section, text } from './fields';
import { GPIO_BACKENDS } from './powerDevices';
import { parseLinkUrl } from '../../hw/link/linkUrl';

export const UPS_DRIVERS = ['megatec', 'apcsmart', 'nut', 'drycontact'] as const;
export const RAID_DRIVERS = ['md', 'areca-cli', 'areca'] as const;
export const MAX_RAID_SOURCES = 8;

/** A serial link URL (serial:/dev/ttyS1?baud=2400, /dev/ttyUSB0, tcp://host:port), checked by hw/link. */
function linkUrl() {
  return text('a link: serial:/dev/ttyS0?baud=2400, /dev/ttyUSB0 or tcp://host:port').superRefine((s, ctx) => {
    const parsed = parseLinkUrl(s);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: 'a link: serial:/dev/ttyS0?baud=2400, /dev/ttyUSB0 or tcp://host:port', params: { note: parsed.error } });
  });
}

const contact = section({
  chip: text('a GPIO chip name (gpiochip0) or a simulated chip name'),
  line: intIn(0, 1023),
  activeLow: bool().default(false),
});

const ups = section({
  driver: oneOf(UPS_DRIVERS),
  link: linkUrl().optional(),
  pollIntervalMs: durationMs(100).default(2_000),
  commLostAfterFailures: intIn(1, 100).default(3),
  nut: section({
    host: text('a host name or address'),
    port: intIn(1, 65_535).default(3493),
    ups: text('the UPS name in upsd (as in `upsc NAME@host`)'),
    username: text('a upsd user name').optional(),
    passwordFile: filePath().optional(),
  }).optional(),
  contacts: section({
    onBattery: contact,
    lowBattery: contact.optional(),
    gpioBackend: oneOf(GPIO_BACKENDS).default('onoff'),
    simFile: filePath().optional(),
  }).optional(),
  serve: section({ bind: hostPort(), name: idString().default('ups') }).optional(),
}).superRefine((u, ctx) => {
  const need = (key: string, why: string) => ctx.addIssue({ code: 'custom', message: why, path: [key] });
  if (u.driver === 'nut' && !u.nut) need('nut', 'a mapping with host and ups (the upsd that serves this UPS)');
  if (u.contacts?.gpioBackend === 'sim' && !u.contacts.simFile) need('contacts', 'a simFile with gpioBackend: sim (the simulated chip\'s input file)');
});

const raidSource = section({
  driver: oneOf(RAID_DRIVERS),
  mdstat: filePath().default('/proc/mdstat'),
  command: commandArgv().optional(),
  link: linkUrl().optional(),
  pollIntervalMs: durationMs(100).default(5_000),
}).superRefine((r, ctx) => {
  if (r.driver === 'areca-cli' && !r.command) ctx.addIssue({ code: 'custom', message: 'the Areca CLI command, e.g. [cli64]', path: ['command'] });
});

const watchdog = section({
  device: filePath().optional(),
  timeoutSec: intIn(1, 600).default(10),
  /** Write 'V' on a deliberate stop so the device stops counting; off by default (a stop then resets the node, which is safe). */
  magicClose: bool().default(false),
  systemd: z.union([z.literal('auto'), z.boolean()], { error: 'auto, true or false' }).default('auto'),
}).prefault({});

const health = section({
  crossoverInterface: text('a network interface name (eth1)').optional(),
  carrierPollMs: durationMs(10).default(100),
  pollIntervalMs: durationMs(1_000).default(30_000),
}).prefault({});

const rules = section({
  upsCritical: oneOf(['shutdown', 'switchover', 'alarm', 'ignore']).default('shutdown'),
  upsOnBattery: oneOf(['alarm', 'ignore']).default('alarm'),
  raidFailed: oneOf(['switchover', 'alarm', 'ignore']).default('switchover'),
  raidDegraded: oneOf(['alarm', 'ignore']).default('alarm'),
  carrierLost: oneOf(['alarm', 'ignore']).default('alarm'),
}).prefault({});

const RAID_EXPECTED = { error: `a list of at most ${MAX_RAID_SOURCES} RAID sources` };

export const hardwareSection = section({
  board: text('a board profile name (simulated, generic-x86, raspberry-pi-4) or a profile file path').optional(),
  ups: ups.optional(),
  raid: z.array(raidSource, RAID_EXPECTED).max(MAX_RAID_SOURCES, RAID_EXPECTED).default([]),
  watchdog,
  health,
  rules,
  /** Run after the service is stopped on critical power (upsmon's SHUTDOWNCMD); [] = the daemon only exits. */
  shutdownCommand: z
    .unknown()
    .transform((v, ctx): string[] => {
      if (Array.isArray(v) && v.length === 0) return [];
      const parsed = commandArgv().safeParse(v);
      if (parsed.success) return parsed.data;
      ctx.addIssue({ code: 'custom', message: 'a command, or [] to only exit the daemon' });
      return z.NEVER;
    })
    .default(['/sbin/shutdown', '-h', 'now']),
})
  .superRefine((h, ctx) => {
    // Without a board profile, nothing else can say where a device is wired.
    if (h.board !== undefined) return;
    const need = (path: (string | number)[], what: string) => ctx.addIssue({ code: 'custom', message: what, path, params: { note: 'no hardware.board fills it in' } });
    if ((h.ups?.driver === 'megatec' || h.ups?.driver === 'apcsmart') && !h.ups.link) need(['ups', 'link'], `a link (the ${h.ups.driver} UPS's serial port)`);
    if (h.ups?.driver === 'drycontact' && !h.ups.contacts) need(['ups', 'contacts'], 'a mapping with the onBattery (and lowBattery) input lines');
    h.raid.forEach((r, i) => r.driver === 'areca' && !r.link && need(['raid', i, 'link'], "a link (the controller's RS-232 port)"));
  })
  .prefault({});

export type HardwareConfig = z.output<typeof hardwareSection>;

/** Self-fencing: who a node asks, on losing its peer, whether it may survive (src/arbiter). */
export const arbitratorSection = z.discriminatedUnion(
  'type',
  [
    section({ type: z.literal('ping'), host: text('a host name or address'), port: intIn(1, 65_535).optional(), timeoutMs: durationMs(10).default(1_000) }),
    section({ type: z.literal('witness'), address: hostPort(), keyFile: filePath(), timeoutMs: durationMs(10).default(1_000) }),
  ],
  { error: 'an arbitrator: {type: ping, host} or {type: witness, address, keyFile}' },
);

export type ArbitratorConfig = z.output<typeof arbitratorSection>;
