// Runs the real OpenIPMI BMC simulator (`ipmi_sim`, Debian package openipmi)
// on 127.0.0.1 at a free UDP port, with one admin user and a chassis-control
// script that keeps the "machine's" power in a file. Shared by the tests and
// `bench:fence` (which is why it lives here and not under test/):
// `startIpmiSim()` then `stop()` when done.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { IPMI_SIM_EMU, ipmiSimLanConf } from '../simConfig';

export const IPMI_SIM = '/usr/bin/ipmi_sim';

/** Why the simulator cannot run here, or null when it can. */
export function ipmiSimMissing(): string | null {
  if (!existsSync(IPMI_SIM)) return `${IPMI_SIM} not found (Debian package openipmi)`;
  return spawnSync('which', ['ipmi_sim']).status === 0 ? null : 'ipmi_sim is not on PATH';
}

export interface IpmiSimOptions {
  user?: string;
  password?: string;
  initialPower?: 'on' | 'off';
}

export interface IpmiSimHandle {
  host: '127.0.0.1';
  port: number;
  user: string;
  /** Also in `passwordFile` (mode 0600), for agents that read it from a file. */
  password: string;
  passwordFile: string;
  /** "1" or "0": what the chassis-control script keeps. */
  powerFile: string;
  /** The state the script holds, read straight from its file. */
  power(): 'on' | 'off';
  /** Lines `<mc> get|set ...` the simulator ran the script with. */
  scriptCalls(): string[];
  stop(): Promise<void>;
}

// ipmi_sim runs this as `<script> 0x20 get power` (print power:1|0) or `<script> 0x20 set power 0|1` (or reset 1).
const CHASSIS_SCRIPT = `#!/bin/sh
dir=$(dirname "$0")
echo "$*" >> "$dir/calls.log"
shift
op=$1; shift
case "$op" in
get) for item in "$@"; do [ "$item" = power ] && echo "power:$(cat "$dir/power")"; done ;;
set) while [ $# -ge 2 ]; do
       case "$1" in power) echo "$2" > "$dir/power" ;; reset) ;; *) exit 1 ;; esac
       shift 2
     done ;;
*) exit 1 ;;
esac
exit 0
`;


/** A UDP port free right now (the kernel's pick), released for ipmi_sim to take. */
function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.on('error', reject);
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** A pre-session Get Channel Authentication Capabilities, to see when the BMC answers. */
const PING = Uint8Array.from([0x06, 0x00, 0xff, 0x07, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0x09, 0x20, 0x18, 0xc8, 0x81, 0x00, 0x38, 0x0e, 0x04, 0x35]);

function answers(port: number, waitMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const timer = setTimeout(() => done(false), waitMs);
    const done = (v: boolean): void => {
      clearTimeout(timer);
      s.close();
      resolve(v);
    };
    s.on('error', () => undefined);
    s.on('message', () => done(true));
    s.send(PING, port, '127.0.0.1');
  });
}

async function waitUntilAnswering(port: number, child: ChildProcess, deadlineMs: number): Promise<void> {
  while (Date.now() < deadlineMs) {
    if (child.exitCode !== null) throw new Error(`ipmi_sim exited with code ${child.exitCode}`);
    if (await answers(port, 100)) return;
  }
  throw new Error(`ipmi_sim did not answer on 127.0.0.1:${port} within the start deadline`);
}

/** Starts ipmi_sim; tries again (another port) if the free port was taken before ipmi_sim bound it. */
export async function startIpmiSim(options: IpmiSimOptions = {}): Promise<IpmiSimHandle> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(options);
    } catch (e) {
      lastError = e;
    }
  }
  throw lastError;
}

async function startOnce(options: IpmiSimOptions): Promise<IpmiSimHandle> {
  const user = options.user ?? 'admin';
  const password = options.password ?? 'fence-Secret-42';
  const dir = mkdtempSync(join(tmpdir(), 'edgeha-ipmisim-'));
  const powerFile = join(dir, 'power');
  writeFileSync(powerFile, options.initialPower === 'off' ? '0\n' : '1\n');
  writeFileSync(join(dir, 'chassis.sh'), CHASSIS_SCRIPT);
  chmodSync(join(dir, 'chassis.sh'), 0o755);
  const passwordFile = join(dir, 'password');
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  mkdirSync(join(dir, 'state'));
  const port = await freeUdpPort();
  writeFileSync(join(dir, 'lan.conf'), ipmiSimLanConf({ dir, host: '127.0.0.1', port, user, password }));
  writeFileSync(join(dir, 'sim.emu'), IPMI_SIM_EMU);
  const child = spawn(IPMI_SIM, ['-c', join(dir, 'lan.conf'), '-f', join(dir, 'sim.emu'), '-s', join(dir, 'state'), '-n'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-2000);
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilAnswering(port, child, Date.now() + 5000);
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}; stderr: ${stderr}`);
  }
  const calls = join(dir, 'calls.log');
  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    passwordFile,
    powerFile,
    power: () => (readFileSync(powerFile, 'utf8').trim() === '0' ? 'off' : 'on'),
    scriptCalls: () => (existsSync(calls) ? readFileSync(calls, 'utf8').split('\n').filter((l) => l !== '') : []),
    stop,
  };
}
