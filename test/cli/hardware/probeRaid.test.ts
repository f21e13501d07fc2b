// `edge-ha probe raid` on real captures: every shared mdstat fixture, the
// Areca cli64 tables, hand-made failures, and the usage errors.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseMdstat, classifyArray } from '../../../hw/raid/mdstat';
import { runCli } from './harness';

const MDSTAT = '/work/shared/fixtures/mdstat';
const ARECA = '/work/shared/fixtures/areca';
const mdstatFiles = fs.readdirSync(MDSTAT).sort();

let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-ha-probe-raid-'))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

describe('probe raid --driver md on every shared fixture', () => {
  it('has fixtures to read', () => expect(mdstatFiles.length).toBeGreaterThanOrEqual(6));

  it.each(mdstatFiles)('%s: the exit code follows the worst array and --json lists every array', async (name) => {
    const file = path.join(MDSTAT, name);
    const r = await runCli(['probe', 'raid', '--driver', 'md', '--mdstat', file, '--json']);
    const report = JSON.parse(r.out) as { arrays: { name: string; state: string; members: unknown[] }[]; exitCode: number };
    // Independent oracle: the parser and classifier straight, worst state mapped by hand.
    const states = parseMdstat(fs.readFileSync(file, 'utf8')).arrays.map(classifyArray).map((c) => c.state);
    const expected = states.includes('failed') ? 2 : states.some((s) => s === 'degraded' || s === 'rebuilding') ? 1 : 0;
    expect(r.code).toBe(expected);
    expect(report.exitCode).toBe(expected);
    expect(report.arrays.map((a) => a.state)).toEqual(states);
  });

  it('mdstat-failed: md0 raid5 degraded with sdc1 failed, exit 1', async () => {
    const r = await runCli(['probe', 'raid', '--driver', 'md', '--mdstat', path.join(MDSTAT, 'mdstat-failed')]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^Health +warning: md0 degraded \(of 1 array\)$/m);
    expect(r.out).toMatch(/^md0 +degraded, raid5$/m);
    expect(r.out).toMatch(/^ {2}members +sdc1\[3\] \(failed\), sdb1\[0\], sdd1\[2\]$/m);
  });

  it('pr28_0: md0 recovering with progress and ETA, md1 ok, exit 1', async () => {
    const r = await runCli(['probe', 'raid', '--driver', 'md', '--mdstat', path.join(MDSTAT, 'pr28_0')]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^md1 +ok, raid1$/m);
    expect(r.out).toMatch(/^md0 +rebuilding, raid1$/m);
    expect(r.out).toMatch(/^ {2}progress +recovery 0\.4 %, about 4 h 37 min left \(ETA \d\d:\d\d\) at 12K\/sec$/m);
  });

  it('mdstat-resync: two resyncs, both named in the health line', async () => {
    const r = await runCli(['probe', 'raid', '--driver', 'md', '--mdstat', path.join(MDSTAT, 'mdstat-resync'), '--json']);
    const report = JSON.parse(r.out);
    expect(report.reason).toBe('md2 rebuilding, md1 rebuilding (of 3 arrays)');
    expect(report.arrays[1].progress).toEqual({ action: 'resync', percent: 11.2, finishMinutes: 197.2, speedKPerSec: 54928 });
  });

  it('mdstat-centos6.2 is healthy (exit 0); mdstat-none has no arrays (exit 0)', async () => {
    const healthy = await runCli(['probe', 'raid', '--driver', 'md', '--mdstat', path.join(MDSTAT, 'mdstat-centos6.2')]);
    expect(healthy.code).toBe(0);
    expect(healthy.out).toMatch(/^Health +ok: all 5 arrays ok$/m);
    const none = await runCli(['probe', 'raid', '--driver', 'md', '--mdstat', path.join(MDSTAT, 'mdstat-none')]);
    expect(none.code).toBe(0);
    expect(none.out).toMatch(/^Arrays +none$/m);
  });

  it('a raid5 that lost two members is failed: exit 2, even beside a healthy array', async () => {
    const file = write(
      'failed',
      'Personalities : [raid1] [raid5]\nmd1 : active raid1 sda1[0] sdb1[1]\n      1000 blocks [2/2] [UU]\n\n' +
        'md0 : active raid5 sdc1[3](F) sdb1[0](F) sdd1[2]\n      8385664 blocks level 5, 64k chunk, algorithm 2 [3/1] [__U]\n\nunused devices: <none>\n',
    );
    const r = await runCli(['probe', 'raid', '--driver', 'md', '--mdstat', file]);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/^Health +critical: md0 failed \(of 2 arrays\)$/m);
  });

  it('a missing mdstat and a file that is not mdstat are unreachable: exit 3', async () => {
    const missing = await runCli(['probe', 'raid', '--driver', 'md', '--mdstat', path.join(dir, 'nope')]);
    expect(missing.code).toBe(3);
    expect(missing.err).toMatch(/edge-ha: probe raid: .*nope does not exist/);
    const junk = await runCli(['probe', 'raid', '--driver', 'md', '--mdstat', write('junk', 'hello world\n')]);
    expect(junk.code).toBe(3);
    expect(junk.err).toMatch(/is not \/proc\/mdstat content/);
  });
});

