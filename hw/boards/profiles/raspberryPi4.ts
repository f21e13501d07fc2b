// Raspberry Pi 4 Model B and Compute Module 4 (BCM2711): GPIO lines on
// gpiochip0 numbered by BCM GPIO number, the SoC's watchdog, a USB-RS232
// adapter for the UPS, a USB Ethernet adapter for the crossover link.
//
// Sources:
// * gpiochip0 is the SoC's pin controller, label "pinctrl-bcm2711", 58 lines
//   (Linux drivers/pinctrl/bcm/pinctrl-bcm2835.c: BCM2711_NUM_GPIOS 58,
//   bcm2711_gpio_chip.label); line offset = BCM GPIO number. Only GPIO 0-27
//   reach the 40-pin header (J8; the CM4's carrier exposes the same 28); the
//   others are wired on the board (SDIO to the wireless chip, the ACT LED...).
// * GPIO 0/1 (ID_SD/ID_SC) belong to the HAT ID EEPROM (Raspberry Pi HAT
//   specification); GPIO 14/15 carry the primary UART (TXD/RXD, J8 pins 8/10).
// * At reset every GPIO is an input, 0-8 pulled up and 9-27 pulled down
//   (BCM2835 ARM Peripherals p. 102; same table for the BCM2711). The relay and
//   LED lines below are all in 9-27, so an active-high relay driver stays off
//   while the board boots. The UPS contacts close to ground and are read with
//   the internal pull-up (bias pull-up, activeLow), like NUT's generic_gpio.
// * Watchdog: bcm2835_wdt (Linux drivers/watchdog/bcm2835_wdt.c), a 20-bit
//   counter of 2^16 ticks per second: max_timeout = 0xfffff >> 16 = 15 s, and
//   that is also its default timeout. It supports magic close.
// * UPS port: the SoC UARTs are 3.3 V logic, not RS-232 (Raspberry Pi
//   documentation, "Configure UARTs"); on a Pi 4 the PL011 (/dev/ttyAMA0)
//   drives Bluetooth unless `dtoverlay=disable-bt` moves it to GPIO 14/15, and
//   then it still needs a MAX3232-style level shifter. So the default is a
//   USB-RS232 adapter, /dev/ttyUSB0, at the UPS's 2400 8N1
//   (hardware-protocols.md §2.1, §4.1). With the overlay and a shifter, set
//   hardware.ups.link: serial:/dev/ttyAMA0?baud=2400.
// * NICs: the on-board Ethernet is eth0 (the LAN); Raspberry Pi OS keeps
//   kernel interface names unless predictable names are enabled in
//   raspi-config, so a USB Ethernet adapter for the crossover cable is eth1.
// * GPIO access: the gpiod 1.6 tools of Debian 12 / Raspberry Pi OS 12 on the
//   character device; sysfs numbering starts at 512 on kernels >= 6.6, which
//   is why the onoff backend computes numbers from the chip base (hw/gpio).

import type { BoardChip, BoardProfile } from '../types';

const notOnHeader = 'not on the 40-pin header: the SoC uses it on the board';

function bcm2711Reserved(): Record<number, string> {
  const reserved: Record<number, string> = {
    0: 'GPIO 0 is ID_SD of the HAT ID EEPROM',
    1: 'GPIO 1 is ID_SC of the HAT ID EEPROM',
    14: 'GPIO 14 is the primary UART TXD (J8 pin 8)',
    15: 'GPIO 15 is the primary UART RXD (J8 pin 10)',
  };
  for (let gpio = 28; gpio < 58; gpio++) reserved[gpio] = `GPIO ${gpio} is ${notOnHeader}`;
  return reserved;
}

export const BCM2711_GPIOCHIP: BoardChip = { label: 'pinctrl-bcm2711', lines: 58, reserved: bcm2711Reserved() };

export const RASPBERRY_PI_4: BoardProfile = {
  name: 'raspberry-pi-4',
  description: 'Raspberry Pi 4 / CM4: GPIO on gpiochip0 (BCM numbers), bcm2835 watchdog (15 s max), UPS on /dev/ttyUSB0, crossover on eth1',
  gpioBackend: 'gpiod',
  chips: { gpiochip0: BCM2711_GPIOCHIP },
  ups: { link: 'serial:/dev/ttyUSB0?baud=2400' },
  raid: [{ driver: 'md', mdstat: '/proc/mdstat' }],
  watchdog: { kind: 'device', device: '/dev/watchdog', maxTimeoutSec: 15 },
  crossoverNic: 'eth1',
  relays: {
    peerPower: { chip: 'gpiochip0', line: 22, activeLow: false, pin: 'J8 pin 15' },
    peerReset: { chip: 'gpiochip0', line: 23, activeLow: false, pin: 'J8 pin 16' },
  },
  leds: {
    active: { chip: 'gpiochip0', line: 24, activeLow: false, pin: 'J8 pin 18' },
    standby: { chip: 'gpiochip0', line: 25, activeLow: false, pin: 'J8 pin 22' },
    fault: { chip: 'gpiochip0', line: 26, activeLow: false, pin: 'J8 pin 37' },
  },
  inputs: {
    // Contacts bounce for a few ms; 50 ms is far below any UPS timing that matters.
    onBattery: { chip: 'gpiochip0', line: 17, activeLow: true, bias: 'pull-up', debounceMs: 50, pin: 'J8 pin 11' },
    lowBattery: { chip: 'gpiochip0', line: 27, activeLow: true, bias: 'pull-up', debounceMs: 50, pin: 'J8 pin 13' },
  },
};
