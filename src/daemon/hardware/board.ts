// `hardware.board`: the board profile fills in where the configured devices
// are wired (UPS port, watchdog device, crossover NIC, dry contacts, status
// LEDs); a key the config sets always wins. Done once at start-up; a profile
// that cannot be loaded, or a device still unwired after the merge, stops the
// daemon with the reason, before anything is opened.

import type { HardwareConfig } from '../../config/types';
import { loadBoardProfile, resolveBoard, type HardwareSectionInput, type ResolvedBoard } from '../../../hw/boards';

/** `hardware.watchdog.device: board` arms the board's own watchdog device. */
export const BOARD_DEVICE = 'board';

export type BoardApplied = { ok: true; hw: HardwareConfig; resolved: ResolvedBoard | null } | { ok: false; error: string };

/** `runDir`: where the simulated board keeps its files (the node's state directory). */
export function applyBoard(hw: HardwareConfig, runDir: string): BoardApplied {
  if (hw.board === undefined) {
    if (hw.watchdog.device === BOARD_DEVICE) return { ok: false, error: 'hardware.watchdog.device: "board" needs hardware.board' };
    return { ok: true, hw, resolved: null };
  }
  const profile = loadBoardProfile(hw.board, { runDir });
  if (!profile.ok) return { ok: false, error: `hardware.board: ${profile.error.join('; ')}` };
  const { device, ...watchdogRest } = hw.watchdog;
  const input = { ...hw, watchdog: device === BOARD_DEVICE ? watchdogRest : hw.watchdog };
  const resolved = resolveBoard(profile.value, input as unknown as HardwareSectionInput);
  if (resolved.problems.length > 0) return { ok: false, error: `hardware.board ${hw.board}: ${resolved.problems.join('; ')}` };
  const out: HardwareConfig = { ...hw, health: { ...hw.health }, watchdog: { ...hw.watchdog } };
  if (hw.ups) {
    const u = resolved.ups;
    out.ups = { ...hw.ups, ...(u.link ? { link: u.link.value } : {}) };
    if (hw.ups.driver === 'drycontact' && u.onBattery) {
      const line = (l: { chip: string; line: number; activeLow: boolean }) => ({ chip: l.chip, line: l.line, activeLow: l.activeLow });
      out.ups.contacts = {
        onBattery: line(u.onBattery.value),
        ...(u.lowBattery ? { lowBattery: line(u.lowBattery.value) } : {}),
        gpioBackend: (u.gpioBackend?.value ?? 'onoff') as 'onoff' | 'gpiod' | 'sim',
        ...(u.simFile ? { simFile: u.simFile.value } : {}),
      };
    }
  }
  // The board says where the watchdog is; arming it stays the config's decision: `watchdog.device: board`.
  if (hw.watchdog.device === BOARD_DEVICE) {
    const w = resolved.watchdog?.value;
    if (w?.kind !== 'device') return { ok: false, error: `hardware.watchdog.device: board ${hw.board} has no watchdog device${w ? ' (it has an external strobed chip)' : ''}` };
    out.watchdog.device = w.device;
  }
  if (resolved.crossoverNic) out.health.crossoverInterface = resolved.crossoverNic.value;
  return { ok: true, hw: out, resolved };
}
