// UDP heartbeat transport: one socket per path, bound to the path's local
// address, sending to the peer's. Authentication happens above (receiver);
// this layer only moves datagrams and, when the config allows it, drops them
// on purpose for tests and the demo (`inject`).

import dgram from 'node:dgram';
import net from 'node:net';
import type { HeartbeatPathConfig } from '../config/types';
import type { InjectArgs, PathCounters } from './contract';

export type DatagramHandler = (pathIndex: number, data: Buffer) => void;

interface PathSocket {
  cfg: HeartbeatPathConfig;
  socket: dgram.Socket;
  counters: PathCounters;
  /** Fraction of arriving datagrams dropped (fault injection only): injected on both nodes it cuts both ways. */
  dropFraction: number;
  lastError: string | null;
}

export class UdpTransport {
  private readonly paths: PathSocket[] = [];

  constructor(
    private readonly cfgs: readonly HeartbeatPathConfig[],
    private readonly onDatagram: DatagramHandler,
    private readonly onError: (path: string, message: string) => void,
    private readonly random: () => number = Math.random,
  ) {}

  async open(): Promise<void> {
    for (const [i, cfg] of this.cfgs.entries()) {
      const type = net.isIPv6(cfg.bind.host) ? 'udp6' : 'udp4';
      const socket = dgram.createSocket({ type, reuseAddr: false });
      const p: PathSocket = { cfg, socket, counters: { sent: 0, received: 0, injectedDrops: 0 }, dropFraction: 0, lastError: null };
      socket.on('message', (data) => {
        if (p.dropFraction > 0 && this.random() < p.dropFraction) {
          p.counters.injectedDrops++;
          return;
        }
        p.counters.received++;
        this.onDatagram(i, data);
      });
      // A send error (peer NIC down, no route) must never take the daemon down.
      socket.on('error', (err) => this.report(p, `socket error: ${err.message}`));
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(cfg.bind.port, cfg.bind.host, () => {
          socket.off('error', reject);
          resolve();
        });
      }).catch((err: Error) => {
        throw new Error(`heartbeat.paths[${i}] (${cfg.name}): cannot bind ${cfg.bind.host}:${cfg.bind.port}: ${err.message}`);
      });
      this.paths.push(p);
    }
  }

  send(pathIndex: number, data: Buffer): void {
    const p = this.paths[pathIndex];
    if (!p) return;
    p.counters.sent++;
    // No per-send callback (50 a second per path): a failed send surfaces as the socket's 'error' event.
    p.socket.send(data, p.cfg.peer.port, p.cfg.peer.host);
  }

  /** Test and demo fault switch; the daemon only calls it when testing.faultInjection is on. */
  inject(args: InjectArgs): string {
    const targets = args.path === 'all' ? this.paths : this.paths.filter((p) => p.cfg.name === args.path);
    if (!targets.length) throw new Error(`unknown path "${args.path}" (paths: ${this.paths.map((p) => p.cfg.name).join(', ')}, or all)`);
    const fraction = args.action === 'cut' ? 1 : args.action === 'heal' ? 0 : Number(args.loss);
    if (!(fraction >= 0 && fraction <= 1)) throw new Error(`loss: expected a number from 0 to 1, got ${JSON.stringify(args.loss)}`);
    for (const p of targets) p.dropFraction = fraction;
    return `${targets.map((p) => p.cfg.name).join(', ')}: dropping ${Math.round(fraction * 100)}% of heartbeats`;
  }

  counters(): Record<string, PathCounters> {
    return Object.fromEntries(this.paths.map((p) => [p.cfg.name, { ...p.counters }]));
  }

  close(): void {
    for (const p of this.paths) p.socket.close();
    this.paths.length = 0;
  }

  private report(p: PathSocket, message: string): void {
    // Repeated identical errors (a cable pulled for an hour) are reported once.
    if (p.lastError === message) return;
    p.lastError = message;
    this.onError(p.cfg.name, message);
  }
}
