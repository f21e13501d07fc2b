// `edge-ha fence-device gpio-relay|rcd-serial`: the options become the config
// entry the daemon would read, and the device is built by createFenceDevice,
// the daemon's own builder, so what works here works there. What differs is
// the GPIO backend: it is wrapped so this command can release every line it
// claimed before it exits (a gpiod output is held by a `gpioset` child, which
// would otherwise outlive the command or keep it from exiting).

import { gpiodCliBackend, onoffBackend, type GpioBackend, type RawGpioLine } from '../../../hw/gpio';
import { parseLinkUrl } from '../../../hw/link/linkUrl';
import { timerSchedule } from '../../../hw/ups/schedule';
import { GPIO_BACKENDS, type GpioBackendName, type GpioSenseConfig } from '../../config/powerDevices';
import type { FenceDeviceConfig } from '../../config/types';
import { createFenceDevice } from './createDevice';
import type { ManualOptions } from './manualAgents';
import type { Built } from './manualDevice';
import { startManualSimGpio } from './manualSimGpio';

/** gpiochip0, a chip label, or /dev/gpiochip0; never something a tool could take for an option. */
const CHIP = /^[A-Za-z0-9/][A-Za-z0-9_./:+-]{0,127}$/;
/** The config's defaults (src/config/powerDevices.ts). */
const RELAY_PULSE_MS = { default: 1000, max: 60_000 };
const RCD_PULSE_MS = { default: 1500, max: 30_000 };
const CONFIRM_TIMEOUT_MS = 10_000;
/** The reset cable's port may take this long to open (hw/fence/rcdserial). */
const RCD_OPEN_MS = 5000;

type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

export async function buildGpioRelay(o: ManualOptions, timeoutMs: number | undefined): Promise<Built> {
  const chip = chipOption(o.chip, '--chip', 'gpio-relay');
  if (!chip.ok) return chip;
  const line = intOption(o.line, '--line', 0, 1023, 'gpio-relay');
  if (!line.ok) return line;
  const mode = o.mode ?? 'hold';
  if (mode !== 'hold' && mode !== 'pulse') return fail(`--mode: expected hold or pulse, got ${JSON.stringify(mode)}`);
  if (mode === 'hold' && o.pulseMs !== undefined) return fail('--pulse-ms applies to --mode pulse only (hold keeps the relay energised)');
  if (mode === 'pulse' && o.holdMs !== undefined) return fail('--hold-ms applies to --mode hold only (a pulse releases the relay by itself)');
  const pulseMs = o.pulseMs === undefined ? { ok: true as const, value: RELAY_PULSE_MS.default } : intOption(o.pulseMs, '--pulse-ms', 1, RELAY_PULSE_MS.max, 'gpio-relay');
  if (!pulseMs.ok) return pulseMs;
  const holdMs = o.holdMs === undefined ? null : intOption(o.holdMs, '--hold-ms', 0, 86_400_000, 'gpio-relay');
  if (holdMs !== null && !holdMs.ok) return holdMs;
  const backend = backendOption(o);
  if (!backend.ok) return backend;
  const sense = senseOption(o, chip.value, 'gpio-relay');
  if (!sense.ok) return sense;
  if (sense.value.chip === chip.value && sense.value.line === line.value) return fail(`--sense-line ${line.value} is the relay's own line: the sense must be a separate input`);
  const confirmMs = timeoutMs ?? CONFIRM_TIMEOUT_MS;
  const pulse = pulseMs.value;
  const config: FenceDeviceConfig = {
    name: 'gpio-relay',
    type: 'gpio-relay',
    backend: backend.value,
    chip: chip.value,
    line: line.value,
    activeLow: o.activeLow === true,
    mode,
    pulseMs: pulse,
    sense: { ...sense.value, backend: backend.value },
    timeoutMs: confirmMs,
  };
  const lines = new Map([[line.value, 'relay']]);
  if (backend.value === 'sim' && sense.value.chip !== chip.value) {
    return fail(`with --gpio-backend sim the sense must be on the relay's chip (--sense-chip ${sense.value.chip} is not --chip ${chip.value}): the sim file drives one chip`);
  }
  const hold = mode === 'hold' ? { holdMs: holdMs === null ? null : holdMs.value } : undefined;
  return build(config, backend.value, o, lines, sense.value, confirmMs + (mode === 'pulse' ? pulse : 0) + 1000, hold);
}

