// One output line per event for script mode: text for people and logs, or
// with --json one object per line that always has t, node, role, epoch and
// reason (plus `type` and details), so a script can follow the pair.

import type { Role } from '../core/types';
import type { DaemonStatus } from '../daemon/contract';
import type { NodeStatusResult, PairEvent } from './events';

export interface LineContext {
  json: boolean;
  /** The node's last known role and epoch, for events that carry none themselves. */
  roleOf(node: string): { role: Role | null; epoch: number | null };
}

/** Control characters from a daemon's text must not reach a terminal raw. */
export function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

const ms = (tMs: number): string => `t=${Math.round(tMs)}ms`;

function eventText(e: PairEvent): string {
  switch (e.type) {
    case 'transition':
      return `${e.node} ${e.from} -> ${e.to} (epoch ${e.epoch}): ${printable(e.reason)}`;
    case 'fence':
      if (e.phase === 'fired') return `${e.node} fencing ${printable(e.target)}: ${printable(e.reason)}`;
      return `${e.node} fenced ${printable(e.target)}: ${e.confirmedOff ? 'confirmed off' : 'NOT confirmed'}: ${printable(e.reason)}`;
    case 'alarm':
      return `${e.node} alarm ${e.raised ? 'raised' : 'cleared'} ${printable(e.id)}: ${printable(e.message)}`;
    case 'power':
      return `${e.node} power ${e.on ? 'on' : 'off'} (simulated switch)`;
    case 'resource':
      return `${e.node} resource ${e.op} ${e.ok ? 'done' : 'FAILED'}${e.op === 'start' && e.ok ? ': running' : ''}${e.ok ? '' : `: ${printable(e.reason)}`}`;
    case 'daemon-start':
      return `${e.node} daemon started (pid ${e.pid})`;
    case 'hardware':
      return `${e.node} ${e.device}: ${printable(e.detail)}`;
    case 'broker':
      return `${e.node} ${printable(e.detail)}`;
    case 'daemon-exit': {
      const how = e.signal !== null ? `signal ${e.signal}` : `exit code ${e.code}`;
      const detail = e.detail !== '' && e.cause === 'unexpected' ? `: ${printable(e.detail)}` : '';
      return `${e.node} daemon ended (${e.cause}, ${how})${detail}`;
    }
  }
}

function eventReason(e: PairEvent): string {
  switch (e.type) {
    case 'transition':
    case 'fence':
      return e.reason;
    case 'alarm':
      return e.message;
    case 'resource':
      return e.reason;
    default:
      return eventText(e).slice(e.node.length + 1);
  }
}

/** One line (no newline) for a supervisor event. */
export function formatEvent(e: PairEvent, ctx: LineContext): string {
  if (!ctx.json) return `${ms(e.tMs)} ${eventText(e)}`;
  const t = Math.round(e.tMs);
  if (e.type === 'transition') {
    return JSON.stringify({ t, node: e.node, role: e.to, from: e.from, epoch: e.epoch, reason: e.reason, type: e.type });
  }
  const { role, epoch } = ctx.roleOf(e.node);
  const { tMs: _t, type, node, ...details } = e;
  return JSON.stringify({ t, node, role, epoch, reason: eventReason(e), type, ...details });
}

/** The reply to a command (or a parse error): `node` is the node it acted on, when there is one. */
export function formatOutcome(
  tMs: number,
  outcome: { ok: boolean; message: string; command: string; node?: string },
  ctx: LineContext,
): string {
  if (!ctx.json) return `${ms(tMs)} ${outcome.ok ? 'ok' : 'error'}: ${printable(outcome.message)}`;
  const node = outcome.node ?? null;
  const { role, epoch } = node === null ? { role: null, epoch: null } : ctx.roleOf(node);
  const type = outcome.ok ? 'command' : 'error';
  return JSON.stringify({ t: Math.round(tMs), node, role, epoch, reason: outcome.message, type, command: outcome.command, ok: outcome.ok });
}

function pathsText(status: DaemonStatus): string {
  return status.core.paths
    .map((p) => {
      const age = p.lastHeardAgeMs === null ? 'never heard' : `heard ${Math.round(p.lastHeardAgeMs)}ms ago`;
      const rtt = p.rttMs === null ? '' : `, rtt ${p.rttMs.toFixed(1)}ms`;
      return `${printable(p.name)} ${p.up ? 'up' : 'DOWN'} (${age}${rtt})`;
    })
    .join(', ');
}

function statusText(s: DaemonStatus): string {
  const c = s.core;
  const peer = c.peer.role === null ? c.peer.state : `${c.peer.state} (${c.peer.role})`;
  const alarms = c.alarms.length === 0 ? 'none' : c.alarms.map((a) => printable(a.id)).join(', ');
  return `${c.role} epoch ${c.epoch}, mode ${c.mode}, resource ${c.resource}, peer ${peer}; paths ${pathsText(s)}; alarms: ${alarms}`;
}

/** One line per node for the `status` command. */
export function formatStatus(tMs: number, r: NodeStatusResult, ctx: LineContext): string {
  const t = Math.round(tMs);
  if (r.ok) {
    if (ctx.json) {
      const { role, epoch } = r.status.core;
      return JSON.stringify({ t, node: r.node, role, epoch, reason: 'status', type: 'status', status: r.status });
    }
    return `${ms(tMs)} ${r.node} status: ${statusText(r.status)}`;
  }
  const state = !r.powered ? 'power off' : r.daemonRunning ? 'daemon not answering' : 'daemon down';
  if (ctx.json) {
    return JSON.stringify({ t, node: r.node, role: null, epoch: null, reason: `${state}: ${r.error}`, type: 'status', error: r.error });
  }
  return `${ms(tMs)} ${r.node} status: ${state}: ${printable(r.error)}`;
}
