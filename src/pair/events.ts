// What the pair supervisor reports, and how a reference to a node is written
// by a person (`a`, `b`, `active`).

import type { Role } from '../core/types';
import type { DaemonStatus } from '../daemon/contract';
import type { NodeHardwareSnapshot } from './nodeHardware';
import type { ExitCause } from './nodeProcess';

/** Every event carries tMs: ms since the pair started. */
export type PairEvent =
  | { type: 'transition'; tMs: number; node: string; from: Role; to: Role; epoch: number; reason: string }
  /** `fired`: the node starts fencing its peer; `done`: the switch answered (confirmedOff tells how). */
  | { type: 'fence'; tMs: number; node: string; phase: 'fired' | 'done'; target: string; confirmedOff: boolean; reason: string }
  | { type: 'alarm'; tMs: number; node: string; id: string; message: string; raised: boolean }
  /** A resource start or stop finished (the failover benchmark times `start` ok on the survivor). */
  | { type: 'resource'; tMs: number; node: string; op: string; ok: boolean; running: boolean; reason: string }
  /** The simulated switch turned a node's power off or on (a fence, or the power returning after a reboot). */
  | { type: 'power'; tMs: number; node: string; on: boolean }
  | { type: 'daemon-start'; tMs: number; node: string; pid: number }
  /**
   * The simulated hardware changed: a key or command (UPS on battery, a disk failed), a rebuild that
   * finished, a watchdog that fired, a hang; `fence`: a fence simulator could not switch a node.
   */
  | { type: 'hardware'; tMs: number; node: string; device: 'ups' | 'raid' | 'watchdog' | 'fence'; detail: string }
  /** Seen at the MQTT broker: a node's Sparkplug NBIRTH/NDEATH or JSON availability. */
  | { type: 'broker'; tMs: number; node: string; kind: 'NBIRTH' | 'NDEATH' | 'online' | 'offline'; detail: string }
  | {
      type: 'daemon-exit';
      tMs: number;
      node: string;
      pid: number;
      cause: ExitCause;
      code: number | null;
      signal: string | null;
      /** The daemon's last stderr line, when it had something to say. */
      detail: string;
    };

export type PairEventListener = (event: PairEvent) => void;

export interface CommandOutcome {
  ok: boolean;
  message: string;
}

/** `a` and `b` are the first and second node of the pair; `active` is resolved when used. */
export type NodeRef = 'a' | 'b' | 'active';

export type NodeStatusResult =
  | { node: string; ok: true; status: DaemonStatus }
  | { node: string; ok: false; error: string; powered: boolean; daemonRunning: boolean };

export interface TransitionRecord {
  tMs: number;
  from: Role;
  to: Role;
  epoch: number;
  reason: string;
}

export interface NodeSnapshot {
  id: string;
  powered: boolean;
  pid: number | null;
  frozen: boolean;
  /** Power is back, the daemon has not started yet. */
  booting: boolean;
  /** Last role the daemon reported (log or status); null while no daemon runs. */
  role: Role | null;
  epoch: number | null;
  /** Oldest first, at most the last few. */
  transitions: TransitionRecord[];
  /** How the last daemon process ended, if one did. */
  lastExit: { tMs: number; cause: ExitCause; detail: string } | null;
  /** The node's simulated UPS, RAID and watchdog; null when it has none. */
  hardware: NodeHardwareSnapshot | null;
  /** Stopped for good (hang) until its watchdog or a fence resets it. */
  hung: boolean;
}
