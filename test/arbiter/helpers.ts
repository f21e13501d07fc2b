// Shared fixtures for the arbiter tests: key files on disk, raw requests, a
// UDP probe that sends bytes and collects what comes back.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { keyringFromKeys, type Keyring } from '../../src/protocol/keyring';
import { WitnessArbitrator } from '../../src/arbiter/witnessClient';
import type { ArbiterClock } from '../../src/arbiter/types';

export const KEY_W = Buffer.alloc(32, 0x5a);
export const KEY_OTHER = Buffer.alloc(32, 0x3c);
export const RING_W: Keyring = keyringFromKeys([{ keyId: 1, key: KEY_W }]);
export const RING_OTHER: Keyring = keyringFromKeys([{ keyId: 1, key: KEY_OTHER }]);

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'edge-ha-arbiter-'));
}

/** Writes a key file (mode 0600) holding `key` under key id 1. */
export function writeKeyFile(dir: string, key: Buffer = KEY_W, name = 'witness.key', mode = 0o600): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `# test key\n1 ${key.toString('hex')}\n`, { mode });
  fs.chmodSync(file, mode);
  return file;
}

export function client(port: number, nodeId: string, opts: { clusterId?: string; keyring?: Keyring; timeoutMs?: number; clock?: ArbiterClock } = {}): WitnessArbitrator {
  return new WitnessArbitrator({
    address: { host: '127.0.0.1', port },
    keyring: opts.keyring ?? RING_W,
    timeoutMs: opts.timeoutMs ?? 1000,
    clusterId: opts.clusterId ?? 'plant-7',
    nodeId,
    retryIntervalMs: 100,
    clock: opts.clock,
  });
}

/** Sends datagrams from one socket and collects every answer for `waitMs`. */
export async function exchangeRaw(port: number, datagrams: Buffer[], waitMs = 150): Promise<Buffer[]> {
  const socket = dgram.createSocket('udp4');
  const answers: Buffer[] = [];
  socket.on('message', (b) => answers.push(b));
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  for (const d of datagrams) await new Promise<void>((r) => socket.send(d, port, '127.0.0.1', () => r()));
  await sleep(waitMs);
  socket.close();
  return answers;
}

export function nonce(): Buffer {
  return randomBytes(16);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function collectLog(): { lines: string[]; log: (l: string) => void } {
  const lines: string[] = [];
  return { lines, log: (l) => lines.push(l) };
}
