// `edge-ha fence history`: read from a real state directory (JSONL written by
// the state store, as the daemon writes it) with no daemon running.

import fc from 'fast-check';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Fencer } from '../../src/shell/fence/fencer';
import { finishedFields, formatFenceHistory, joinFenceHistory, type FenceRequestRecord } from '../../src/shell/fence/history';
import { StateStore } from '../../src/shell/state';
import type { FenceDevice } from '../../src/shell/fence/device';
import { runFenceCli } from './fenceHelpers';

let dir: string;
let stateDir: string;

const device = (name: string, offState: 'on' | 'off'): FenceDevice => ({
  name,
  off: async () => ({ ok: true, reason: 'done', durationMs: 3 }),
  on: async () => ({ ok: true, reason: 'done', durationMs: 3 }),
  status: async () => ({ state: offState, reason: `status: ${offState}`, durationMs: 2 }),
  monitor: async () => ({ ok: true, reason: 'fine', durationMs: 1 }),
});

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-ha-fence-history-'));
  stateDir = path.join(dir, 'state');
  const store = await StateStore.open(stateDir);
  const append = (r: unknown) => store.appendJsonl('fence-history', r, { maxBytes: 1 << 20 });
  // 1: the core's fence; level 1 lies, level 2 confirms.
  const core: FenceRequestRecord = { fenceId: 3, origin: 'core', target: 'node-b', targetIncarnation: 7, action: 'reboot', reason: 'peer lost on every path', requestedAt: '2026-11-25T10:00:00.000Z' };
  await append({ ...core, phase: 'requested' });
  const fenced = await new Fencer({ levels: [[device('ipmi', 'on')], [device('pdu-1', 'off'), device('pdu-2', 'off')]], timeoutMs: 1000 }).fence('node-b', 'reboot');
  await append({ ...core, ...finishedFields(fenced) });
  // 2: an operator's fence that failed everywhere.
  const op: FenceRequestRecord = { fenceId: 'op-1', origin: 'operator', target: 'node-b', action: 'off', reason: 'operator request (edge-ha fence)', requestedAt: '2026-11-25T11:00:00.000Z' };
  await append({ ...op, phase: 'requested' });
  const failed = await new Fencer({ levels: [[device('ipmi', 'on')]], timeoutMs: 1000 }).fence('node-b', 'off');
  await append({ ...op, ...finishedFields(failed) });
  // 3: requested, then the daemon died (no finished record), and a torn last line.
  await append({ fenceId: 4, origin: 'core', target: 'node-b', action: 'reboot', reason: 'peer lost again', requestedAt: '2026-11-25T12:00:00.000Z', phase: 'requested' });
  fs.appendFileSync(path.join(stateDir, 'fence-history.jsonl'), '{"fenceId": 5, "tar');
  fs.writeFileSync(path.join(dir, 'keys'), `1 ${'ab'.repeat(32)}\n`, { mode: 0o600 });
  fs.writeFileSync(
    path.join(dir, 'node.yaml'),
    `cluster: { id: c }\nnode: { id: node-a }\npeer: { id: node-b }\nheartbeat:\n  keyFile: keys\n  paths:\n` +
      `    - { name: p1, bind: "127.0.0.1:5405", peer: "127.0.0.2:5405" }\n` +
      `fencing: { devices: [{ name: sim, type: sim-power, address: "127.0.0.1:9", plug: node-b }] }\n` +
      `resource: { name: r, type: command, command: /bin/true }\nstateDir: state\ncontrolSocket: ${path.join(dir, 'no.sock')}\n`,
  );
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('the table shows one row per fence, oldest first, with result, device and duration', async () => {
  const r = await runFenceCli(['fence', 'history', '--state-dir', stateDir]);
  expect(r.code).toBe(0);
  const lines = r.out.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^TIME\s+TARGET\s+ACTION\s+RESULT\s+DEVICE\s+DURATION\s+REASON$/);
  expect(lines[1]).toMatch(/^2026-11-25T10:00:00.000Z\s+node-b\s+reboot\s+confirmed\s+pdu-1\+pdu-2\s+\d+ ms\s+peer lost on every path$/);
  expect(lines[2]).toMatch(/^2026-11-25T11:00:00.000Z\s+node-b\s+off \(operator\)\s+failed\s+-\s+\d+ ms\s+operator request \(edge-ha fence\)$/);
  expect(lines[3]).toBe('    fencing node-b failed: ipmi reported off but status still reads on');
  expect(lines[4]).toMatch(/^2026-11-25T12:00:00.000Z\s+node-b\s+reboot\s+pending\s+-\s+-\s+peer lost again$/);
  expect(lines).toHaveLength(5);
});

