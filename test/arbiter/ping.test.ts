import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { createArbitrator, checkArbitratorConfig } from '../../src/arbiter/create';
import { PING_TIE_WARNING, PingArbitrator } from '../../src/arbiter/ping';
import { tempDir, writeKeyFile } from './helpers';

function hasPing(): boolean {
  try {
    execFileSync('which', ['ping'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('ping arbitrator, TCP mode', () => {
  let server: net.Server;
  let openPort = 0;
  let closedPort = 0;
  beforeAll(async () => {
    server = net.createServer((s) => s.destroy());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    openPort = (server.address() as net.AddressInfo).port;
    // A port that was just free: bind, note it, close.
    const tmp = net.createServer();
    await new Promise<void>((r) => tmp.listen(0, '127.0.0.1', () => r()));
    closedPort = (tmp.address() as net.AddressInfo).port;
    await new Promise<void>((r) => tmp.close(() => r()));
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  test('a listening port: may proceed', async () => {
    const r = await new PingArbitrator({ host: '127.0.0.1', port: openPort, timeoutMs: 1000 }).ask();
    expect(r).toMatchObject({ mayProceed: true, reason: `tcp 127.0.0.1:${openPort}: TCP connection accepted` });
    expect(r.durationMs).toBeLessThan(1000);
  });

  test('a closed port: may not proceed, and the reason says the connection was refused', async () => {
    const r = await new PingArbitrator({ host: '127.0.0.1', port: closedPort, timeoutMs: 1000 }).ask();
    expect(r.mayProceed).toBe(false);
    expect(r.reason).toContain('ECONNREFUSED');
  });

  test('a cancelled ask may not proceed', async () => {
    const ac = new AbortController();
    ac.abort();
    const r = await new PingArbitrator({ host: '127.0.0.1', port: openPort, timeoutMs: 1000 }).ask(ac.signal);
    expect(r).toMatchObject({ mayProceed: false, reason: expect.stringContaining('cancelled') });
  });
});

(hasPing() ? describe : describe.skip)('ping arbitrator, ICMP mode (needs iputils-ping)', () => {
  test('127.0.0.1 answers', async () => {
    const r = await new PingArbitrator({ host: '127.0.0.1', timeoutMs: 2000 }).ask();
    expect(r).toMatchObject({ mayProceed: true, reason: 'ping 127.0.0.1: echo reply received' });
  });

  test('an address nobody answers for: may not proceed', async () => {
    // TEST-NET-3 (RFC 5737) is never a real host. ping would wait 1 s; our timer ends it at 300 ms
    // (unless a router answers with an ICMP error first).
    const r = await new PingArbitrator({ host: '203.0.113.5', timeoutMs: 300 }).ask();
    expect(r.mayProceed).toBe(false);
    expect(r.reason).toMatch(/^ping 203\.0\.113\.5: (no echo reply|ping failed)/);
    expect(r.durationMs).toBeLessThan(900);
  });

  test('an unknown host name: may not proceed, with ping\'s own message', async () => {
    const r = await new PingArbitrator({ host: 'no-such-host.invalid', timeoutMs: 3000 }).ask();
    expect(r.mayProceed).toBe(false);
    expect(r.reason).toMatch(/failed \(exit 2\)|no echo reply/);
  });
});

if (!hasPing()) {
  test.skip('ICMP tests skipped: `ping` not found (Debian package iputils-ping)', () => undefined);
}

describe('ping arbitrator without a ping program', () => {
  test('says what to install instead of pretending the host answered', async () => {
    const r = await new PingArbitrator({ host: '127.0.0.1', timeoutMs: 1000, pingCommand: 'edge-ha-no-such-ping' }).ask();
    expect(r.mayProceed).toBe(false);
    expect(r.reason).toContain('is not installed (Debian: apt install iputils-ping)');
  });
});

describe('createArbitrator and checkArbitratorConfig', () => {
  test('ping: always carries the tie warning; bad hosts are errors (an option-like host never reaches ping)', () => {
    expect(checkArbitratorConfig({ type: 'ping', host: '10.0.0.1', timeoutMs: 500 })).toEqual({ errors: [], warnings: [PING_TIE_WARNING] });
    expect(PING_TIE_WARNING).toMatch(/cannot break a tie/);
    for (const host of ['-f', '', 'a b', '10.0.0']) {
      const r = createArbitrator({ type: 'ping', host, timeoutMs: 500 });
      expect(r).toMatchObject({ ok: false, error: expect.stringContaining('neither an IP address nor a hostname') });
    }
    expect(createArbitrator({ type: 'ping', host: 'gw', port: 70000, timeoutMs: 500 })).toMatchObject({ ok: false, error: expect.stringContaining('port 70000') });
    expect(createArbitrator({ type: 'ping', host: 'gw', timeoutMs: 0 })).toMatchObject({ ok: false, error: expect.stringContaining('timeoutMs 0') });
    const ok = createArbitrator({ type: 'ping', host: 'gw.local', port: 443, timeoutMs: 500 });
    expect(ok.ok && ok.arbitrator.description).toBe('tcp gw.local:443');
  });

  test('witness: every bad field is named; the key file is read at creation', () => {
    const bad = checkArbitratorConfig({ type: 'witness', address: 'w', keyFile: '', timeoutMs: -1, clusterId: 'a b', nodeId: '' });
    expect(bad.errors).toHaveLength(5);
    expect(bad.errors.join('\n')).toMatch(/address "w" is not host:port[\s\S]*keyFile is missing[\s\S]*timeoutMs -1[\s\S]*clusterId "a b"[\s\S]*nodeId ""/);
    const dir = tempDir();
    const good = { type: 'witness' as const, address: '127.0.0.1:5409', timeoutMs: 500, clusterId: 'c', nodeId: 'n' };
    expect(createArbitrator({ ...good, keyFile: `${dir}/missing.key` })).toMatchObject({ ok: false, error: expect.stringMatching(/^witness arbitrator keyFile: .*cannot open/) });
    const loose = writeKeyFile(dir, undefined, 'loose.key', 0o640);
    expect(createArbitrator({ ...good, keyFile: loose })).toMatchObject({ ok: false, error: expect.stringContaining('mode 0640') });
    const r = createArbitrator({ ...good, keyFile: writeKeyFile(dir) });
    expect(r.ok && r.arbitrator.description).toBe('witness 127.0.0.1:5409');
    expect(r.ok && typeof r.arbitrator.release).toBe('function');
  });
});
