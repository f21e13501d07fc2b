// Builders for the FenceDevice result shapes, so every agent measures duration
// the same way and a reason is always prefixed with the device's name.

import type { FenceOpResult, PowerState, PowerStatusResult } from '../../src/shell/fence/device';

export function opResult(name: string, ok: boolean, reason: string, startMs: number, nowMs: number): FenceOpResult {
  return { ok, reason: `${name}: ${reason}`, durationMs: Math.max(0, nowMs - startMs) };
}

export function statusResult(name: string, state: PowerState, reason: string, startMs: number, nowMs: number): PowerStatusResult {
  return { state, reason: `${name}: ${reason}`, durationMs: Math.max(0, nowMs - startMs) };
}
