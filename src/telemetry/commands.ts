// Remote commands over MQTT, authenticated beyond the broker's ACLs: a command
// is a JSON object signed with HMAC-SHA256 under a key the broker never sees
// (same key-file format as the heartbeat keys), bound to one cluster and node,
// with a timestamp inside a skew window and an id never seen before in that
// window, so a recorded command cannot be replayed. Pure: the caller passes
// the wall clock and keeps the `RecentIds`.

import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Keyring } from '../protocol/keyring';

export const REMOTE_COMMANDS = ['switchover', 'standby', 'online', 'rebirth'] as const;
export type RemoteCommandName = (typeof REMOTE_COMMANDS)[number];

/** `edge-ha/<cluster>/<node>/command`. */
export interface RemoteCommand {
  /** Chosen by the sender; echoed in the result. 1..64 chars. */
  id: string;
  command: RemoteCommandName;
  /** Sender's wall clock, ms since the epoch. */
  tsMs: number;
  keyId: number;
  /** Hex HMAC-SHA256 over `signedText(cluster, node, id, command, tsMs)`. */
  hmac: string;
}

/** `edge-ha/<cluster>/<node>/command-result`. */
export interface CommandResultPayload {
  /** The command's id, or null when the payload was too broken to have one. */
  id: string | null;
  ok: boolean;
  message: string;
  tsMs: number;
}

export const MAX_COMMAND_BYTES = 2048;
const ID = /^[A-Za-z0-9._:-]{1,64}$/;

export function signedText(cluster: string, node: string, id: string, command: string, tsMs: number): string {
  return ['edge-ha-command-v1', cluster, node, id, command, String(tsMs)].join('\n');
}

/** What a sender does: the CLI, a SCADA script, the tests. */
export function signCommand(key: { keyId: number; key: Buffer }, cluster: string, node: string, id: string, command: RemoteCommandName, tsMs: number): RemoteCommand {
  const hmac = createHmac('sha256', key.key).update(signedText(cluster, node, id, command, tsMs)).digest('hex');
  return { id, command, tsMs, keyId: key.keyId, hmac };
}

/** Ids accepted within the skew window; bounded, oldest forgotten first. */
export class RecentIds {
  private readonly seen = new Map<string, number>();
  constructor(private readonly max = 4096) {}

  has(id: string): boolean {
    return this.seen.has(id);
  }

  add(id: string, tsMs: number, nowMs: number, windowMs: number): void {
    for (const [k, t] of this.seen) if (Math.abs(nowMs - t) > windowMs) this.seen.delete(k);
    while (this.seen.size >= this.max) this.seen.delete(this.seen.keys().next().value as string);
    this.seen.set(id, tsMs);
  }
}

export type VerifyResult = { ok: true; command: RemoteCommand } | { ok: false; id: string | null; error: string };

export interface VerifyContext {
  cluster: string;
  node: string;
  keyring: Keyring;
  nowMs: number;
  maxSkewMs: number;
  recent: RecentIds;
}

export function verifyCommand(payload: Uint8Array, ctx: VerifyContext): VerifyResult {
  if (payload.length > MAX_COMMAND_BYTES) return { ok: false, id: null, error: `command of ${payload.length} bytes refused (at most ${MAX_COMMAND_BYTES})` };
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch {
    return { ok: false, id: null, error: 'command is not JSON' };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { ok: false, id: null, error: 'command is not a JSON object' };
  const o = v as Record<string, unknown>;
  const id = typeof o.id === 'string' && ID.test(o.id) ? o.id : null;
  const fail = (error: string): VerifyResult => ({ ok: false, id, error });
  if (id === null) return fail('"id" must be 1..64 letters, digits or ._:-');
  if (typeof o.command !== 'string' || !(REMOTE_COMMANDS as readonly string[]).includes(o.command)) return fail(`"command" must be one of ${REMOTE_COMMANDS.join(', ')}`);
  if (typeof o.tsMs !== 'number' || !Number.isSafeInteger(o.tsMs)) return fail('"tsMs" must be an integer (ms since the epoch)');
  if (typeof o.keyId !== 'number' || !Number.isInteger(o.keyId)) return fail('"keyId" must be an integer');
  if (typeof o.hmac !== 'string' || !/^[0-9a-f]{64}$/.test(o.hmac)) return fail('"hmac" must be 64 lowercase hex characters (HMAC-SHA256)');
  const key = ctx.keyring.keys.get(o.keyId);
  if (!key) return fail(`unknown key id ${o.keyId}`);
  const expected = createHmac('sha256', key).update(signedText(ctx.cluster, ctx.node, id, o.command, o.tsMs)).digest();
  if (!timingSafeEqual(expected, Buffer.from(o.hmac, 'hex'))) return fail('bad signature (wrong key, or signed for another cluster or node)');
  // Checked after the signature, so an unsigned sender learns nothing about our clock.
  const skewMs = o.tsMs - ctx.nowMs;
  if (Math.abs(skewMs) > ctx.maxSkewMs) return fail(`timestamp is ${Math.round(skewMs / 1000)} s from this node's clock (at most ${ctx.maxSkewMs / 1000} s): refused as a possible replay`);
  if (ctx.recent.has(id)) return fail(`command id ${id} was already used: refused as a replay`);
  ctx.recent.add(id, o.tsMs, ctx.nowMs, ctx.maxSkewMs);
  return { ok: true, command: { id, command: o.command as RemoteCommandName, tsMs: o.tsMs, keyId: o.keyId, hmac: o.hmac } };
}