export async function buildRcdSerial(o: ManualOptions, timeoutMs: number | undefined): Promise<Built> {
  if (o.port === undefined) return fail('rcd-serial needs --port PATH (the serial port of the reset cable: /dev/ttyS1 or serial:/dev/ttyS1)');
  const url = parseLinkUrl(o.port);
  if (!url.ok) return fail(`--port: ${url.error}`);
  if (url.value.kind !== 'serial') return fail(`--port: the reset cable needs a local serial port's modem lines; ${JSON.stringify(o.port)} is a TCP link (ser2net carries no DTR/RTS)`);
  const signal = o.signal ?? 'dtr';
  if (signal !== 'dtr' && signal !== 'rts') return fail(`--signal: expected dtr or rts, got ${JSON.stringify(signal)}`);
  const pulseMs = o.pulseMs === undefined ? { ok: true as const, value: RCD_PULSE_MS.default } : intOption(o.pulseMs, '--pulse-ms', 1, RCD_PULSE_MS.max, 'rcd-serial');
  if (!pulseMs.ok) return pulseMs;
  const backend = backendOption(o);
  if (!backend.ok) return backend;
  if (o.senseChip === undefined) return fail('rcd-serial needs --sense-chip NAME --sense-line N: the cable says nothing back, only a power-good input can confirm the reset');
  const sense = senseOption(o, o.senseChip, 'rcd-serial');
  if (!sense.ok) return sense;
  const confirmMs = timeoutMs ?? CONFIRM_TIMEOUT_MS;
  const config: FenceDeviceConfig = {
    name: 'rcd-serial',
    type: 'rcd-serial',
    port: o.port,
    signal,
    pulseMs: pulseMs.value,
    sense: { ...sense.value, backend: backend.value },
    timeoutMs: confirmMs,
  };
  return build(config, backend.value, o, new Map(), sense.value, confirmMs + pulseMs.value + RCD_OPEN_MS + 1000, undefined);
}

async function build(
  config: FenceDeviceConfig,
  backendName: GpioBackendName,
  o: ManualOptions,
  lines: Map<number, string>,
  sense: GpioSenseConfig,
  timeoutMs: number,
  hold: { holdMs: number | null } | undefined,
): Promise<Built> {
  let base: GpioBackend;
  let stopSim = async (): Promise<void> => undefined;
  if (backendName === 'sim') {
    lines.set(sense.line, 'power-good');
    const sim = await startManualSimGpio({ chip: sense.chip, lines, requiredInput: sense.line, inputsPath: o.simFile!, ...(o.simOutputs ? { outputsPath: o.simOutputs } : {}) });
    if (!sim.ok) return sim;
    base = sim.value.backend;
    stopSim = sim.value.stop;
  } else {
    base = backendName === 'gpiod' ? gpiodCliBackend({ schedule: timerSchedule }) : onoffBackend();
  }
  const opened: RawGpioLine[] = [];
  const backend: GpioBackend = {
    kind: base.kind,
    async open(request) {
      const r = await base.open(request);
      if (r.ok) opened.push(r.value);
      return r;
    },
  };
  const device = createFenceDevice(config, { gpioBackends: { [backendName]: backend } });
  const close = async () => {
    await Promise.all(opened.splice(0).map((l) => l.close().catch(() => undefined)));
    await stopSim();
  };
  return { ok: true, value: { device, target: 'peer', timeoutMs, secret: null, close, ...(hold ? { hold } : {}) } };
}

function backendOption(o: ManualOptions): Parsed<GpioBackendName> {
  const name = o.gpioBackend ?? 'gpiod';
  if (!(GPIO_BACKENDS as readonly string[]).includes(name)) return fail(`--gpio-backend: expected one of ${GPIO_BACKENDS.join(', ')}, got ${JSON.stringify(name)}`);
  if (name === 'sim' && o.simFile === undefined) return fail('--gpio-backend sim needs --sim-file FILE (the JSON inputs file that plays the peer, e.g. {"power-good": 1})');
  if (name !== 'sim' && o.simFile !== undefined) return fail('--sim-file applies to --gpio-backend sim only');
  if (o.simOutputs !== undefined && o.simFile === undefined) return fail('--sim-outputs applies to --gpio-backend sim with --sim-file only');
  return { ok: true, value: name as GpioBackendName };
}

function senseOption(o: ManualOptions, defaultChip: string, agent: string): Parsed<GpioSenseConfig> {
  const chip = chipOption(o.senseChip ?? defaultChip, '--sense-chip', agent);
  if (!chip.ok) return chip;
  if (o.senseLine === undefined) {
    return fail(`${agent} needs --sense-line N (the power-good input): without it an off can never be confirmed and the peer would never count as fenced`);
  }
  const line = intOption(o.senseLine, '--sense-line', 0, 1023, agent);
  if (!line.ok) return line;
  return { ok: true, value: { chip: chip.value, line: line.value, activeLow: o.senseActiveLow === true } };
}

function chipOption(text: string | undefined, flag: string, agent: string): Parsed<string> {
  if (text === undefined) return fail(`${agent} needs ${flag} NAME (a GPIO chip: gpiochip0, or its label)`);
  if (!CHIP.test(text)) return fail(`${flag}: expected a GPIO chip name such as gpiochip0, got ${JSON.stringify(text.slice(0, 64))}`);
  return { ok: true, value: text };
}

function intOption(text: string | undefined, flag: string, min: number, max: number, agent: string): Parsed<number> {
  if (text === undefined) return fail(`${agent} needs ${flag} ${min}..${max}`);
  const n = /^[0-9]{1,9}$/.test(text) ? Number(text) : NaN;
  if (!(n >= min && n <= max)) return fail(`${flag}: expected an integer ${min}..${max}, got ${JSON.stringify(text.slice(0, 32))}`);
  return { ok: true, value: n };
}

function fail(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}
