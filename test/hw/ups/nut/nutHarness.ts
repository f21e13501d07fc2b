// Runs the real NUT 2.8 daemons for integration tests: a temp config dir
// (NUT_CONFPATH/NUT_STATEPATH), drivers and upsd in the foreground as root,
// on a free loopback port. /usr/sbin/upsd is Debian's wrapper that refuses to
// start unless /etc/nut/nut.conf says MODE=standalone, so /lib/nut/upsd is run.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const UPSD = '/lib/nut/upsd';
export const UPSC = '/usr/bin/upsc';
export const NUT_DRIVER_DIR = '/lib/nut';

export function haveBinaries(...paths: string[]): boolean {
  return paths.every((p) => existsSync(p));
}

export interface NutUpsConfig {
  name: string;
  driver: string;
  port: string;
  /** Extra ups.conf lines, `key = value`. */
  settings?: Record<string, string>;
  desc?: string;
}

export interface NutHarness {
  dir: string;
  port: number;
  /** Everything the processes printed, for failure messages. */
  logs(): string;
  upsc(target: string): { status: number | null; stdout: string; stderr: string };
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startNut(upses: NutUpsConfig[], opts: { driverReadyMs?: number } = {}): Promise<NutHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'edge-ha-nut-'));
  const state = join(dir, 'state');
  mkdirSync(state);
  const port = await freePort();
  const upsConf = upses
    .map((u) => {
      const extra = Object.entries(u.settings ?? {}).map(([k, v]) => `  ${k} = ${v}\n`).join('');
      return `[${u.name}]\n  driver = ${u.driver}\n  port = ${u.port}\n${u.desc ? `  desc = "${u.desc}"\n` : ''}${extra}`;
    })
    .join('\n');
  writeFileSync(join(dir, 'ups.conf'), upsConf);
  writeFileSync(join(dir, 'upsd.conf'), `LISTEN 127.0.0.1 ${port}\nSTATEPATH ${state}\nMAXAGE 10\n`);
  writeFileSync(join(dir, 'upsd.users'), '[mon]\n  password = monpw\n  upsmon primary\n');
  writeFileSync(join(dir, 'nut.conf'), 'MODE=standalone\n');
  chmodSync(join(dir, 'upsd.users'), 0o600);
  const env = { ...process.env, NUT_CONFPATH: dir, NUT_STATEPATH: state };
  const children: ChildProcess[] = [];
  let log = '';
  const run = (label: string, cmd: string, args: string[]) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const add = (b: Buffer) => (log = (log + b.toString().replace(/^/gm, `[${label}] `)).slice(-20000));
    child.stdout!.on('data', add);
    child.stderr!.on('data', add);
    child.on('exit', (code, sig) => (log += `[${label}] exited code=${code} signal=${sig}\n`));
    children.push(child);
    return child;
  };
  const stop = async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGTERM');
            setTimeout(() => c.kill('SIGKILL'), 2000).unref();
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const u of upses) run(u.name, join(NUT_DRIVER_DIR, u.driver), ['-a', u.name, '-u', 'root', '-F']);
    for (const u of upses) await until(() => existsSync(join(state, `${u.driver}-${u.name}`)), opts.driverReadyMs ?? 15000, `driver ${u.driver} socket`, () => log);
    run('upsd', UPSD, ['-u', 'root', '-F']);
    await until(() => spawnSync(UPSC, ['-l', `127.0.0.1:${port}`], { env, encoding: 'utf8' }).status === 0, 5000, 'upsd answering', () => log);
    // upsd answers (ups.status WAIT) before the driver's first dump: wait for a real status and a stable set.
    for (const u of upses) {
      let lastCount = -1;
      await until(
        () => {
          const r = spawnSync(UPSC, [`${u.name}@127.0.0.1:${port}`], { env, encoding: 'utf8' });
          const count = r.status === 0 && /^ups\.status: (?!WAIT)/m.test(r.stdout) ? r.stdout.split('\n').length : -1;
          const stable = count > 0 && count === lastCount;
          lastCount = count;
          return stable;
        },
        opts.driverReadyMs ?? 15000,
        `${u.name} data in upsd`,
        () => log,
      );
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    dir,
    port,
    logs: () => log,
    upsc: (target) => {
      const r = spawnSync(UPSC, [target], { env, encoding: 'utf8', timeout: 5000 });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    },
    stop,
  };
}

export async function until(cond: () => boolean, timeoutMs: number, what: string, logs: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`waited ${timeoutMs} ms for ${what}; logs:\n${logs()}`);
}

/** `upsc` output (`name: value` per line) as a map. */
export function parseUpscOutput(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const i = line.indexOf(': ');
    if (i > 0) out.set(line.slice(0, i), line.slice(i + 2));
  }
  return out;
}
