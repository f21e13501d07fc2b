// `fence-device gpio-relay|rcd-serial --gpio-backend sim`: a simulated GPIO
// chip in this process, wired to the outside through hw/gpio's file bridge.
// Whoever plays the peer (a test, the lab, a person with an editor) writes the
// inputs file (`{"power-good": 1}`) and reads the relay's level from the
// outputs file (`{"relay": 1}`; a released line is absent).
//
// The inputs file must exist and give the sense line a level before anything
// is driven: an unset simulated input reads 0, which for a power-good line
// means "off", and a fence must never be confirmed by a file nobody wrote.

import { readFileSync, statSync } from 'node:fs';
import { MAX_BRIDGE_FILE_BYTES, parseGpioInputs, simGpioBackend, SimGpioChip, startGpioFileBridge, writeGpioInputsFile, type GpioBackend, type Level } from '../../../hw/gpio';
import { timerSchedule } from '../../../hw/ups/schedule';

/** How often the inputs file is read: well under the sense poll (250 ms) of the relay and cable. */
export const SIM_INPUTS_POLL_MS = 50;

export interface ManualSimGpioOptions {
  chip: string;
  /** Line names by offset; the chip gets offsets 0..max, the others named line<N>. */
  lines: ReadonlyMap<number, string>;
  /** The line the inputs file must give a level (the sense). */
  requiredInput: number;
  inputsPath: string;
  outputsPath?: string;
}

export interface ManualSimGpio {
  backend: GpioBackend;
  /** Stops polling and publishes the outputs as they are now (call after releasing the lines). */
  stop(): Promise<void>;
}

export type SimGpioStart = { ok: true; value: ManualSimGpio } | { ok: false; reason: string };

export async function startManualSimGpio(o: ManualSimGpioOptions): Promise<SimGpioStart> {
  const count = Math.max(...o.lines.keys()) + 1;
  const names = Array.from({ length: count }, (_, i) => o.lines.get(i) ?? `line${i}`);
  const chip = new SimGpioChip(o.chip, names);
  const checked = checkInputsFile(o.inputsPath, chip, o.requiredInput);
  if (checked !== null) return { ok: false, reason: checked };
  const problems: string[] = [];
  const bridge = startGpioFileBridge({ chip, inputsPath: o.inputsPath, pollMs: SIM_INPUTS_POLL_MS, schedule: timerSchedule, onProblem: (m) => problems.push(m) });
  await bridge.pollNow();
  if (problems.length > 0) {
    bridge.stop();
    return { ok: false, reason: `--sim-file: ${problems[0]}` };
  }
  // Published here rather than by the bridge, so stop() can wait for the last write.
  let writing: Promise<void> = Promise.resolve();
  const publish = () => {
    if (o.outputsPath === undefined) return;
    const file = o.outputsPath;
    const levels = claimedOutputs(chip);
    writing = writing.then(() => writeGpioInputsFile(file, levels)).catch(() => undefined);
  };
  const unsubscribe = chip.onChange((c) => {
    if (c.by === 'host') publish();
  });
  publish();
  return {
    ok: true,
    value: {
      backend: simGpioBackend(chip),
      async stop() {
        bridge.stop();
        unsubscribe();
        publish();
        await writing;
      },
    },
  };
}

function claimedOutputs(chip: SimGpioChip): Record<string, Level> {
  const levels: Record<string, Level> = {};
  for (let i = 0; i < chip.lineCount; i++) if (chip.claimedAs(i) === 'out') levels[chip.lineName(i)] = chip.level(i);
  return levels;
}

/** null when the file exists, parses, names only lines of the chip and sets `required`; else why not. */
function checkInputsFile(file: string, chip: SimGpioChip, required: number): string | null {
  let text: string;
  try {
    const size = statSync(file).size;
    if (size > MAX_BRIDGE_FILE_BYTES) return `--sim-file ${file} is ${size} bytes; expected at most ${MAX_BRIDGE_FILE_BYTES}`;
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? (e as Error).message})`;
    return `--sim-file ${file} ${why}: write the simulated inputs there first, e.g. {"${chip.lineName(required)}": 1}`;
  }
  const parsed = parseGpioInputs(text);
  if (!parsed.ok) return `--sim-file ${file}: ${parsed.error}`;
  const offsets = parsed.value.map(([ref]) => chip.offsetOf(/^\d+$/.test(ref) ? Number(ref) : ref));
  const unknown = parsed.value.filter((_, i) => offsets[i] === undefined).map(([ref]) => ref);
  if (unknown.length > 0) return `--sim-file ${file}: the simulated ${chip.chipName} has no line(s) ${unknown.join(', ')} (it has ${listLines(chip)})`;
  if (!offsets.includes(required)) {
    return `--sim-file ${file} gives the sense line no level: add "${chip.lineName(required)}" (offset ${required}); an unset input would read as power off`;
  }
  return null;
}

function listLines(chip: SimGpioChip): string {
  return Array.from({ length: chip.lineCount }, (_, i) => `${i}=${chip.lineName(i)}`).join(', ');
}