describe('probe raid --driver areca-cli', () => {
  it('rsf info 16 + disk info 16: the set is rebuilding (exit 1), members and the failed disk named', async () => {
    const r = await runCli(['probe', 'raid', '--driver', 'areca-cli', '--file', `${ARECA}/cli64.rsf.info-16`, '--disk-file', `${ARECA}/cli64.disk.info-16`, '--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out);
    expect(report.arrays).toHaveLength(1);
    expect(report.arrays[0]).toMatchObject({ name: 'data', state: 'rebuilding', progress: { action: 'rebuilding', percent: null } });
    expect(report.arrays[0].members).toHaveLength(15);
    expect(report.arrays[0].reason).toMatch(/failed disks on the controller: #16/);
  });

  it('rsf info 1 + disk info 1: normal (exit 0) with its 23 members, alone it still reads', async () => {
    const both = await runCli(['probe', 'raid', '--driver', 'areca-cli', '--file', `${ARECA}/cli64.rsf.info-1`, '--disk-file', `${ARECA}/cli64.disk.info-1`, '--json']);
    expect(both.code).toBe(0);
    expect(JSON.parse(both.out).arrays[0]).toMatchObject({ name: 'Raid Set # 000', state: 'ok' });
    expect(JSON.parse(both.out).arrays[0].members).toHaveLength(23);
    const alone = await runCli(['probe', 'raid', '--driver', 'areca-cli', '--file', `${ARECA}/cli64.rsf.info-1`]);
    expect(alone.code).toBe(0);
    expect(alone.out).toMatch(/^Raid Set # 000 +ok$/m);
  });

  it.each([
    ['Degraded', 1],
    ['Offline', 2],
    ['Exploded', 2], // unknown: critical, as check_raid treats it
  ])('a raid set in state %s exits %d', async (state, code) => {
    const text = fs.readFileSync(`${ARECA}/cli64.rsf.info-16`, 'utf8').replace('Rebuilding', state);
    const r = await runCli(['probe', 'raid', '--driver', 'areca-cli', '--file', write(`rsf-${state}`, text)]);
    expect(r.code).toBe(code);
  });

  it('disk info given as --file is refused with a hint (exit 3); a cli64 error line too', async () => {
    const swapped = await runCli(['probe', 'raid', '--driver', 'areca-cli', '--file', `${ARECA}/cli64.disk.info-1`]);
    expect(swapped.code).toBe(3);
    expect(swapped.err).toMatch(/looks like `cli64 disk info` output/);
    const failedCli = await runCli(['probe', 'raid', '--driver', 'areca-cli', '--file', write('rsf-err', 'GuiErrMsg<0x0d>: Password required.\n')]);
    expect(failedCli.code).toBe(3);
    expect(failedCli.err).toMatch(/GuiErrMsg<0x0d>/);
  });
});

describe('probe raid usage errors', () => {
  it.each([
    [['probe', 'raid'], /required option '--driver <name>'/],
    [['probe', 'raid', '--driver', 'megaraid'], /Allowed choices are md, areca-cli, areca/],
    [['probe', 'raid', '--driver', 'areca-cli'], /needs --file FILE/],
    [['probe', 'raid', '--driver', 'md', '--file', 'x'], /--driver md does not take --file/],
    [['probe', 'raid', '--driver', 'areca'], /--driver areca needs --port/],
    [['probe', 'raid', '--driver', 'areca', '--port', 'tty'], /--port: .*absolute/],
    [['probe', 'raid', '--driver', 'md', '--timeout-ms', '99'], /--timeout-ms: expected whole milliseconds from 100/],
  ])('%j: exit 64', async (argv, message) => {
    const r = await runCli(argv as string[]);
    expect(r.code).toBe(64);
    expect(r.err).toMatch(message);
  });
});
