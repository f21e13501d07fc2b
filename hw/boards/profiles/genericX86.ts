// A PC-style x86 appliance: two 16550 serial ports, a /dev/watchdog from the
// chipset or Super-I/O (iTCO_wdt, sp5100_tco, it87_wdt, w83627hf_wdt...),
// Linux md software RAID, and no GPIO.
//
// Sources:
// * COM1 = ttyS0 at I/O 0x3F8 IRQ 4, COM2 = ttyS1 at 0x2F8 IRQ 3: the legacy
//   PC assignment the 8250 driver probes (Linux arch/x86/include/asm/serial.h,
//   SERIAL_PORT_DFNS). ttyS0 is left for the serial console (console=ttyS0)
//   or a reset cable (rcd-serial); the UPS goes on COM2.
// * UPS line 2400 bit/s 8N1, for both Megatec/Q1 and APC Smart
//   (shared/reference/hardware-protocols.md §2.1 and §4.1).
// * /proc/mdstat: Linux md (Documentation/admin-guide/md.rst; grammar in
//   hardware-protocols.md §8.3).
// * /dev/watchdog: the first watchdog the kernel registered
//   (Documentation/watchdog/watchdog-api.rst). Its longest timeout depends on
//   the chip, so no maxTimeoutSec is claimed here.
// No crossover NIC: interface names depend on the slot (enp1s0, eno2...), so
// a default would name an interface that is not there; set
// hardware.health.crossoverInterface.

import type { BoardProfile } from '../types';

export const GENERIC_X86: BoardProfile = {
  name: 'generic-x86',
  description: 'PC-style x86: UPS on COM2 (/dev/ttyS1, 2400 8N1), /dev/watchdog, /proc/mdstat; no GPIO',
  gpioBackend: null,
  chips: {},
  ups: { link: 'serial:/dev/ttyS1?baud=2400' },
  raid: [{ driver: 'md', mdstat: '/proc/mdstat' }],
  watchdog: { kind: 'device', device: '/dev/watchdog' },
  relays: {},
  leds: {},
  inputs: {},
};
