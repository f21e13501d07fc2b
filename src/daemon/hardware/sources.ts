// Builds the hardware sources a node's `hardware:` section names: the UPS
// (Megatec, APC Smart, NUT or dry contacts) and the RAID sources (md, Areca
// CLI, Areca serial). Only construction lives here; polling and decisions
// are in the monitors (hw/) and in rules.ts.

import type { HardwareConfig } from '../../config/types';
import { childProcessRunner, gpiodCliBackend, onoffBackend, openGpioLine, simGpioBackend, SimGpioChip, startGpioFileBridge, type GpioBackend } from '../../../hw/gpio';
import { linkFactoryFromUrl } from '../../../hw/link';
import { arecaCliSource, arecaSerialSource, mdstatSource, type RaidSource } from '../../../hw/raid/monitor';
import { dryContactSource, type ContactConfig } from '../../../hw/ups/drycontact/dryContact';
import { apcSmartSource, megatecSource, nutSource } from '../../../hw/ups/monitor/drivers';
import type { UpsSource } from '../../../hw/ups/monitor/source';
import { connectTcp } from '../../../hw/ups/nut/tcpTransport';
import { readSecretFile } from '../../shell/fence/secretFile';
import type { Schedule } from '../../../hw/ups/schedule';

const UPS_BAUD = 2400;
const CLI_TIMEOUT_MS = 10_000;

export type Built<T> = { ok: true; value: T; close?: () => void } | { ok: false; error: string };

export function buildUpsSource(ups: NonNullable<HardwareConfig['ups']>, schedule: Schedule): Built<UpsSource> {
  switch (ups.driver) {
    case 'megatec':
    case 'apcsmart': {
      const factory = linkFactoryFromUrl(ups.link ?? '', { defaults: { baudRate: UPS_BAUD }, openTimeoutMs: 5000, schedule });
      if (!factory.ok) return { ok: false, error: `hardware.ups.link: ${factory.error}` };
      const source = ups.driver === 'megatec' ? megatecSource(factory.value, { schedule }) : apcSmartSource(factory.value, { schedule });
      return { ok: true, value: source };
    }
    case 'nut': {
      const n = ups.nut;
      if (!n) return { ok: false, error: 'hardware.ups.nut: missing' };
      let password: string | undefined;
      if (n.passwordFile) {
        const read = readSecretFile(n.passwordFile, 'hardware.ups.nut.passwordFile');
        if (!read.ok) return { ok: false, error: read.reason };
        password = read.secret;
      }
      const auth = n.username !== undefined && password !== undefined ? { username: n.username, password } : {};
      return { ok: true, value: nutSource(() => connectTcp({ host: n.host, port: n.port, connectTimeoutMs: 5000 }), { schedule, ups: n.ups, ...auth }) };
    }
    case 'drycontact':
      return buildDryContact(ups, schedule);
  }
}

function buildDryContact(ups: NonNullable<HardwareConfig['ups']>, schedule: Schedule): Built<UpsSource> {
  const c = ups.contacts;
  if (!c) return { ok: false, error: 'hardware.ups.contacts: missing' };
  let backend: GpioBackend;
  let close: (() => void) | undefined;
  if (c.gpioBackend === 'sim') {
    // The lab's simulated chip: its inputs come from a file another process writes (edge-ha sim-device ups-gpio).
    const chip = new SimGpioChip(c.onBattery.chip, 64);
    const bridge = startGpioFileBridge({ chip, inputsPath: c.simFile ?? '', pollMs: 50, schedule });
    backend = simGpioBackend(chip);
    close = () => bridge.stop();
  } else backend = c.gpioBackend === 'gpiod' ? gpiodCliBackend({ schedule }) : onoffBackend();
  const contact = (name: string, cfg: { chip: string; line: number; activeLow: boolean }): ContactConfig => {
    let line: Awaited<ReturnType<typeof openGpioLine>> | null = null;
    const open = async () => (line ??= await openGpioLine(backend, { name, chip: cfg.chip, offset: cfg.line, direction: 'in', activeLow: false }));
    return {
      activeLevel: cfg.activeLow ? 0 : 1,
      input: {
        read: async () => {
          const l = await open();
          if (!l.ok) throw new Error(l.error.message);
          const r = await l.value.read();
          if (!r.ok) throw new Error(r.error.message);
          return r.value ? 1 : 0;
        },
        watch: () => () => undefined,
      },
    };
  };
  const source = dryContactSource({ onBattery: contact('ups-on-battery', c.onBattery), ...(c.lowBattery ? { lowBattery: contact('ups-low-battery', c.lowBattery) } : {}) });
  return { ok: true, value: source, ...(close ? { close } : {}) };
}

export function buildRaidSource(r: HardwareConfig['raid'][number], schedule: Schedule): Built<RaidSource> {
  switch (r.driver) {
    case 'md':
      return { ok: true, value: mdstatSource({ path: r.mdstat }) };
    case 'areca-cli': {
      const [cli, ...prefix] = r.command ?? ['cli64'];
      const run = async (file: string, args: readonly string[]) => {
        const o = await childProcessRunner.run(file, [...prefix, ...args], CLI_TIMEOUT_MS);
        return { code: o.code, stdout: o.stdout, stderr: o.stderr, ...(o.failure ? { error: o.failure } : {}) };
      };
      return { ok: true, value: arecaCliSource({ run, ...(cli ? { cli } : {}) }) };
    }
    case 'areca': {
      const factory = linkFactoryFromUrl(r.link ?? '', { defaults: { baudRate: 115_200 }, openTimeoutMs: 5000, schedule });
      if (!factory.ok) return { ok: false, error: `hardware.raid link: ${factory.error}` };
      return { ok: true, value: arecaSerialSource({ connect: factory.value, schedule }) };
    }
  }
}
