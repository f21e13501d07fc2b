// `edge-ha fence-device ipmi` (the native agent) and `fence-device fence-agent`
// (Debian's fence_ipmilan through CommandFenceDevice), both against the real
// OpenIPMI ipmi_sim, whose chassis script keeps the power in a file.

import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ipmiSimMissing, startIpmiSim, type IpmiSimHandle } from '../hw/fence/ipmi/ipmiSim';
import { runFenceCli } from './fenceHelpers';

const missing = ipmiSimMissing() ?? (spawnSync('which', ['fence_ipmilan']).status === 0 ? null : 'fence_ipmilan not on PATH (fence-agents)');
if (missing !== null) console.warn(`skipping fence-device agent tests: ${missing}`);
const describeSim = missing === null ? describe : describe.skip;

const WRONG_PASSWORD = 'Wr0ng-s3cret-xyz';

describeSim('fence-device ipmi and fence-agent against ipmi_sim', () => {
  let sim: IpmiSimHandle;
  let dir: string;
  let wrongFile: string;

  beforeAll(async () => {
    sim = await startIpmiSim({ initialPower: 'on' });
    dir = mkdtempSync(join(tmpdir(), 'edge-ha-fence-agents-'));
    wrongFile = join(dir, 'wrong.pw');
    writeFileSync(wrongFile, `${WRONG_PASSWORD}\n`);
    chmodSync(wrongFile, 0o600);
  }, 20_000);
  afterAll(async () => {
    await sim?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const ipmi = (action: string, passwordFile = sim.passwordFile, ...extra: string[]) =>
    runFenceCli(['fence-device', 'ipmi', '--action', action, '--host', sim.host, '--port', String(sim.port), '--user', sim.user, '--password-file', passwordFile, ...extra]);
  const agent = (action: string, passwordFile = sim.passwordFile) =>
    runFenceCli([
      'fence-device', 'fence-agent', '--action', action, '--agent', 'fence_ipmilan',
      '--arg', 'ip=127.0.0.1', '--arg', `ipport=${sim.port}`, '--arg', `username=${sim.user}`, '--arg', 'power_wait=0', '--arg', 'ipmitool_timeout=1', '--arg', 'retry_on=1',
      '--password-file', passwordFile,
    ]);

  it('ipmi: status on → 0, off → 0 with the chassis really off, status → 2, on → 0', async () => {
    expect(await ipmi('status')).toMatchObject({ code: 0, out: expect.stringMatching(/^ipmi status: .*on/) });
    const off = await ipmi('off');
    expect(off).toMatchObject({ code: 0, err: '' });
    expect(sim.power()).toBe('off');
    expect(await ipmi('status')).toMatchObject({ code: 2 });
    expect(await ipmi('on')).toMatchObject({ code: 0 });
    expect(sim.power()).toBe('on');
  }, 20_000);

  it('ipmi over RMCP+ (--lanplus) reads the same state', async () => {
    expect(await ipmi('status', sim.passwordFile, '--lanplus')).toMatchObject({ code: 0 });
  }, 20_000);

  it('ipmi: a wrong password → 1, the reason on stderr without the password, the power untouched', async () => {
    const r = await ipmi('off', wrongFile, '--timeout', '200');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^edge-ha: ipmi off failed: /);
    expect(r.err + r.out).not.toContain(WRONG_PASSWORD);
    expect(sim.power()).toBe('on');
  }, 20_000);

  it('ipmi: bad options are refused before any packet, naming the option', async () => {
    expect(await ipmi('status', sim.passwordFile, '--auth-type', 'sha1')).toMatchObject({ code: 1, err: expect.stringContaining('--auth-type: expected one of md5, password, none, got "sha1"') });
    expect(await runFenceCli(['fence-device', 'ipmi', '--action', 'status', '--host', '127.0.0.1'])).toMatchObject({ code: 1, err: expect.stringContaining('ipmi needs --host HOST and --password-file FILE') });
    expect(await runFenceCli(['fence-device', 'sim-power', '--action', 'status', '--lanplus'])).toMatchObject({ code: 1, err: expect.stringContaining('sim-power does not take --lanplus') });
  });

  it('fence-agent fence_ipmilan: status → 0, off → 0, status → 2, on → 0, agreeing with the chassis', async () => {
    expect(await agent('status')).toMatchObject({ code: 0 });
    expect(await agent('off')).toMatchObject({ code: 0 });
    expect(sim.power()).toBe('off');
    expect(await agent('status')).toMatchObject({ code: 2 });
    // The native agent reads the same state.
    expect(await ipmi('status')).toMatchObject({ code: 2 });
    expect(await agent('on')).toMatchObject({ code: 0 });
    expect(sim.power()).toBe('on');
  }, 30_000);

  it('fence-agent: a wrong password → 1, and the password is not printed', async () => {
    const r = await agent('status', wrongFile);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^edge-ha: fence-agent status failed: /);
    expect(r.err + r.out).not.toContain(WRONG_PASSWORD);
  }, 30_000);
});
