// The text commands of `edge-ha pair` when stdin is not a terminal:
//
//   crash a|b|active          kill the daemon (its resource keeps running)
//   freeze a|b|active [S]     stop the daemon for S seconds (default 5), then let it go on
//   cut <path>|all            drop heartbeats on one path, or on all of them
//   heal                      stop dropping heartbeats
//   switchover                ask the active node to hand the service over
//   hang a|b|active           stop the daemon for good (SIGSTOP): its watchdog or the peer's fence resets the node
//   ups a|b|active|all battery|low|line
//                             the node's simulated UPS: on battery, battery low, back on line
//   disk a|b|active|all fail|rebuild|repair
//                             the node's simulated RAID1: fail a disk, replace and rebuild it
//                             (progress over ~20 s), or make it healthy at once
//   status                    print both nodes' status
//   sleep S                   wait S seconds before the next command (for scripts)
//   quit                      stop everything and exit
//
// Blank lines and lines starting with `#` are ignored. The parser never throws.

import type { NodeRef } from './events';
import { DISK_ACTIONS, type DiskAction } from './mdstatSim';
import { UPS_ACTIONS, type UpsAction } from './upsSim';

/** Hardware commands may name both nodes at once (`ups all line`). */
export type HardwareTarget = NodeRef | 'all';

export type PairCommand =
  | { kind: 'crash'; target: NodeRef }
  | { kind: 'freeze'; target: NodeRef; seconds: number }
  | { kind: 'cut'; path: string }
  | { kind: 'heal' }
  | { kind: 'switchover' }
  | { kind: 'hang'; target: NodeRef }
  | { kind: 'ups'; target: HardwareTarget; action: UpsAction }
  | { kind: 'disk'; target: HardwareTarget; action: DiskAction }
  | { kind: 'status' }
  | { kind: 'sleep'; seconds: number }
  | { kind: 'quit' };

/** `command: null` for a blank or comment line. */
export type ParsedCommand = { ok: true; command: PairCommand | null } | { ok: false; error: string };

export const MAX_COMMAND_LINE_CHARS = 1000;
export const DEFAULT_FREEZE_SECONDS = 5;
export const MAX_SECONDS = 3600;
const PATH_NAME = /^[A-Za-z0-9._-]{1,64}$/;
const DECIMAL = /^[0-9]{1,7}(\.[0-9]{1,6})?$/;

export const COMMAND_SUMMARY =
  'crash a|b|active, freeze a|b|active [seconds], hang a|b|active, cut <path>|all, heal, switchover, ' +
  'ups a|b|active|all battery|low|line, disk a|b|active|all fail|rebuild|repair, status, sleep <seconds>, quit';

function nodeRef(word: string | undefined): NodeRef | null {
  return word === 'a' || word === 'b' || word === 'active' ? word : null;
}

function hardwareTarget(word: string | undefined): HardwareTarget | null {
  return word === 'all' ? 'all' : nodeRef(word);
}

function oneOf<T extends string>(word: string | undefined, values: readonly T[]): T | null {
  return values.find((v) => v === word) ?? null;
}

function seconds(word: string, what: string, min: 'positive' | 'zero'): number | string {
  const value = DECIMAL.test(word) ? Number(word) : NaN;
  const tooLow = min === 'positive' ? !(value > 0) : !(value >= 0);
  if (Number.isNaN(value) || tooLow || value > MAX_SECONDS) {
    const lower = min === 'positive' ? 'more than 0' : '0 or more';
    return `${what}: expected seconds, ${lower} and at most ${MAX_SECONDS} (e.g. 5 or 0.5), got ${JSON.stringify(word)}`;
  }
  return value;
}

function usage(verb: string, form: string): ParsedCommand {
  return { ok: false, error: `${verb}: usage: ${form}` };
}

export function parseCommand(line: string): ParsedCommand {
  if (line.length > MAX_COMMAND_LINE_CHARS) {
    return { ok: false, error: `command line is ${line.length} characters long; at most ${MAX_COMMAND_LINE_CHARS}` };
  }
  const trimmed = line.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return { ok: true, command: null };
  const [verb = '', ...rest] = trimmed.split(/\s+/);
  const ok = (command: PairCommand): ParsedCommand => ({ ok: true, command });
  switch (verb) {
    case 'crash': {
      const target = nodeRef(rest[0]);
      return target !== null && rest.length === 1 ? ok({ kind: 'crash', target }) : usage(verb, 'crash a|b|active');
    }
    case 'freeze': {
      const target = nodeRef(rest[0]);
      if (target === null || rest.length > 2) return usage(verb, 'freeze a|b|active [seconds]');
      if (rest[1] === undefined) return ok({ kind: 'freeze', target, seconds: DEFAULT_FREEZE_SECONDS });
      const s = seconds(rest[1], 'freeze', 'positive');
      return typeof s === 'string' ? { ok: false, error: s } : ok({ kind: 'freeze', target, seconds: s });
    }
    case 'hang': {
      const target = nodeRef(rest[0]);
      return target !== null && rest.length === 1 ? ok({ kind: 'hang', target }) : usage(verb, 'hang a|b|active');
    }
    case 'ups': {
      const target = hardwareTarget(rest[0]);
      const action = oneOf(rest[1], UPS_ACTIONS);
      if (target === null || action === null || rest.length !== 2) return usage(verb, `ups a|b|active|all ${UPS_ACTIONS.join('|')}`);
      return ok({ kind: 'ups', target, action });
    }
    case 'disk': {
      const target = hardwareTarget(rest[0]);
      const action = oneOf(rest[1], DISK_ACTIONS);
      if (target === null || action === null || rest.length !== 2) return usage(verb, `disk a|b|active|all ${DISK_ACTIONS.join('|')}`);
      return ok({ kind: 'disk', target, action });
    }
    case 'cut': {
      const path = rest[0];
      if (path === undefined || rest.length !== 1) return usage(verb, 'cut <path>|all');
      if (!PATH_NAME.test(path)) return { ok: false, error: `cut: ${JSON.stringify(path.slice(0, 80))} is not a path name` };
      return ok({ kind: 'cut', path });
    }
    case 'sleep': {
      if (rest.length !== 1) return usage(verb, 'sleep <seconds>');
      const s = seconds(rest[0] as string, 'sleep', 'zero');
      return typeof s === 'string' ? { ok: false, error: s } : ok({ kind: 'sleep', seconds: s });
    }
    case 'heal':
    case 'switchover':
    case 'status':
    case 'quit':
      return rest.length === 0 ? ok({ kind: verb }) : usage(verb, `${verb} (no arguments)`);
    default:
      return { ok: false, error: `unknown command ${JSON.stringify(verb.slice(0, 40))}; commands: ${COMMAND_SUMMARY}` };
  }
}
