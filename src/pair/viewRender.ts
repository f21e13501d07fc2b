// Drawing the live view of the pair as plain lines with ANSI colours. Pure:
// the same model gives the same lines, so it can be tested without a terminal.

import type { Role } from '../core/types';
import type { DaemonStatus } from '../daemon/contract';
import type { NodeSnapshot, NodeStatusResult } from './events';
import type { NodeHardwareSnapshot } from './nodeHardware';
import { printable } from './format';

export interface ViewModel {
  tMs: number;
  nodes: Array<{ snap: NodeSnapshot; status: NodeStatusResult | null }>;
  /** Recent happenings, oldest first (already plain text). */
  messages: string[];
  width: number;
  /** Terminal rows; the recent messages, then panel rows, give way to fit. */
  height: number;
  colour: boolean;
}

const SGR = {
  reset: '\x1b[0m',
  bold: '\x1b[1m',
  dim: '\x1b[2m',
  red: '\x1b[31m',
  green: '\x1b[32m',
  yellow: '\x1b[33m',
  blue: '\x1b[34m',
  magenta: '\x1b[35m',
  cyan: '\x1b[36m',
} as const;

const ROLE_COLOUR: Record<Role, string> = {
  active: SGR.green,
  standby: SGR.cyan,
  fencing: SGR.yellow,
  waiting: SGR.blue,
  leaving: SGR.magenta,
};

export const KEY_LEGEND =
  'keys: c crash active | f freeze active 5 s | x cut crossover | a cut all | h heal | s switchover | q quit';
/** The simulated hardware's keys, on rows of their own above KEY_LEGEND. */
export const HARDWARE_KEY_LEGEND =
  'hardware: u UPS on battery (active) | l battery low (active) | m mains back (all) | d fail a disk (active) | ' +
  'r rebuild failed disks (all) | w hang active daemon (watchdog)';

