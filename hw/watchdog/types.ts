// Shapes shared by every watchdog target (Linux device, GPIO-strobed chip,
// systemd service watchdog) and the gate that decides whether to pet them.

/** Outcome of one keepalive. */
export type PetResult = { ok: true } | { ok: false; error: string };

/** Something that must be petted on a cadence, or it resets/restarts the node. */
export interface PetTarget {
  /** For reports, e.g. `/dev/watchdog0`, `gpio strobe`, `systemd`. */
  readonly name: string;
  pet(): PetResult | Promise<PetResult>;
}

/** A feature that is not available here, and why (helper not built, driver lacks it...). */
export interface Unavailable {
  feature: string;
  why: string;
}
