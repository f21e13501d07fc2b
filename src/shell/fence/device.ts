// What the fencer needs from a power switch, whatever it is (a ClusterLabs
// fence agent, the simulated switch of `edge-ha pair`). Methods never reject:
// a failure is a result with a reason a person can read.

export interface FenceOpResult {
  ok: boolean;
  reason: string;
  durationMs: number;
}

export type PowerState = 'on' | 'off' | 'unknown';

export interface PowerStatusResult {
  state: PowerState;
  reason: string;
  durationMs: number;
}

export interface FenceDevice {
  /** Name from the config, used in reasons and attempts. */
  readonly name: string;
  /** Cut the target's power. `ok` means the device said it did; the fencer still checks status. */
  off(target: string): Promise<FenceOpResult>;
  on(target: string): Promise<FenceOpResult>;
  status(target: string): Promise<PowerStatusResult>;
  /** Is the device itself reachable and working (no target involved)? */
  monitor(): Promise<FenceOpResult>;
}
