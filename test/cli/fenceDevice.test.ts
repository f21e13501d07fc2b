// `edge-ha fence-device`: one device by hand, no daemon. Against the real
// simulated power switch, and against a scripted ClusterLabs-style agent.

import fs from 'node:fs';
import path from 'node:path';
import { createMemoryPowerBackend, type MemoryPowerBackend } from '../../src/simpower/memoryBackend';
import { startSimPowerServer, type SimPowerServer } from '../../src/simpower/server';
import { makeScriptDir, type ScriptDir } from '../shell/resource/scriptHelpers';
import { runFenceCli } from './fenceHelpers';

let backend: MemoryPowerBackend;
let server: SimPowerServer;
let dir: ScriptDir;

beforeAll(() => {
  dir = makeScriptDir('edge-ha-fence-device-');
  // Saves its stdin; exits with the code in ./code; its stderr names the password it got (a careless agent).
  dir.script(
    'fence_fake',
    `cat > ${dir.file('stdin.txt')}; pw=$(sed -n 's/^passwd=//p' ${dir.file('stdin.txt')}); ` +
      `echo "agent: logged in with '$pw'" >&2; exit "$(cat ${dir.file('code')})"`,
  );
});
afterAll(() => dir.cleanup());

beforeEach(async () => {
  backend = createMemoryPowerBackend({ 'node-b': true });
  const r = await startSimPowerServer({ host: '127.0.0.1', port: 0, backend, rebootDelayMs: 10_000 });
  if (!r.ok) throw new Error(r.reason);
  server = r;
});
afterEach(() => server.close());

const sim = (action: string, ...extra: string[]) =>
  runFenceCli(['fence-device', 'sim-power', '--action', action, '--address', `127.0.0.1:${server.port}`, '--plug', 'node-b', ...extra]);

describe('fence-device sim-power', () => {
  it('status on → 0, off → 0 with the plug really off, status off → 2, on → 0', async () => {
    expect(await sim('status')).toMatchObject({ code: 0, out: expect.stringMatching(/^sim-power status: plug node-b \(node-b\) is on/) });
    const off = await sim('off');
    expect(off.code).toBe(0);
    expect(off.out).toMatch(/sim-power off: sim-power confirmed node-b is off/);
    expect(backend.isOn('node-b')).toBe(false);
    expect((await sim('status')).code).toBe(2);
    expect((await sim('on')).code).toBe(0);
    expect(backend.isOn('node-b')).toBe(true);
    expect((await sim('monitor')).code).toBe(0);
  });

  it('reboot is judged on its off half and powers the plug back on', async () => {
    const r = await sim('reboot');
    expect(r.code).toBe(0);
    expect(backend.history).toEqual([
      { plug: 'node-b', op: 'off' },
      { plug: 'node-b', op: 'on' },
    ]);
  });

  it('a failing relay → 1 with the reason on stderr; a lying one → 1 as well', async () => {
    server.setFault('node-b', 'fail');
    const failed = await sim('off');
    expect(failed.code).toBe(1);
    expect(failed.err).toMatch(/^edge-ha: sim-power off failed: .*ERR relay fault/);
    expect((await sim('status')).code).toBe(1);
    expect((await sim('monitor')).code).toBe(1);
    server.setFault('node-b', 'lie');
    const lied = await sim('off');
    expect(lied.code).toBe(1);
    expect(lied.err).toContain('sim-power reported off but status still reads on');
    expect(backend.isOn('node-b')).toBe(true);
  });

  it('--json prints the result, with the attempts of an off', async () => {
    const r = await sim('off', '--json');
    const parsed = JSON.parse(r.out);
    expect(parsed).toMatchObject({ agent: 'sim-power', target: 'node-b', action: 'off', exitCode: 0 });
    expect(parsed.attempts.map((a: { step: string }) => a.step)).toEqual(['off', 'status']);
  });

  it('a hung switch fails at --timeout', async () => {
    server.setFault('node-b', 'hang');
    const r = await sim('status', '--timeout', '150');
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/within 150 ms/);
  });

  it('bad options are failures (1) with a reason, never a device action', async () => {
    const noAction = await runFenceCli(['fence-device', 'sim-power', '--address', `127.0.0.1:${server.port}`, '--plug', 'node-b']);
    expect(noAction).toMatchObject({ code: 1, err: expect.stringContaining('--action: expected one of on, off, reboot, status, monitor, got nothing') });
    const badAddress = await runFenceCli(['fence-device', 'sim-power', '--action', 'off', '--address', '10.0.0', '--plug', 'x']);
    expect(badAddress).toMatchObject({ code: 1, err: expect.stringContaining('--address: expected host:port, got "10.0.0"') });
    const unknown = await runFenceCli(['fence-device', 'ipmi-magic', '--action', 'status']);
    expect(unknown.err).toContain('unknown agent "ipmi-magic" (available: gpio-relay, rcd-serial, lcus-relay, rps10, apc-pdu, ups, ipmi, fence-agent, sim-power; also lcus, apc-ups, megatec-ups)');
    expect(backend.history).toEqual([]);
  });
});

