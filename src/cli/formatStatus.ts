// `edge-ha status` for a person: one screen, most important first.

import type { DaemonStatus } from '../daemon/contract';

export function formatStatus(s: DaemonStatus): string {
  const c = s.core;
  const lines: string[] = [];
  lines.push(`${c.nodeId} in cluster ${s.clusterId}: ${c.role.toUpperCase()}${c.mode !== 'normal' ? ` (${c.mode} mode)` : ''}, epoch ${c.epoch}`);
  lines.push(`  resource ${s.resourceName}: ${c.resource}    health: ${c.health}    pid ${s.pid}, up ${fmtMs(s.uptimeMs)}, incarnation ${c.incarnation}`);
  const p = c.peer;
  lines.push(`  peer ${c.peerId}: ${p.state}${p.role ? `, ${p.role}` : ''}${p.epoch !== null ? `, epoch ${p.epoch}` : ''}${p.resource ? `, resource ${p.resource}` : ''}${p.health ? `, health ${p.health}` : ''}`);
  lines.push('  heartbeat paths:');
  for (const path of c.paths) {
    const ctr = s.paths[path.name];
    const heard = path.lastHeardAgeMs === null ? 'never heard' : `heard ${path.lastHeardAgeMs} ms ago`;
    const rtt = path.rttMs === null ? '' : `, rtt ${path.rttMs.toFixed(1)} ms`;
    const counts = ctr ? `, sent ${ctr.sent}, received ${ctr.received}${ctr.injectedDrops ? `, injected drops ${ctr.injectedDrops}` : ''}` : '';
    lines.push(`    ${path.up ? 'UP  ' : 'DOWN'} ${path.name.padEnd(10)} ${heard}${rtt} (deadline ${path.deadlineMs} ms)${counts}`);
  }
  const rejects = Object.entries(s.rejects);
  if (rejects.length) lines.push(`  rejected heartbeats: ${rejects.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  lines.push(`  fencing: ${c.fence.state}${c.fence.attempts ? `, ${c.fence.attempts} attempt(s)` : ''}${c.fence.lastResult ? `, last: ${c.fence.lastResult}` : ''}`);
  for (const d of s.fenceDevices ?? []) {
    const r = d.lastResult;
    const state = r === null ? 'not checked yet' : r.ok ? `ok (${r.durationMs} ms)` : `FAILING x${d.consecutiveFailures}: ${r.reason}`;
    lines.push(`    device ${d.device}: ${state}`);
  }
  if (c.alarms.length) {
    lines.push('  alarms:');
    for (const a of c.alarms) lines.push(`    ${a.severity === 'critical' ? 'CRITICAL' : 'warning '} ${a.id}: ${a.message}`);
  } else lines.push('  alarms: none');
  if (c.power?.critical || c.power?.peerCritical || c.power?.shutdown) {
    lines.push(`  power: ${c.power.critical ? 'CRITICAL' : 'ok'}, peer ${c.power.peerCritical ? 'CRITICAL' : 'ok'}${c.power.shutdown ? `; SHUTTING DOWN: ${c.power.shutdown}` : ''}`);
  }
  if (c.arbiter && c.arbiter.state !== 'off') lines.push(`  self-fencing arbitrator: ${c.arbiter.state}${c.arbiter.reason ? ` (${c.arbiter.reason})` : ''}`);
  lines.push(...hardwareLines(s));
  const t = telemetryLine(s.telemetry);
  if (t) lines.push(t);
  if (c.transitions.length) {
    lines.push('  last transitions:');
    for (const t of c.transitions.slice(-5)) lines.push(`    ${t.from} -> ${t.to} (epoch ${t.epoch}): ${t.reason}`);
  }
  return lines.join('\n');
}

function hardwareLines(s: DaemonStatus): string[] {
  const out: string[] = [];
  const h = s.hardware;
  if (h) {
    if (h.ups) out.push(`  ups (${h.ups.driver}): ${h.ups.commLost ? 'COMM LOST' : h.ups.status || 'no reading yet'}${h.ups.critical ? ' CRITICAL' : ''}: ${h.ups.reason}${h.ups.serving ? `; NUT server on ${h.ups.serving}` : ''}`);
    for (const r of h.raid) out.push(`  raid ${r.array} (${r.source}): ${r.state}: ${r.reason}`);
    for (const x of h.health.filter((x) => x.level !== 'ok' && x.source !== 'ups' && !x.source.startsWith('raid'))) out.push(`  ${x.source}: ${x.level}: ${x.reason}`);
    for (const e of h.errors) out.push(`  hardware error: ${e}`);
  }
  const w = s.watchdog;
  if (w && (w.device || w.petters.length > 0)) {
    const closed = w.petters.find((p) => p.gateClosedReasons);
    const state = w.selfFence ? `SELF-FENCING, not petting (${w.selfFence})` : w.error ? `ERROR: ${w.error}` : closed ? `NOT PETTING: ${closed.gateClosedReasons?.join('; ')}` : `petting ${w.petters.map((p) => `${p.target} (${p.pets} pets)`).join(', ')}`;
    out.push(`  watchdog${w.device ? ` ${w.device}` : ''}${w.timeoutSec ? ` (${w.timeoutSec} s)` : ''}: ${state}`);
  }
  return out;
}

function telemetryLine(t: DaemonStatus['telemetry']): string | null {
  if (t === null) return null;
  if ('error' in t) return `  telemetry: NOT RUNNING: ${t.error}`;
  const q = t.queue;
  const queued = `${q.events} event(s) and ${q.readings} reading(s) queued on disk`;
  const losses = [q.droppedReadings ? `${q.droppedReadings} oldest readings dropped at the bound` : '', q.refusedEvents ? `${q.refusedEvents} EVENTS REFUSED` : ''].filter(Boolean).join(', ');
  const b = t.broker;
  const state =
    b.state === 'connected'
      ? `connected to ${b.url}`
      : `${b.state.toUpperCase()} (${b.reason ?? 'starting'})${b.failedAttempts ? `, ${b.failedAttempts} failed attempt(s)` : ''}`;
  const extra = t.lastError ? `\n    last error: ${t.lastError}` : '';
  return `  telemetry (${t.profile}): ${state}; ${queued}; published ${t.published.events} event(s), ${t.published.messages} message(s)${losses ? `; ${losses}` : ''}${extra}`;
}

function fmtMs(ms: number): string {
  if (ms < 10_000) return `${ms} ms`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
