// The simulated UPS of one node of the pair: the same Megatec/Q1 simulator as
// `edge-ha sim-device ups-megatec` (hw/simdevice/simUps.ts), served on a TCP
// port the way ser2net serves a serial port, so the daemon reads it through
// `hardware.ups.link: tcp://HOST:PORT`.
//
// Why TCP and not a pseudo-terminal: the supervisor kills and restarts the
// daemon (crash, fence, watchdog reset), and the UPS must outlive it. When the
// last process holding a PTY's device end closes it, reads on socat's side fail
// (EIO) and socat ends, taking the device link with it; the next daemon would
// find no UPS. A listening socket simply accepts the next daemon. Like a serial
// port, the UPS has one user at a time: a new connection replaces the old one.

import net from 'node:net';
import { timerSchedule } from '../../hw/ups/schedule';
import { createSimUps, DEFAULT_MEGATEC_VARS, type SimUps } from '../../hw/simdevice/simUps';
import type { HostPort } from '../config/types';

export type UpsAction = 'battery' | 'low' | 'line';
export const UPS_ACTIONS: readonly UpsAction[] = ['battery', 'low', 'line'];

/** Charge shown on battery low (Megatec has no charge field: it becomes battery voltage). */
export const LOW_BATTERY_CHARGE_PERCENT = 15;

export interface UpsSimServer {
  readonly address: HostPort;
  readonly ups: SimUps;
  /** Applies one action; returns what changed, for the event log. */
  apply(action: UpsAction): string;
  close(): Promise<void>;
}

export type UpsSimResult = { ok: true; server: UpsSimServer } | { ok: false; reason: string };

export function applyUpsAction(ups: SimUps, action: UpsAction): string {
  switch (action) {
    case 'battery':
      ups.setOnBattery(true);
      ups.setLowBattery(false);
      return 'UPS on battery: mains lost (Q1 utility-fail bit set, input 0 V)';
    case 'low':
      ups.setOnBattery(true);
      ups.setCharge(LOW_BATTERY_CHARGE_PERCENT);
      ups.setLowBattery(true);
      return `UPS on battery, battery LOW (Q1 utility-fail and battery-low bits set, about ${LOW_BATTERY_CHARGE_PERCENT} % left)`;
    case 'line':
      ups.setOnBattery(false);
      ups.setLowBattery(false);
      ups.setCharge(100);
      return 'UPS back on line: mains returned, battery charged';
  }
}

/** Listens on host:port (0: any free port); never rejects. */
export function startUpsSimServer(host: string, port: number): Promise<UpsSimResult> {
  const ups = createSimUps('ups-megatec', DEFAULT_MEGATEC_VARS, timerSchedule);
  let current: net.Socket | null = null;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    current?.destroy();
    current = socket;
    sockets.add(socket);
    const stop = ups.device.onOutput((bytes) => {
      if (!socket.destroyed) socket.write(bytes);
    });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      if (current === socket) ups.device.receive(new Uint8Array(chunk));
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      stop();
      sockets.delete(socket);
      if (current === socket) current = null;
    });
  });
  return new Promise((resolve) => {
    server.once('error', (e) => resolve({ ok: false, reason: `UPS simulator cannot listen on ${host}:${port}: ${e.message}` }));
    server.listen(port, host, () => {
      const a = server.address();
      const bound = typeof a === 'object' && a !== null ? a.port : port;
      resolve({
        ok: true,
        server: {
          address: { host, port: bound },
          ups,
          apply: (action) => applyUpsAction(ups, action),
          close: () =>
            new Promise<void>((done) => {
              for (const s of sockets) s.destroy();
              server.close(() => done());
            }),
        },
      });
    });
  });
}
