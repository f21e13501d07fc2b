// The command line as an operator meets it: exit codes and what is printed.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/main';

function capture(): { out: () => string; err: () => string; restore: () => void } {
  let out = '';
  let err = '';
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  return { out: () => out, err: () => err, restore: () => (o.mockRestore(), e.mockRestore()) };
}

test('simulate --seed S alone replays exactly that seed', async () => {
  const c = capture();
  const code = await main(['simulate', '--seed', '7']);
  c.restore();
  expect(code).toBe(0);
  expect(c.out()).toMatch(/^seed 7\n/);
  expect(c.out()).toMatch(/no violations; failover \d+(\.\d)? ms/);
  expect(c.out()).not.toMatch(/scenarios/);
});

test('simulate --seeds N --json prints a summary with scenarios, violations and seconds', async () => {
  const c = capture();
  const code = await main(['simulate', '--seeds', '25', '--seed', '100', '--json']);
  c.restore();
  expect(code).toBe(0);
  const summary = JSON.parse(c.out());
  expect(summary).toMatchObject({ scenarios: 25, violations: 0, failedSeeds: [] });
  expect(typeof summary.seconds).toBe('number');
});

test('status with no daemon listening exits 3 and says where it looked', async () => {
  const c = capture();
  const code = await main(['status', '-s', path.join(os.tmpdir(), 'edge-ha-no-such.sock')]);
  c.restore();
  expect(code).toBe(3);
  expect(c.err()).toMatch(/no daemon is listening on .*edge-ha-no-such\.sock/);
});

test('config check on a broken file exits 1 and names the key, the expectation and what was found', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-ha-cli-'));
  const file = path.join(dir, 'bad.yaml');
  fs.writeFileSync(file, 'cluster: { id: x }\nnode: { id: a }\npeer: { id: b }\nheartbeat:\n  keyFile: k\n  paths:\n    - { name: crossover, bind: "10.0.0.1:5405", peer: "10.0.0" }\n');
  const c = capture();
  const code = await main(['config', 'check', file]);
  c.restore();
  fs.rmSync(dir, { recursive: true, force: true });
  expect(code).toBe(1);
  expect(c.out() + c.err()).toContain('error: heartbeat.paths[0].peer: expected host:port, got "10.0.0"');
});

test('an unknown command is a usage error (exit 2)', async () => {
  const c = capture();
  const code = await main(['frobnicate']);
  c.restore();
  expect(code).toBe(2);
  expect(c.err()).toMatch(/unknown command 'frobnicate'/);
});
