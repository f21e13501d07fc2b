// The simulated fence agents bench:fence measures, each built by
// createFenceDevice from a config object as the daemon builds it, with the
// simulator it talks to and a way to read the target's real power state.

import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryPower } from '../hw/fence';
import { ipmiSimMissing, startIpmiSim } from '../hw/fence/ipmi/testing/ipmiSim';
import { startFenceSimServer, type FenceSimKind, type FenceSimServer } from '../hw/fence/simServer';
import { SimGpioChip, simGpioBackend } from '../hw/gpio/sim';
import type { Schedule } from '../hw/ups/schedule';
import type { FenceDeviceConfig } from '../src/config/types';
import { createFenceDevice, type CreateFenceDeviceOptions } from '../src/shell/fence/createDevice';
import type { FenceDevice } from '../src/shell/fence/device';

const FENCE_IPMILAN = '/usr/sbin/fence_ipmilan';
/** The UPS simulators wait 12-20 s (Megatec `.2` minutes, APC grace) before cutting; run their timers this much faster. */
export const UPS_SPEEDUP = 100;

export interface Rig {
  device: FenceDevice;
  /** Ground truth: does the simulated target have power? */
  isOn(): boolean;
  notes: string[];
  close(): Promise<void>;
}

export interface AgentSetup {
  name: string;
  /** Why it cannot run here, or null. */
  missing(): string | null;
  start(): Promise<Rig>;
}

const fastSchedule: Schedule = (delayMs, fn) => {
  const t = setTimeout(fn, Math.max(0, delayMs / UPS_SPEEDUP));
  return () => clearTimeout(t);
};

async function simServer(kind: FenceSimKind, power: MemoryPower, extra: { schedule?: Schedule; password?: string } = {}): Promise<FenceSimServer> {
  const r = await startFenceSimServer({ kind, host: '127.0.0.1', port: 0, power, login: 'apc', password: extra.password ?? 'apc', schedule: extra.schedule });
  if (!r.ok) throw new Error(r.reason);
  return r;
}

const local = (s: FenceSimServer) => ({ host: '127.0.0.1', port: s.port });

function rigOf(device: FenceDevice, isOn: () => boolean, notes: string[], closers: Array<() => Promise<void> | void>): Rig {
  return { device, isOn, notes, close: async () => void (await Promise.all(closers.map((c) => c()))) };
}

/** A throwaway 0600 password file for the PDU console. */
function passwordFile(secret: string): { file: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'edge-ha-bench-fence-'));
  const file = join(dir, 'pw');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function build(config: FenceDeviceConfig, options: CreateFenceDeviceOptions = {}): FenceDevice {
  return createFenceDevice(config, options);
}

const gpioRelay: AgentSetup = {
  name: 'gpio-relay',
  missing: () => null,
  start: async () => {
    const chip = new SimGpioChip('gpiochip-bench', ['relay', 'power-good']);
    // The power-good sense follows the relay: energised relay = power cut = sense low.
    chip.drive('power-good', 1);
    const stop = chip.onChange((c) => {
      if (c.name === 'relay' && c.by === 'host') chip.drive('power-good', c.level === 1 ? 0 : 1);
    });
    const sense = { chip: 'gpiochip-bench', line: 1, activeLow: false };
    const config: FenceDeviceConfig = { name: 'relay', type: 'gpio-relay', backend: 'sim', chip: 'gpiochip-bench', line: 0, activeLow: false, mode: 'hold', pulseMs: 1000, sense, timeoutMs: 5000 };
    const device = build(config, { gpioBackends: { sim: simGpioBackend(chip) } });
    const notes = ['simulated gpiochip (hw/gpio/sim.ts), hold mode; the sense line follows the relay at once, so the time is the agent\'s own settle and sense polling'];
    return rigOf(device, () => chip.level('power-good') === 1, notes, [stop]);
  },
};

const lcus: AgentSetup = {
  name: 'lcus',
  missing: () => null,
  start: async () => {
    const power = new MemoryPower();
    const [board, rps] = [await simServer('lcus', power), await simServer('rps10', power)];
    const configs: FenceDeviceConfig[] = [
      { name: 'relay-board', type: 'lcus', address: local(board), channel: 2, senseDevice: 'sense-rps10', timeoutMs: 5000 },
      { name: 'sense-rps10', type: 'rps10', address: local(rps), outlet: 2, waitForReady: true, timeoutMs: 5000 },
    ];
    const byName = new Map<string, FenceDevice>();
    for (const c of configs) byName.set(c.name, build(c, { lookup: (n) => byName.get(n) }));
    const notes = ['LCUS board simulator over TCP; write-only, so every read goes through the sense device, an RPS-10 simulator on the same outlet (each read is an RPS-10 status session)'];
    return rigOf(byName.get('relay-board')!, () => power.isOn(2), notes, [() => board.close(), () => rps.close()]);
  },
};