describe('fence-device fence-agent', () => {
  const exitWith = (code: number) => fs.writeFileSync(dir.file('code'), String(code));
  const agentPath = () => dir.file('fence_fake');

  it('passes --arg and --plug on stdin; exit codes 0 / 2 / 1 for status', async () => {
    exitWith(0);
    const on = await runFenceCli(['fence-device', 'fence-agent', '--agent', agentPath(), '--action', 'status', '--arg', 'ipaddr=192.0.2.9', '--plug', '3']);
    expect(on.code).toBe(0);
    expect(dir.read('stdin.txt')).toBe('action=status\nplug=3\nipaddr=192.0.2.9\n');
    exitWith(2);
    expect((await runFenceCli(['fence-device', 'fence-agent', '--agent', agentPath(), '--action', 'status'])).code).toBe(2);
    // A single-port device: no --plug, no plug line.
    expect(dir.read('stdin.txt')).toBe('action=status\n');
    exitWith(1);
    expect((await runFenceCli(['fence-device', 'fence-agent', '--agent', agentPath(), '--action', 'status'])).code).toBe(1);
  });

  it('finds a bare agent name in PATH', async () => {
    exitWith(0);
    const saved = process.env.PATH;
    process.env.PATH = `/nonexistent${path.delimiter}${dir.dir}${path.delimiter}${saved ?? ''}`;
    try {
      expect((await runFenceCli(['fence-device', 'fence-agent', '--agent', 'fence_fake', '--action', 'monitor'])).code).toBe(0);
      const missing = await runFenceCli(['fence-device', 'fence-agent', '--agent', 'fence_nothere', '--action', 'monitor']);
      expect(missing).toMatchObject({ code: 1, err: expect.stringContaining('--agent fence_nothere: not found in PATH') });
    } finally {
      process.env.PATH = saved;
    }
  });

  it('refuses a password file readable by group or others, and a password on the command line', async () => {
    exitWith(0);
    const pw = dir.file('pw-loose');
    fs.writeFileSync(pw, 'hunter2\n', { mode: 0o640 });
    fs.chmodSync(pw, 0o640);
    fs.rmSync(dir.file('stdin.txt'), { force: true });
    const r = await runFenceCli(['fence-device', 'fence-agent', '--agent', agentPath(), '--action', 'off', '--password-file', pw]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`has mode 0640; expected 0600 or stricter (chmod 600 ${pw})`);
    expect(fs.existsSync(dir.file('stdin.txt'))).toBe(false);
    const inline = await runFenceCli(['fence-device', 'fence-agent', '--agent', agentPath(), '--action', 'off', '--arg', 'passwd=hunter2']);
    expect(inline.err).toContain('--arg passwd: a password on the command line shows in ps; use --password-file FILE');
    expect(inline.err).not.toContain('hunter2');
  });

  it('a 0600 password file reaches the agent as passwd=, and the password is never printed', async () => {
    exitWith(1);
    const pw = dir.file('pw');
    fs.writeFileSync(pw, 'hunter2\n', { mode: 0o600 });
    const r = await runFenceCli(['fence-device', 'fence-agent', '--agent', agentPath(), '--action', 'off', '--password-file', pw, '--arg', 'login=admin']);
    expect(dir.read('stdin.txt')).toBe('action=off\nlogin=admin\npasswd=hunter2\n');
    expect(r.code).toBe(1);
    // The agent echoed the password on stderr, and its last stderr line is part of the reason.
    expect(r.err).toContain("agent: logged in with '***'");
    expect(r.out + r.err).not.toContain('hunter2');
    const json = await runFenceCli(['fence-device', 'fence-agent', '--agent', agentPath(), '--action', 'monitor', '--password-file', pw, '--json']);
    expect(json.out).toContain('***');
    expect(json.out + json.err).not.toContain('hunter2');
  });
});
