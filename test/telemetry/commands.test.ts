// Remote commands: only a command signed with the command key, for this
// cluster and node, inside the time window and never seen before, is accepted.

import * as fc from 'fast-check';
import { keyringFromKeys } from '../../src/protocol/keyring';
import { RecentIds, signCommand, verifyCommand, MAX_COMMAND_BYTES, type VerifyContext } from '../../src/telemetry/commands';

const key = { keyId: 3, key: Buffer.alloc(32, 7) };
const other = { keyId: 3, key: Buffer.alloc(32, 8) };
const NOW = 1_800_000_000_000;
const ctx = (over: Partial<VerifyContext> = {}): VerifyContext => ({ cluster: 'plant-1', node: 'node-a', keyring: keyringFromKeys([key]), nowMs: NOW, maxSkewMs: 30_000, recent: new RecentIds(), ...over });
const bytes = (o: unknown) => Buffer.from(JSON.stringify(o));

test('a signed command for this node is accepted once; the same id again is a replay', () => {
  const c = ctx();
  const cmd = signCommand(key, 'plant-1', 'node-a', 'op-1', 'switchover', NOW - 1000);
  const first = verifyCommand(bytes(cmd), c);
  expect(first).toMatchObject({ ok: true, command: { command: 'switchover', id: 'op-1' } });
  expect(verifyCommand(bytes(cmd), c)).toEqual({ ok: false, id: 'op-1', error: 'command id op-1 was already used: refused as a replay' });
});

test.each([
  ['signed with another key', () => signCommand(other, 'plant-1', 'node-a', 'x1', 'standby', NOW), /bad signature/],
  ['signed for the other node', () => signCommand(key, 'plant-1', 'node-b', 'x2', 'standby', NOW), /bad signature/],
  ['signed for another cluster', () => signCommand(key, 'plant-2', 'node-a', 'x3', 'standby', NOW), /bad signature/],
  ['too old', () => signCommand(key, 'plant-1', 'node-a', 'x4', 'standby', NOW - 31_000), /timestamp is -31 s from this node's clock/],
  ['from the future', () => signCommand(key, 'plant-1', 'node-a', 'x5', 'standby', NOW + 60_000), /timestamp is 60 s/],
  ['an unknown key id', () => ({ ...signCommand(key, 'plant-1', 'node-a', 'x6', 'standby', NOW), keyId: 9 }), /unknown key id 9/],
  ['a command changed after signing', () => ({ ...signCommand(key, 'plant-1', 'node-a', 'x7', 'standby', NOW), command: 'switchover' }), /bad signature/],
  ['an unknown command', () => ({ ...signCommand(key, 'plant-1', 'node-a', 'x8', 'standby', NOW), command: 'reboot' }), /"command" must be one of switchover, standby, online, rebirth/],
])('%s is rejected with the reason', (_name, make, reason) => {
  const r = verifyCommand(bytes(make()), ctx());
  expect(r.ok).toBe(false);
  if (!r.ok) expect(r.error).toMatch(reason);
});

test('garbage, non-objects and oversized payloads are rejected, never thrown', () => {
  expect(verifyCommand(Buffer.from('{nope'), ctx())).toEqual({ ok: false, id: null, error: 'command is not JSON' });
  expect(verifyCommand(bytes([1, 2]), ctx())).toEqual({ ok: false, id: null, error: 'command is not a JSON object' });
  expect(verifyCommand(Buffer.alloc(MAX_COMMAND_BYTES + 1, 32), ctx()).ok).toBe(false);
  fc.assert(
    fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.json().map((j) => Buffer.from(j))), (b) => {
      const r = verifyCommand(b, ctx());
      expect(r.ok).toBe(false);
    }),
    { numRuns: 2000 },
  );
});

test('the replay memory is bounded and forgets ids outside the window', () => {
  const recent = new RecentIds(3);
  for (let i = 0; i < 5; i++) recent.add(`id${i}`, NOW, NOW, 30_000);
  expect(recent.has('id0')).toBe(false);
  expect(recent.has('id4')).toBe(true);
  recent.add('late', NOW + 60_000, NOW + 60_000, 30_000);
  expect(recent.has('id4')).toBe(false);
});
