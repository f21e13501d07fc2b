// Integration: real pseudo-terminal pairs made by socat, opened through
// serialport with lock on. Kill socat -> comm-lost with the reason; restart it
// -> the ReconnectingLink reopens and bytes flow again. Modem lines over a pty
// must come back as a typed ioctl error, never a throw.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LinkOpenError, type SerialLink } from '../../../hw/link/types';
import { openSerialPortLink, serialPortLink } from '../../../hw/link/serialLink';
import { reconnectingLink, type LinkState, type ReconnectingLink } from '../../../hw/link/reconnecting';
import { timerSchedule } from '../../../hw/ups/schedule';

const hasSocat = spawnSync('which', ['socat']).status === 0;
const describeIfSocat = hasSocat ? describe : describe.skip;
if (!hasSocat) console.warn('socat not installed: skipping the pty integration tests (apt-get install socat)');

async function waitFor<T>(what: string, probe: () => T | null | undefined | false, timeoutMs = 4000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function collect(link: SerialLink): { text: () => string } {
  const chunks: Buffer[] = [];
  link.onData((b) => chunks.push(Buffer.from(b)));
  return { text: () => Buffer.concat(chunks).toString('latin1') };
}

describeIfSocat('serial link over socat ptys', () => {
  let dir: string;
  let a: string;
  let b: string;
  let socat: ChildProcess | null = null;
  const opened: SerialLink[] = [];

  async function startSocat(): Promise<void> {
    socat = spawn('socat', [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: 'ignore' });
    await waitFor('socat ptys', () => existsSync(a) && existsSync(b));
  }

  async function stopSocat(): Promise<void> {
    const p = socat;
    socat = null;
    if (!p || p.exitCode !== null) return;
    const gone = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await gone;
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'edge-ha-link-'));
    a = path.join(dir, 'ttyA');
    b = path.join(dir, 'ttyB');
    await startSocat();
  });

  afterAll(async () => {
    for (const l of opened) l.close();
    await stopSocat();
    rmSync(dir, { recursive: true, force: true });
  });

  it('round-trips bytes, refuses a second opener, reports modem ioctls as typed errors', async () => {
    const host = await openSerialPortLink({ path: a, settings: { baudRate: 115200 } });
    const peer = await openSerialPortLink({ path: b, settings: { baudRate: 115200 } });
    opened.push(host, peer);
    const atPeer = collect(peer);
    const atHost = collect(host);
    await host.write(Buffer.from('Q1\r'));
    await peer.write(Buffer.from('(215.0 195.0 230.0 014 49.0 22.7 30.0 00000000\r'));
    await waitFor('bytes at the peer', () => atPeer.text() === 'Q1\r');
    await waitFor('bytes at the host', () => atHost.text().endsWith('00000000\r'));

    const again = await openSerialPortLink({ path: a }).then(
      (l) => (l.close(), null),
      (e: unknown) => e,
    );
    expect(again).toBeInstanceOf(LinkOpenError);
    expect((again as LinkOpenError).kind).toBe('busy');

    const dtr = await host.modem.setDtr(true);
    expect(dtr.ok).toBe(false);
    if (!dtr.ok) {
      expect(dtr.error.kind).toBe('ioctl-failed');
      expect(dtr.error.message).toContain('Inappropriate ioctl');
    }
    const lines = await host.modem.read();
    expect(lines.ok === false && lines.error.kind).toBe('ioctl-failed');
    const brk = await host.modem.sendBreak(20);
    expect(brk.ok === false && brk.error.kind).toBe('ioctl-failed');
    // A pty accepts (and ignores) a speed change.
    expect(await host.line.apply({ baudRate: 2400 })).toMatchObject({ ok: true, value: { baudRate: 2400 } });
    host.close();
    peer.close();
  });

  it('goes comm-lost when socat dies and reconnects when the pty comes back', async () => {
    const link: ReconnectingLink = reconnectingLink({
      open: serialPortLink({ path: a, settings: { baudRate: 115200 } }),
      clock: { schedule: timerSchedule, nowMs: () => Date.now() },
      random: () => 0,
      backoff: { initialMs: 40, maxMs: 160 },
      description: 'pty A',
    });
    opened.push(link);
    const states: LinkState[] = [];
    link.onState((s) => states.push(s));
    const atHost = collect(link);
    await waitFor('first connect', () => link.state.state === 'connected');
    let peer = await openSerialPortLink({ path: b });
    opened.push(peer);
    await peer.write(Buffer.from('before\n'));
    await waitFor('bytes before the kill', () => atHost.text() === 'before\n');

    await stopSocat();
    const lost = await waitFor('comm-lost', () => states.find((s) => s.state === 'comm-lost'));
    expect(lost).toMatchObject({ state: 'comm-lost', attempts: 0 });
    expect(lost.state === 'comm-lost' && lost.reason).toMatch(new RegExp(`^serial ${a.replace(/[/.]/g, '\\$&')} disconnected: `));
    await expect(link.write(Buffer.from('x'))).rejects.toThrow('comm lost');
    // While socat is down the path is gone: attempts fail with ENOENT and are counted.
    await waitFor('a failed reopen', () => link.state.state === 'comm-lost' && link.state.attempts >= 1 && link.state.lastError);
    const failed = link.state;
    expect(failed.state === 'comm-lost' && failed.lastError).toContain('no such device');

    await startSocat();
    await waitFor('reconnect', () => link.state.state === 'connected');
    expect(link.state).toMatchObject({ state: 'connected', reconnects: 1 });
    peer = await openSerialPortLink({ path: b });
    opened.push(peer);
    const atPeer = collect(peer);
    await link.write(Buffer.from('after\n'));
    await peer.write(Buffer.from('reply\n'));
    await waitFor('bytes to the peer after reconnect', () => atPeer.text() === 'after\n');
    await waitFor('bytes from the peer after reconnect', () => atHost.text() === 'before\nreply\n');
    link.close();
    peer.close();
  });
});
