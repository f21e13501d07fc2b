import dgram from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { registerWitnessCommand } from '../../src/arbiter/witnessCommand';
import type { WitnessServer } from '../../src/arbiter/witnessServer';
import { client, tempDir, writeKeyFile } from './helpers';

const dir = tempDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function program(lines: string[], hooks: { interrupt?: () => void; started?: (s: WitnessServer) => void }): Command {
  const p = new Command('edge-ha').exitOverride().configureOutput({ writeErr: (s) => lines.push(s), writeOut: (s) => lines.push(s) });
  registerWitnessCommand(p, {
    log: (l) => lines.push(l),
    onInterrupt: (h) => {
      hooks.interrupt = h;
      return () => (hooks.interrupt = undefined);
    },
    onStarted: (s) => hooks.started?.(s),
  });
  return p;
}

describe('edge-ha witness', () => {
  test('serves until interrupted, one timestamped line per grant and refusal', async () => {
    const lines: string[] = [];
    const port = await freeUdpPort();
    const stateFile = path.join(dir, 'state.json');
    fs.writeFileSync(stateFile, JSON.stringify({ version: 1, leaseMs: 5000, holders: [] }));
    let started!: () => void;
    const up = new Promise<void>((r) => (started = r));
    const hooks: { interrupt?: () => void; started?: (s: WitnessServer) => void } = { started: () => started() };
    const done = program(lines, hooks).parseAsync(
      ['witness', '--bind', `127.0.0.1:${port}`, '--key-file', writeKeyFile(dir), '--lease-ms', '5000', '--state-file', stateFile, '--cluster', 'plant-7', '--cluster', 'plant-8'],
      { from: 'user' },
    );
    await up;
    expect((await client(port, 'edge-a').ask()).mayProceed).toBe(true);
    expect((await client(port, 'edge-b').ask()).mayProceed).toBe(false);
    hooks.interrupt!();
    await done;
    const text = lines.join('\n');
    expect(text).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z witness: listening on 127\.0\.0\.1:\d+ \(UDP\), lease 5000 ms.*clusters plant-7, plant-8$/m);
    expect(text).toMatch(/Z witness: GRANTED plant-7\/edge-a from 127\.0\.0\.1:\d+: survival for 5000 ms \(new\)$/m);
    expect(text).toMatch(/Z witness: REFUSED claim by plant-7\/edge-b from .*: held: node edge-a of cluster plant-7 holds the grant/m);
    expect(text).toMatch(/witness: stopped$/m);
  });

  test('a bad --lease-ms is a usage error', async () => {
    const lines: string[] = [];
    await expect(program(lines, {}).parseAsync(['witness', '--key-file', 'k', '--lease-ms', '30s'], { from: 'user' })).rejects.toMatchObject({ code: 'commander.invalidArgument' });
    expect(lines.join('')).toContain('--lease-ms must be a positive whole number of milliseconds');
  });

  test('--help explains the guarantee and the defaults', async () => {
    const lines: string[] = [];
    await expect(program(lines, {}).parseAsync(['witness', '--help'], { from: 'user' })).rejects.toMatchObject({ exitCode: 0 });
    const help = lines.join('');
    expect(help).toContain('ONE node of a cluster at a time');
    expect(help).toContain('default: "0.0.0.0:5409"');
    expect(help).toContain('--state-file');
  });
});
