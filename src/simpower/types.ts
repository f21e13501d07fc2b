// The simulated power switch of `edge-ha pair` and the tests: who it powers
// (a backend) and how a test makes it misbehave (faults).

/** What the switch switches. The pair runner's backend kills/restarts a daemon; tests keep booleans in memory. */
export interface PowerBackend {
  plugs(): string[];
  isOn(plug: string): boolean;
  /** Resolves once the load is really off. May reject; the switch then answers `ERR power off failed: ...`. */
  powerOff(plug: string): Promise<void>;
  powerOn(plug: string): Promise<void>;
}

/**
 * Per-plug misbehaviour, for tests and demos:
 * - `fail`: every command on the plug answers `ERR relay fault`;
 * - `hang`: commands on the plug never get an answer;
 * - `lie`: `OFF`/`REBOOT` answer `OK OFF` but leave the power on (`STATUS` tells the truth).
 */
export type PlugFault = 'none' | 'fail' | 'hang' | 'lie';

export const PLUG_FAULTS: readonly PlugFault[] = ['none', 'fail', 'hang', 'lie'];
