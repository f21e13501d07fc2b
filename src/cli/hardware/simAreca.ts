// `edge-ha sim-device raid-areca --link PATH`: hw/raid/arecaSerial's
// ArecaSimulator served on a socat pty pair, the way hw/simdevice serves the
// UPS simulators, so `probe raid --driver areca --port PATH` (or any host
// speaking the Areca API) opens PATH as the controller's RS-232 port.

import type { Readable, Writable } from 'node:stream';
import { ArecaSimulator, createArecaModel, type ArecaSimulatorFault, type ArecaSimulatorModel } from '../../../hw/raid/arecaSerial';
import { openPtyPair } from '../../../hw/simdevice/ptyPair';
import { hostOnSerial } from '../../../hw/simdevice/serialHost';
import type { SimDevice } from '../../../hw/ups/sim/simTransport';
import type { DataListener } from '../../../hw/ups/transport';
import { ARECA_DEFAULT_BAUD } from './arecaSerialProbe';
import { arecaSimState, failDisk, heal, replaceDisk, setVolume, type RemovedDisks } from './arecaSimControl';
import { attachControl, parseCommandObject, type ControlReply } from './controlLines';
import { stopOnce, type RunningSim } from './simRunning';

/** A request cut short is given up after this much silence (the framer keeps it otherwise). */
export const ARECA_SIM_IDLE_MS = 200;
export const ARECA_SIM_COMMANDS = ['status', 'failDisk', 'replaceDisk', 'heal', 'set', 'fault', 'unplug', 'plug'] as const;
export const GARBAGE_FAULT_MAX_BYTES = 4096;

export interface ArecaSimOptions {
  linkPath: string;
  stdin: Readable;
  stdout: Writable;
  memberCount?: number;
}

/** The simulator as a byte device: replies are pushed to listeners; silence gives up a partial request. */
class ArecaSimDevice implements SimDevice {
  unplugged = false;
  private readonly listeners = new Set<DataListener>();
  private idle: NodeJS.Timeout | null = null;

  constructor(readonly sim: ArecaSimulator) {}

  receive(bytes: Uint8Array): void {
    if (this.unplugged) return;
    this.emit(this.sim.receive(bytes));
    if (this.idle !== null) clearTimeout(this.idle);
    this.idle = setTimeout(() => ((this.idle = null), this.emit(this.sim.lineIdle())), ARECA_SIM_IDLE_MS);
  }

  onOutput(listener: DataListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    if (this.idle !== null) clearTimeout(this.idle);
  }

  private emit(bytes: Buffer): void {
    if (bytes.length === 0 || this.unplugged) return;
    for (const l of [...this.listeners]) l(new Uint8Array(bytes));
  }
}

export async function runArecaSim(o: ArecaSimOptions): Promise<RunningSim> {
  const model = createArecaModel({ memberCount: o.memberCount ?? 3 });
  const device = new ArecaSimDevice(new ArecaSimulator(model));
  const pty = await openPtyPair(o.linkPath);
  let host;
  try {
    host = await hostOnSerial(device, pty.simEndPath, ARECA_DEFAULT_BAUD);
  } catch (e) {
    await pty.close();
    throw e;
  }
  const removed: RemovedDisks = new Map();
  const state = () => ({ ...arecaSimState(model), loggedIn: device.sim.loggedIn, unplugged: device.unplugged });
  const { done, stop, isStopping } = stopOnce(async () => {
    control.detach();
    device.dispose();
    await host.close();
    await pty.close();
  });
  const execute = (line: string): ControlReply => {
    const cmd = parseCommandObject(line, ARECA_SIM_COMMANDS);
    if (!cmd.ok) return { ok: false, error: cmd.error };
    const problem = apply(cmd.key, cmd.arg, model, removed, device);
    return problem === null ? { ok: true, command: cmd.key, state: state() } : { ok: false, command: cmd.key, error: problem };
  };
  const control = attachControl(o.stdin, o.stdout, execute, () => void stop());
  void pty.exited.then(({ code, stderr }) => {
    if (isStopping()) return;
    control.reply({ event: 'exited', error: `socat exited (code ${code}): ${stderr.trim() || 'no message'}` });
    void stop();
  });
  control.reply({ ready: true, kind: 'raid-areca', link: pty.devicePath, password: model.password, state: state() });
  return { kind: 'raid-areca', linkPath: pty.devicePath, done, stop };
}

function apply(key: string, arg: unknown, model: ArecaSimulatorModel, removed: RemovedDisks, device: ArecaSimDevice): string | null {
  const flag = (name: string) => (arg === true ? null : `${name} takes the value true`);
  switch (key) {
    case 'status':
      return flag('status');
    case 'failDisk':
      return typeof arg === 'number' ? failDisk(model, removed, arg) : 'failDisk takes a drive number, e.g. {"failDisk":1}';
    case 'replaceDisk':
      return typeof arg === 'number' ? replaceDisk(model, removed, arg) : 'replaceDisk takes a drive number, e.g. {"replaceDisk":1}';
    case 'heal':
      return flag('heal') ?? (heal(model, removed), null);
    case 'set':
      return setVolume(model, arg);
    case 'fault': {
      const fault = parseFault(arg);
      if (typeof fault === 'string') return fault;
      return device.sim.queueFault(fault) ? null : 'fault queue is full';
    }
    case 'unplug':
    case 'plug':
      return flag(key) ?? ((device.unplugged = key === 'unplug'), null);
    default:
      return `unknown command ${key}`;
  }
}

/** `"drop"`, `"corrupt-checksum"`, `{"garbage":N}` or `{"status":CODE}` for the next reply. */
function parseFault(arg: unknown): ArecaSimulatorFault | string {
  if (arg === 'drop' || arg === 'corrupt-checksum') return { kind: arg };
  if (typeof arg === 'object' && arg !== null && !Array.isArray(arg)) {
    const a = arg as Record<string, unknown>;
    const n = a.garbage ?? a.status;
    const whole = (v: unknown, max: number) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
    if ('garbage' in a && whole(n, GARBAGE_FAULT_MAX_BYTES) && (n as number) > 0) {
      const bytes = new Uint8Array(n as number);
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
      return { kind: 'garbage', bytes };
    }
    if ('status' in a && whole(n, 255)) return { kind: 'status', code: n as number };
  }
  return `fault takes "drop", "corrupt-checksum", {"garbage":1..${GARBAGE_FAULT_MAX_BYTES}} or {"status":0..255}`;
}
