// Heartbeat codec throughput: encode+HMAC and decode+verify, median of 5 runs.
// Prints one JSON object. Build first (npm run build), then: node dist/bench/codec.js
//
// Budget for scale: 50 heartbeats/s per path at a 20 ms interval, a few paths,
// both directions: a few hundred operations per second. The margin printed
// here is what is left for a flood of forged datagrams (each costs one HMAC).

import { decodeHeartbeat, encodeHeartbeat } from '../src/protocol/heartbeatCodec';
import { keyringFromKeys } from '../src/protocol/keyring';
import type { Heartbeat } from '../src/core/types';

const RUNS = 5;
const OPS_PER_RUN = 100_000;
const WARMUP_OPS = 20_000;

const keyring = keyringFromKeys([
  { keyId: 1, key: Buffer.alloc(32, 0x5a) },
  { keyId: 2, key: Buffer.alloc(32, 0xa5) },
]);

const template: Heartbeat = {
  clusterId: 'plant-7',
  nodeId: 'edge-a',
  incarnation: 1_700_000_000,
  seq: 0,
  pathId: 0,
  role: 'active',
  epoch: 12,
  resource: 'running',
  health: 'ok',
  priority: 100,
  flags: 0x20,
  txTimeMs: 0,
  echoTxTimeMs: 0,
  peerIncarnation: 1_700_000_001,
  echoHoldMs: 3,
};

/** Returns ns per op for `ops` calls; `sink` keeps the work observable so it is not optimised away. */
function timeRun(ops: number, op: (i: number) => number): { nsPerOp: number; sink: number } {
  let sink = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < ops; i++) sink += op(i);
  const elapsedNs = Number(process.hrtime.bigint() - start);
  return { nsPerOp: elapsedNs / ops, sink };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function measure(op: (i: number) => number): { opsPerSec: number; nsPerOp: number } {
  timeRun(WARMUP_OPS, op);
  const samples: number[] = [];
  let sink = 0;
  for (let r = 0; r < RUNS; r++) {
    const run = timeRun(OPS_PER_RUN, op);
    samples.push(run.nsPerOp);
    sink += run.sink;
  }
  if (sink === 0) throw new Error('benchmark did no work');
  const nsPerOp = median(samples);
  return { opsPerSec: Math.round(1e9 / nsPerOp), nsPerOp: Math.round(nsPerOp) };
}

function main(): void {
  const hb: Heartbeat = { ...template };
  const encode = measure((i) => {
    hb.seq = i;
    hb.txTimeMs = i;
    return encodeHeartbeat(hb, keyring.signing).length;
  });

  const datagram = encodeHeartbeat(template, keyring.signing);
  const decode = measure(() => {
    const r = decodeHeartbeat(datagram, keyring);
    return r.ok ? 1 : 0;
  });

  const forged = Buffer.from(datagram);
  forged[forged.length - 1] ^= 1;
  const rejectBadMac = measure(() => (decodeHeartbeat(forged, keyring).ok ? 0 : 1));

  process.stdout.write(
    `${JSON.stringify({
      bench: 'heartbeat-codec',
      node: process.version,
      datagramBytes: datagram.length,
      runs: RUNS,
      opsPerRun: OPS_PER_RUN,
      encodeHmac: encode,
      decodeVerify: decode,
      rejectBadMac,
    })}\n`,
  );
}

main();
