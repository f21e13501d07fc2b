// A RAID probe report for a person: the overall health, then each array with
// its state, level, members and any running rebuild with its estimate.

import type { RaidProgress } from '../../../hw/raid/monitor/types';
import type { RaidArrayReport, RaidProbeReport } from './raidReport';
import { formatSeconds, labelled, num } from './text';

const SOURCE_NAMES: Readonly<Record<RaidProbeReport['driver'], string>> = {
  md: 'Linux md',
  'areca-cli': 'Areca cli64 output',
  areca: 'Areca serial API',
};

export function formatRaidReport(r: RaidProbeReport): string {
  const lines = [labelled('RAID', `${SOURCE_NAMES[r.driver]} (${r.source})`), labelled('Health', `${r.health}: ${r.reason}`)];
  for (const a of r.arrays) lines.push(formatArray(a));
  if (r.arrays.length === 0 && r.health !== 'unreachable') lines.push(labelled('Arrays', 'none'));
  for (const w of r.warnings) lines.push(labelled('Warning', w));
  return lines.join('\n');
}

function formatArray(a: RaidArrayReport): string {
  const head = [a.state, a.level].filter((x): x is string => x !== null).join(', ');
  const rows = [labelled(a.name, head)];
  const sub = (label: string, value: string) => rows.push(labelled(`  ${label}`, value));
  sub('why', a.reason);
  if (a.members.length > 0) sub('members', a.members.map((m) => (m.role === 'active' || m.role === 'member' ? m.name : `${m.name} (${m.role})`)).join(', '));
  if (a.progress !== null) sub('progress', describeProgress(a.progress));
  return rows.join('\n');
}

/** `recovery 3.6 %, about 4 h 19 min left (ETA 14:05) at 12K/sec`. */
export function describeProgress(p: RaidProgress, nowMs = Date.now()): string {
  let text = p.action;
  if (p.percent !== null) text += ` ${num(p.percent)} %`;
  if (p.finishMinutes !== null) {
    const eta = new Date(nowMs + p.finishMinutes * 60_000);
    const hhmm = `${String(eta.getHours()).padStart(2, '0')}:${String(eta.getMinutes()).padStart(2, '0')}`;
    text += `, about ${formatSeconds(p.finishMinutes * 60)} left (ETA ${hhmm})`;
  }
  if (p.speedKPerSec !== null) text += ` at ${p.speedKPerSec}K/sec`;
  if (p.percent === null && p.finishMinutes === null) text += ' (the device gives no percent or estimate)';
  return text;
}