/** Visible width of a string with SGR sequences. */
export function visibleLength(s: string): number {
  return s.replace(/\x1b\[[0-9;]*m/g, '').length;
}

/** Cuts or pads a coloured string to exactly `width` visible characters. */
export function fit(s: string, width: number): string {
  let out = '';
  let seen = 0;
  for (let i = 0; i < s.length && seen < width; ) {
    const sgr = /^\x1b\[[0-9;]*m/.exec(s.slice(i));
    if (sgr !== null) {
      out += sgr[0];
      i += sgr[0].length;
    } else {
      out += s.charAt(i);
      seen++;
      i++;
    }
  }
  const hasSgr = out.includes('\x1b[');
  return out + (hasSgr ? SGR.reset : '') + ' '.repeat(Math.max(0, width - seen));
}

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(1)}s`;
}

function pathLines(status: DaemonStatus, paint: (c: string, s: string) => string): string[] {
  return status.core.paths.map((p) => {
    const up = p.up ? paint(SGR.green, 'up  ') : paint(SGR.red, 'DOWN');
    const heard = p.lastHeardAgeMs === null ? 'never heard' : `heard ${seconds(p.lastHeardAgeMs)} ago`;
    const rtt = p.rttMs === null ? 'rtt -' : `rtt ${p.rttMs.toFixed(1)}ms`;
    return `  ${printable(p.name).padEnd(10)} ${up} ${heard.padEnd(15)} ${rtt}`;
  });
}

/** One line for the node's simulated hardware, or null when it has none. */
export function hardwareLine(hw: NodeHardwareSnapshot | null, paint: (c: string, s: string) => string): string | null {
  if (hw === null || (hw.ups === null && hw.raid === null && hw.watchdog === null)) return null;
  const parts: string[] = [];
  if (hw.ups !== null) {
    const u = hw.ups;
    const text = u.lowBattery ? paint(SGR.red, `UPS BATTERY LOW ${u.charge}%`) : u.onBattery ? paint(SGR.yellow, `UPS ON BATTERY ${u.charge}%`) : 'UPS on line';
    parts.push(text);
  }
  if (hw.raid !== null) {
    const r = hw.raid;
    if (r.kind === 'healthy') parts.push('md0 [UU]');
    else if (r.kind === 'failed') parts.push(paint(SGR.red, 'md0 [U_] sdb1 FAILED'));
    else parts.push(paint(SGR.yellow, `md0 [U_] rebuilding ${(r.permille / 10).toFixed(1)}%`));
  }
  if (hw.watchdog !== null) {
    const w = hw.watchdog;
    const left = w.timeLeftMs === null ? '' : ` (${seconds(w.timeLeftMs)} left)`;
    parts.push(`watchdog ${w.state}${left}${w.resets > 0 ? `, ${w.resets} reset${w.resets > 1 ? 's' : ''}` : ''}`);
  }
  return `  hw: ${parts.join(' | ')}`;
}

function downReason(snap: NodeSnapshot, status: NodeStatusResult | null): string {
  if (!snap.powered) return 'POWER OFF';
  if (snap.hung) return 'HUNG (SIGSTOP until reset)';
  if (snap.frozen) return 'FROZEN (SIGSTOP)';
  if (snap.booting) return 'BOOTING';
  if (snap.pid === null) return `DAEMON DOWN${snap.lastExit ? ` (${snap.lastExit.cause})` : ''}`;
  if (status !== null && !status.ok) return 'NOT ANSWERING';
  return 'STARTING';
}

function panel(snap: NodeSnapshot, status: NodeStatusResult | null, colour: boolean): string[] {
  const paint = (code: string, s: string): string => (colour ? `${code}${s}${SGR.reset}` : s);
  const lines: string[] = [];
  const live = status !== null && status.ok ? status.status : null;
  const role = live?.core.role ?? snap.role;
  const roleText = role === null || live === null ? paint(SGR.red, downReason(snap, status)) : paint(SGR.bold + ROLE_COLOUR[role], role.toUpperCase());
  const epoch = live?.core.epoch ?? snap.epoch;
  lines.push(`${paint(SGR.bold, snap.id)}  ${roleText}  epoch ${epoch ?? '-'}  ${paint(SGR.dim, snap.pid === null ? '' : `pid ${snap.pid}`)}`);
  if (live !== null) {
    const c = live.core;
    // Mode and health only when they are not the usual, to keep the panel narrow.
    const unusual = [c.mode === 'normal' ? '' : `mode ${c.mode}`, c.health === 'ok' ? '' : `health ${c.health}`].filter((x) => x !== '');
    lines.push(`  resource ${printable(live.resourceName)}: ${c.resource}${unusual.length > 0 ? `, ${unusual.join(', ')}` : ''}`);
    lines.push(`  peer ${c.peer.state}${c.peer.role === null ? '' : ` (${c.peer.role}, epoch ${c.peer.epoch ?? '-'})`}`);
    lines.push(...pathLines(live, paint));
    const alarms = c.alarms.map((a) => paint(a.severity === 'critical' ? SGR.red : SGR.yellow, printable(a.id)));
    lines.push(`  alarms: ${alarms.length === 0 ? paint(SGR.dim, 'none') : alarms.join(' ')}`);
  } else {
    lines.push(paint(SGR.dim, `  ${snap.lastExit?.detail ? printable(snap.lastExit.detail) : 'no status'}`));
  }
  const hw = hardwareLine(snap.hardware, paint);
  if (hw !== null) lines.push(hw);
  lines.push('  last transitions:');
  if (snap.transitions.length === 0) lines.push(paint(SGR.dim, '    none yet'));
  for (const t of snap.transitions.slice(-5)) {
    lines.push(`    ${seconds(t.tMs).padStart(6)} ${t.from} -> ${t.to} (e${t.epoch}) ${paint(SGR.dim, printable(t.reason))}`);
  }
  return lines;
}

/** A key legend on as few rows of `width` as it takes, breaking only between keys. */
export function wrapLegend(width: number, legend: string = KEY_LEGEND): string[] {
  const rows: string[] = [];
  for (const item of legend.split(' | ')) {
    const last = rows[rows.length - 1];
    if (last !== undefined && last.length + 3 + item.length <= width) rows[rows.length - 1] = `${last} | ${item}`;
    else rows.push(item);
  }
  return rows;
}

/** The whole screen: at most `height` rows, each exactly `width` visible characters. */
export function renderView(m: ViewModel): string[] {
  const width = Math.max(40, m.width);
  const height = Math.max(6, m.height);
  const paint = (code: string, s: string): string => (m.colour ? `${code}${s}${SGR.reset}` : s);
  const head = [`${paint(SGR.bold, 'edge-ha pair')}: a simulated two-node cluster on loopback   t=${seconds(m.tMs)}`, ''];
  const legend = ['', ...wrapLegend(width, HARDWARE_KEY_LEGEND), ...wrapLegend(width).map((l) => paint(SGR.bold, l))];
  const panels = m.nodes.map((n) => panel(n.snap, n.status, m.colour));
  const body: string[] = [];
  const columnWidth = Math.floor((width - 3) / 2);
  if (panels.length === 2 && columnWidth >= 44) {
    const [left = [], right = []] = panels;
    for (let i = 0; i < Math.max(left.length, right.length); i++) {
      body.push(`${fit(left[i] ?? '', columnWidth)} ${paint(SGR.dim, '|')} ${right[i] ?? ''}`);
    }
  } else {
    for (const p of panels) body.push(...p, '');
  }
  const room = height - head.length - legend.length - body.length - 2;
  if (room > 0) {
    body.push('', paint(SGR.bold, 'recent:'));
    for (const message of m.messages.slice(-Math.min(8, room))) body.push(`  ${printable(message)}`);
  }
  const visibleBody = body.slice(0, Math.max(0, height - head.length - legend.length));
  return [...head, ...visibleBody, ...legend].map((line) => fit(line, width));
}
