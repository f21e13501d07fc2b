// Serves the fence simulators over TCP, one fresh simulator per connection,
// the way ser2net serves a serial device: `edge-ha fence-device` and tests
// then reach a simulated RPS-10, APC PDU or UPS through the real TCP link.
// All simulators of one server share the injected power backend, so what one
// connection switched off the next one reads back as off.

import net from 'node:net';
import { timerSchedule, type Schedule } from '../ups/schedule';
import type { DataListener, Unsubscribe } from '../ups/transport';
import type { PowerBackend } from './deps';
import type { FenceSimFaults } from './sim/faults';
import { LcusSim } from './lcus/sim';
import { Rps10Sim } from './rps10/sim';
import { ApcPduSim } from './apcpdu/sim';
import { ApcMenuSim } from './apcpdu/menuSim';
import { ApcUpsSim } from './upsswitch/apcSim';
import { MegatecUpsSim } from './upsswitch/megatecSim';

export const FENCE_SIM_KINDS = ['rps10', 'apc-pdu', 'apc-menu', 'apc-ups', 'megatec-ups', 'lcus'] as const;
export type FenceSimKind = (typeof FENCE_SIM_KINDS)[number];

export interface FenceSimServerOptions {
  kind: FenceSimKind;
  host: string;
  /** 0 picks a free port (see `port` of the result). */
  port: number;
  power: PowerBackend;
  /** Default: Node's timers. Tests may pass a faster one (the UPS off delays are 12-20 s). */
  schedule?: Schedule;
  /** For the simulated clock of the APC UPS; default performance.now. */
  nowMs?: () => number;
  /** APC PDU console credentials. */
  login?: string;
  password?: string;
  /** Outlet of the UPS output, or number of outlets of a PDU/RPS-10. */
  outlet?: number;
  outletCount?: number;
  /** Applied to every simulator this server creates; may be changed while running. */
  faults?: Partial<FenceSimFaults>;
  /** RPS-10 banner delay after a connection (the DTR reset); default 20 ms. */
  bootMs?: number;
  /** APC UPS shutdown grace delay; default 100 ms. */
  graceMs?: number;
}

export interface FenceSimServer {
  port: number;
  /** Live fault knobs for simulators created from now on. */
  faults: Partial<FenceSimFaults>;
  close(): Promise<void>;
}

interface ConnectedSim {
  onOutput(listener: DataListener): Unsubscribe;
  receive(bytes: Uint8Array): void;
}

export type FenceSimServerResult = ({ ok: true } & FenceSimServer) | { ok: false; reason: string };

/** Listens on host:port; never rejects (a bind failure is a result with a reason). */
export function startFenceSimServer(options: FenceSimServerOptions): Promise<FenceSimServerResult> {
  const sockets = new Set<net.Socket>();
  const state = { faults: { ...options.faults } };
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    serve(socket, createSim(options, state.faults));
  });
  return new Promise((resolve) => {
    server.once('error', (err) => resolve({ ok: false, reason: `fence simulator cannot listen on ${options.host}:${options.port}: ${err.message}` }));
    server.listen(options.port, options.host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : options.port;
      resolve({
        ok: true,
        port,
        get faults() {
          return state.faults;
        },
        set faults(f: Partial<FenceSimFaults>) {
          state.faults = f;
        },
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

function serve(socket: net.Socket, sim: { sim: ConnectedSim; greet: () => void }): void {
  const stop = sim.sim.onOutput((bytes) => {
    if (!socket.destroyed) socket.write(bytes);
  });
  socket.on('data', (chunk: Buffer) => sim.sim.receive(new Uint8Array(chunk)));
  socket.on('close', stop);
  sim.greet();
}

function createSim(o: FenceSimServerOptions, faults: Partial<FenceSimFaults>): { sim: ConnectedSim; greet: () => void } {
  const schedule = o.schedule ?? timerSchedule;
  const power = o.power;
  const common = { power, schedule, faults: { ...faults } };
  const credentials = { login: o.login ?? 'apc', password: o.password ?? 'apc' };
  switch (o.kind) {
    case 'rps10': {
      const sim = new Rps10Sim({ ...common, outletCount: o.outletCount ?? 10, bootMs: o.bootMs ?? 20, toggleDelayMs: 200 });
      return { sim, greet: () => sim.reset() };
    }
    case 'apc-pdu': {
      const sim = new ApcPduSim({ ...common, ...credentials, outletCount: o.outletCount ?? 8 });
      return { sim, greet: () => sim.connect() };
    }
    case 'apc-menu': {
      const sim = new ApcMenuSim({ ...common, ...credentials, outletCount: o.outletCount ?? 8 });
      return { sim, greet: () => sim.connect() };
    }
    case 'apc-ups': {
      const nowMs = o.nowMs ?? (() => performance.now());
      const sim = new ApcUpsSim({ ...common, nowMs, outlet: o.outlet ?? 0, graceMs: o.graceMs ?? 100 });
      return { sim, greet: () => {} };
    }
    case 'megatec-ups': {
      const sim = new MegatecUpsSim({ ...common, outlet: o.outlet ?? 0 });
      return { sim, greet: () => {} };
    }
    case 'lcus': {
      const sim = new LcusSim(common);
      return { sim, greet: () => {} };
    }
  }
}