const rps10: AgentSetup = {
  name: 'rps10',
  missing: () => null,
  start: async () => {
    const power = new MemoryPower();
    const server = await simServer('rps10', power);
    const device = build({ name: 'rps10', type: 'rps10', address: local(server), outlet: 3, waitForReady: true, timeoutMs: 5000 });
    const notes = ['RPS-10 simulator via hw/fence/simServer.ts over TCP; each operation connects and waits for the 20 ms RPS-10 Ready banner (the DTR reset), so off + status is two sessions'];
    return rigOf(device, () => power.isOn(3), notes, [() => server.close()]);
  },
};

function apcPdu(console: 'aos' | 'menu'): AgentSetup {
  return {
    name: `apc-pdu (${console})`,
    missing: () => null,
    start: async () => {
      const power = new MemoryPower();
      const secret = 'bench-Pdu-Secret-5';
      const server = await simServer(console === 'aos' ? 'apc-pdu' : 'apc-menu', power, { password: secret });
      const pw = passwordFile(secret);
      const device = build({ name: 'pdu', type: 'apc-pdu', address: local(server), outlet: 2, login: 'apc', passwordFile: pw.file, console, timeoutMs: 5000 });
      const notes = [`APC PDU simulator, ${console === 'aos' ? 'AOS command line (olOff/olStatus)' : 'classic menus'}, login per operation`];
      return rigOf(device, () => power.isOn(2), notes, [() => server.close(), pw.remove]);
    },
  };
}

function upsSwitch(type: 'apc-ups' | 'megatec-ups'): AgentSetup {
  return {
    name: type,
    missing: () => null,
    start: async () => {
      const power = new MemoryPower();
      const server = await simServer(type, power, { schedule: fastSchedule });
      const config: FenceDeviceConfig = type === 'apc-ups' ? { name: 'ups', type, address: local(server), timeoutMs: 3000 } : { name: 'ups', type, address: local(server), restoreMinutes: 0, timeoutMs: 3000 };
      const notes =
        type === 'apc-ups'
          ? [
              `FAST SCHEDULE: the simulator's timers run ${UPS_SPEEDUP}x faster (grace delay 100 ms -> 1 ms, @000 wake-up 60 s -> 600 ms); a real unit adds its grace delay (20 s by default), polled every 2 s`,
              'off = S (answered NA: the simulated UPS is on line) then @000 paced 50 ms a byte, then Q reads off',
              'on = ^N twice 1.6 s apart (a UPS ignores a single one); @000 also brings the output back by itself after the wake-up delay',
            ]
          : [
              `FAST SCHEDULE: the simulator's timers run ${UPS_SPEEDUP}x faster (the S.2 off delay of 12 s -> 120 ms); a real unit adds the full 12 s, polled every 2 s`,
              'off and on each wait 1000 ms of silence after the command (an echo would mean refused), which is what the figure mostly is',
            ];
      return rigOf(build(config), () => power.isOn(0), notes, [() => server.close()]);
    },
  };
}

function ipmi(lanplus: boolean): AgentSetup {
  return {
    name: lanplus ? 'ipmi (RMCP+)' : 'ipmi (v1.5 md5)',
    missing: ipmiSimMissing,
    start: async () => {
      const sim = await startIpmiSim();
      const config: FenceDeviceConfig = {
        name: 'bmc', type: 'ipmi', address: { host: sim.host, port: sim.port }, user: sim.user, passwordFile: sim.passwordFile,
        privilege: 'administrator', authType: 'md5', lanplus, timeoutMs: 1000, retries: 3, offConfirmTimeoutMs: 20_000,
      };
      const notes = ['native agent against OpenIPMI ipmi_sim on loopback; one session per operation; config defaults; ipmi_sim switches at once, so the first status read after the command reads off (a real BMC that takes longer is polled every 500 ms)'];
      return rigOf(build(config), () => sim.power() === 'on', notes, [() => sim.stop()]);
    },
  };
}

const fenceIpmilan: AgentSetup = {
  name: 'fence_ipmilan',
  missing: () => ipmiSimMissing() ?? (existsSync(FENCE_IPMILAN) && existsSync('/usr/bin/ipmitool') ? null : `${FENCE_IPMILAN} or /usr/bin/ipmitool not found (Debian fence-agents, ipmitool)`),
  start: async () => {
    const sim = await startIpmiSim();
    const options = { ip: sim.host, ipport: String(sim.port), username: sim.user, password: sim.password, lanplus: '1', cipher: '3', power_wait: '0' };
    const device = build({ name: 'ipmilan', type: 'command', command: [FENCE_IPMILAN], options, timeoutMs: 20_000 }, { sendTarget: false });
    const notes = ['ClusterLabs fence_ipmilan (ipmitool, RMCP+ cipher 3) through CommandFenceDevice against ipmi_sim; power_wait=0 (its default adds a 2 s sleep after off and on)'];
    return rigOf(device, () => sim.power() === 'on', notes, [() => sim.stop()]);
  },
};

export const AGENTS: AgentSetup[] = [gpioRelay, lcus, rps10, apcPdu('aos'), apcPdu('menu'), upsSwitch('apc-ups'), upsSwitch('megatec-ups'), ipmi(false), ipmi(true), fenceIpmilan];
