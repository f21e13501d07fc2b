// From readings to the core's health events, by the configured rules. The
// core decides what a level means (critical: hand the service over; a
// critical `power` source: the upsmon-like shutdown); this file decides which
// level a reading gets, and writes the reason a person reads in the alarm.
// Pure functions: the simulator and the tests call them directly.

import type { HealthKind, HealthLevel } from '../../core/types';
import type { HardwareConfig } from '../../config/types';
import { formatStatus, type UpsStatusToken } from '../../../hw/ups/model';

export interface RuledHealth {
  source: string;
  level: HealthLevel;
  reason: string;
  kind: HealthKind;
}

type Rules = HardwareConfig['rules'];

export interface UpsView {
  status: readonly UpsStatusToken[];
  critical: boolean;
  criticalReason: string;
  commLost: boolean;
  /** battery.charge and battery.runtime when the UPS gives them, for the reason text. */
  chargePercent?: number | undefined;
  runtimeSec?: number | undefined;
}

/** The UPS as one `power` source named `ups`. */
export function upsHealth(v: UpsView, rules: Rules): RuledHealth {
  const base = { source: 'ups', kind: 'power' as const };
  const battery = [v.chargePercent !== undefined ? `charge ${v.chargePercent} %` : '', v.runtimeSec !== undefined ? `runtime ${Math.round(v.runtimeSec)} s` : ''].filter(Boolean).join(', ');
  const status = v.status.length > 0 ? `status ${formatStatus(v.status)}` : 'no status yet';
  const detail = [status, battery].filter(Boolean).join(', ');
  if (v.critical) {
    const reason = `UPS power critical: ${v.criticalReason} (${detail})`;
    if (rules.upsCritical === 'ignore') return { ...base, level: 'ok', reason: `${reason}; ignored by rules.upsCritical` };
    if (rules.upsCritical === 'alarm') return { ...base, level: 'degraded', reason: `${reason}; rules.upsCritical is alarm, so nothing moves` };
    return { ...base, level: 'critical', reason };
  }
  if (v.commLost) return { ...base, level: 'degraded', reason: `UPS communication lost (${detail} when last seen)` };
  if (v.status.includes('OB') && rules.upsOnBattery === 'alarm') return { ...base, level: 'degraded', reason: `UPS on battery (${detail})` };
  for (const t of ['OVER', 'RB', 'BYPASS', 'ALARM'] as const) {
    if (v.status.includes(t)) return { ...base, level: 'degraded', reason: `UPS reports ${t} (${detail})` };
  }
  return { ...base, level: 'ok', reason: `UPS on line (${detail})` };
}

/** A RAID array event from hw/raid (failed → critical, degraded/rebuilding → degraded) with the rules applied. */
export function raidHealth(source: string, level: HealthLevel, reason: string, rules: Rules): RuledHealth {
  const base = { source, kind: 'storage' as const };
  if (level === 'critical') {
    if (rules.raidFailed === 'ignore') return { ...base, level: 'ok', reason: `${reason}; ignored by rules.raidFailed` };
    if (rules.raidFailed === 'alarm') return { ...base, level: 'degraded', reason: `${reason}; rules.raidFailed is alarm, so the service stays` };
    return { ...base, level: 'critical', reason };
  }
  if (level === 'degraded' && rules.raidDegraded === 'ignore') return { ...base, level: 'ok', reason: `${reason}; ignored by rules.raidDegraded` };
  return { ...base, level, reason };
}

/** The crossover cable: a pulled cable is a degraded path, never a reason to move the service. */
export function carrierHealth(iface: string, carrier: boolean | null, operstate: string | null, error: string | null, rules: Rules): RuledHealth {
  const base = { source: `nic:${iface}`, kind: 'network' as const };
  if (carrier === true) return { ...base, level: 'ok', reason: `crossover ${iface} has carrier (${operstate ?? 'operstate unknown'})` };
  const why = error ?? `crossover ${iface} has no carrier (${operstate ?? 'operstate unknown'}): cable pulled or the peer's NIC is down; heartbeats continue on the other paths`;
  if (rules.carrierLost === 'ignore') return { ...base, level: 'ok', reason: `${why}; ignored by rules.carrierLost` };
  return { ...base, level: 'degraded', reason: why };
}
