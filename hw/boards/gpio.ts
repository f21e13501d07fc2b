// The GPIO backend a board names, ready to open its LEDs, relays and inputs
// with openGpioLine. For the simulated board this is an in-memory chip with
// the board's line names, bridged to its inputs/outputs files so another
// process can flip the UPS contacts and see the LEDs and relays.

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { gpiodCliBackend } from '../gpio/gpiodCli';
import { onoffBackend } from '../gpio/onoff';
import type { CommandRunner } from '../gpio/runner';
import { SimGpioChip, simGpioBackend } from '../gpio/sim';
import { startGpioFileBridge, type GpioFileBridge } from '../gpio/simFileBridge';
import type { GpioBackend } from '../gpio/types';
import { err, ok, type Result } from '../ups/result';
import type { Schedule } from '../ups/schedule';
import type { BoardGpioBackend, BoardSimGpio } from './types';

/** How often the simulated chip reads its inputs file: a contact flip shows up within this. */
export const SIM_BRIDGE_POLL_MS = 200;

export interface BoardGpioOptions {
  schedule: Schedule;
  /** gpiod: the command runner (tests pass a fake). */
  runner?: CommandRunner;
  /** sim: bridge problems (bad JSON in the inputs file, unwritable outputs file), each once. */
  onProblem?: (message: string) => void;
  simPollMs?: number;
}

export interface BoardGpio {
  backend: GpioBackend;
  /** The simulated chip, for the `sim` backend (tests drive it directly). */
  simChip: SimGpioChip | null;
  /** Stops the sim file bridge; lines are closed by their owners. */
  close(): void;
}

export function boardGpioBackend(
  board: { name: string; gpioBackend: BoardGpioBackend | null; simGpio?: BoardSimGpio | null | undefined },
  opts: BoardGpioOptions,
): Result<BoardGpio, string> {
  switch (board.gpioBackend) {
    case null:
      return err(`board ${board.name} has no GPIO (gpioBackend is not set)`);
    case 'gpiod':
      return ok({ backend: gpiodCliBackend({ schedule: opts.schedule, ...(opts.runner ? { runner: opts.runner } : {}) }), simChip: null, close: () => undefined });
    case 'onoff':
      return ok({ backend: onoffBackend(), simChip: null, close: () => undefined });
    case 'sim':
      return simBackend(board.name, board.simGpio ?? null, opts);
  }
}

function simBackend(name: string, sim: BoardSimGpio | null, opts: BoardGpioOptions): Result<BoardGpio, string> {
  if (sim === null) return err(`board ${name}: gpioBackend sim needs simGpio (chip, lineNames, inputsFile, outputsFile)`);
  try {
    mkdirSync(dirname(sim.outputsFile), { recursive: true });
  } catch (e) {
    return err(`board ${name}: cannot create ${dirname(sim.outputsFile)} for the simulated GPIO outputs (${(e as Error).message})`);
  }
  const chip = new SimGpioChip(sim.chip, sim.lineNames);
  const bridge: GpioFileBridge = startGpioFileBridge({
    chip,
    inputsPath: sim.inputsFile,
    outputsPath: sim.outputsFile,
    pollMs: opts.simPollMs ?? SIM_BRIDGE_POLL_MS,
    schedule: opts.schedule,
    ...(opts.onProblem ? { onProblem: opts.onProblem } : {}),
  });
  return ok({ backend: simGpioBackend(chip), simChip: chip, close: () => bridge.stop() });
}