test('--json gives the joined entries with the levels tried; --limit keeps the newest', async () => {
  const r = await runFenceCli(['fence', 'history', '--state-dir', stateDir, '--json']);
  const entries = JSON.parse(r.out);
  expect(entries.map((e: { fenceId: unknown; result: string }) => [e.fenceId, e.result])).toEqual([
    [3, 'confirmed'],
    ['op-1', 'failed'],
    [4, 'pending'],
  ]);
  expect(entries[0].levels.map((l: { level: number; ok: boolean }) => [l.level, l.ok])).toEqual([
    [1, false],
    [2, true],
  ]);
  const last = JSON.parse((await runFenceCli(['fence', 'history', '--state-dir', stateDir, '--json', '--limit', '1'])).out);
  expect(last.map((e: { fenceId: unknown }) => e.fenceId)).toEqual([4]);
});

test('with no daemon running, the state directory comes from the config', async () => {
  const r = await runFenceCli(['fence', 'history', '-c', path.join(dir, 'node.yaml'), '--json']);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.out)).toHaveLength(3);
});

test('an empty state directory says so; a broken config is exit 2 with the reason', async () => {
  const empty = fs.mkdtempSync(path.join(dir, 'empty-'));
  expect(await runFenceCli(['fence', 'history', '--state-dir', empty])).toMatchObject({ code: 0, out: 'no fences recorded\n' });
  const typo = await runFenceCli(['fence', 'history', '--state-dir', path.join(dir, 'stat')]);
  expect(typo).toMatchObject({ code: 1, err: `edge-ha: state directory ${path.join(dir, 'stat')} does not exist\n` });
  const bad = await runFenceCli(['fence', 'history', '-c', path.join(dir, 'missing.yaml')]);
  expect(bad.code).toBe(2);
  expect(bad.err).toMatch(/missing\.yaml: .*no such file.* \(or pass --state-dir DIR or --socket PATH\)/);
});

test('the reader skips records it cannot use and keeps rows on one line', () => {
  const entries = joinFenceHistory([null, 7, 'x', [], { fenceId: {}, requestedAt: 'a' }, { fenceId: 1, requestedAt: 't', target: 'n\nb', reason: 'r\x1b[2J' }]);
  expect(entries).toHaveLength(1);
  expect(formatFenceHistory(entries).split('\n')).toHaveLength(2);
});

test('property: any JSON in the history file is read without throwing, and every row stays one printable line', () => {
  const record = fc.record(
    {
      fenceId: fc.oneof(fc.integer(), fc.string(), fc.constant(null)),
      requestedAt: fc.oneof(fc.string(), fc.integer()),
      phase: fc.constantFrom('requested', 'finished', 'other'),
      result: fc.oneof(fc.constantFrom('confirmed', 'failed'), fc.string()),
      target: fc.oneof(fc.string(), fc.integer()),
      reason: fc.string(),
      detail: fc.oneof(fc.string(), fc.constant(null)),
      durationMs: fc.oneof(fc.double(), fc.string()),
      levels: fc.anything(),
    },
    { requiredKeys: [] },
  );
  fc.assert(
    fc.property(fc.array(fc.oneof(record, fc.jsonValue())), (records) => {
      const entries = joinFenceHistory(records);
      const text = formatFenceHistory(entries);
      const detailLines = entries.filter((e) => e.result === 'failed' && e.detail !== null).length;
      const expected = entries.length === 0 ? 1 : 1 + entries.length + detailLines;
      expect(text.split('\n')).toHaveLength(expected);
      expect(/[\x00-\x09\x0b-\x1f\x7f]/.test(text)).toBe(false);
    }),
    { numRuns: 300 },
  );
});
