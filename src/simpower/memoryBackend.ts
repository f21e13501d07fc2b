// A power backend that only flips booleans: for tests and for demos that do
// not need a real process to die.

import type { PowerBackend } from './types';

export interface MemoryPowerBackend extends PowerBackend {
  /** Every power change the switch asked for, in order. */
  readonly history: ReadonlyArray<{ plug: string; op: 'off' | 'on' }>;
  /** Sets a plug's state directly (the target came back by itself, ...). */
  set(plug: string, on: boolean): void;
}

export interface MemoryPowerBackendOptions {
  /** How long a power change takes. Default 0. */
  opDelayMs?: number;
}

export function createMemoryPowerBackend(
  initial: Readonly<Record<string, boolean>>,
  options: MemoryPowerBackendOptions = {},
): MemoryPowerBackend {
  const state = new Map<string, boolean>(Object.entries(initial));
  const history: Array<{ plug: string; op: 'off' | 'on' }> = [];
  const delayMs = options.opDelayMs ?? 0;

  const change = async (plug: string, on: boolean): Promise<void> => {
    if (!state.has(plug)) throw new Error(`no plug ${JSON.stringify(plug)}`);
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    state.set(plug, on);
    history.push({ plug, op: on ? 'on' : 'off' });
  };

  return {
    history,
    plugs: () => [...state.keys()],
    isOn: (plug) => state.get(plug) === true,
    powerOff: (plug) => change(plug, false),
    powerOn: (plug) => change(plug, true),
    set: (plug, on) => {
      state.set(plug, on);
    },
  };
}
