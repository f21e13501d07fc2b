// One fence in progress, and how one level of the topology is run. The run is
// shared with the fencer's overall deadline: once `cancelled` is set no new
// device step starts, and nothing a late device call returns is recorded.

import type { FenceDevice, FenceOpResult, PowerStatusResult } from './device';
import type { FenceAction, FenceAttempt, FenceLevelReport } from './fencer';

export class FenceRun {
  readonly attempts: FenceAttempt[] = [];
  readonly levels: FenceLevelReport[] = [];
  /** One entry per failed level, for the final reason. */
  readonly failures: string[] = [];
  /** Set by the deadline: no further device step may start. */
  cancelled = false;
  /** `relay-1 off`: what we are waiting for, for the timeout reason. */
  waitingFor: string | null = null;
  /** The level's devices (joined with "+") once a whole level proved the target off. */
  confirmedBy: string | null = null;
  /** The level being run, reported as cut short if the deadline hits it. */
  currentLevel: { level: number; devices: string[] } | null = null;

  constructor(readonly target: string) {}
}

/**
 * Runs one level: every device powers the target off and reads it back off,
 * one after the other (the first failure ends the level: the next level gets
 * the remaining time). A reboot powers the devices back on only once all of
 * them proved off (Pacemaker's "all off, then all on"). Returns the success
 * reason, or null when the level failed (its reason is in run.failures).
 */
export async function runLevel(run: FenceRun, level: number, devices: readonly FenceDevice[], action: FenceAction): Promise<string | null> {
  const names = devices.map((d) => d.name);
  const label = names.join('+');
  run.currentLevel = { level, devices: names };
  for (const device of devices) {
    if (run.cancelled) return null;
    const failure = await confirmOff(run, device, level);
    if (failure === null) continue;
    if (run.cancelled) return null;
    const reason = devices.length === 1 ? failure : `level ${level} (${label}): ${failure}`;
    run.failures.push(reason);
    run.levels.push({ level, devices: names, ok: false, reason: failure });
    run.currentLevel = null;
    return null;
  }
  if (run.cancelled) return null;
  run.confirmedBy = label;
  let reason = `${label} confirmed ${run.target} is off`;
  run.levels.push({ level, devices: names, ok: true, reason });
  run.currentLevel = null;
  if (action === 'reboot') reason += await powerBackOn(run, devices, level);
  return reason;
}

/** Reboot's on half: logged in the reason, never a reason to call the fence failed. */
async function powerBackOn(run: FenceRun, devices: readonly FenceDevice[], level: number): Promise<string> {
  const failed: string[] = [];
  for (const device of devices) {
    if (run.cancelled) break;
    const on = await step(run, device, level, 'on', () => device.on(run.target));
    if (!on.ok) failed.push(devices.length === 1 ? on.reason : `${device.name}: ${on.reason}`);
  }
  return failed.length === 0 ? '; powered it back on' : `; power on after reboot failed: ${failed.join('; ')}`;
}

/** null when `device` proved the target off, else why not. */
async function confirmOff(run: FenceRun, device: FenceDevice, level: number): Promise<string | null> {
  const off = await step(run, device, level, 'off', () => device.off(run.target));
  if (!off.ok) return `${device.name}: ${off.reason}`;
  if (run.cancelled) return `${device.name}: status not checked, the fence timed out`;
  const status = await statusStep(run, device, level);
  if (status.state === 'off') return null;
  if (status.state === 'on') return `${device.name} reported off but status still reads on`;
  return `${device.name} reported off but its status is unknown: ${status.reason}`;
}

async function step(
  run: FenceRun,
  device: FenceDevice,
  level: number,
  name: 'off' | 'on',
  call: () => Promise<FenceOpResult>,
): Promise<FenceOpResult> {
  run.waitingFor = `${device.name} ${name}`;
  const startedMs = performance.now();
  let result: FenceOpResult;
  try {
    result = await call();
  } catch (e) {
    // FenceDevice methods must not reject; if one does, it is a failed step, not a crashed fencer.
    result = { ok: false, reason: `${name} threw: ${errorText(e)}`, durationMs: elapsedMs(startedMs) };
  }
  if (!run.cancelled) {
    run.attempts.push({ device: device.name, step: name, ok: result.ok, reason: result.reason, durationMs: result.durationMs, level });
  }
  return result;
}

async function statusStep(run: FenceRun, device: FenceDevice, level: number): Promise<PowerStatusResult> {
  run.waitingFor = `${device.name} status`;
  const startedMs = performance.now();
  let result: PowerStatusResult;
  try {
    result = await device.status(run.target);
  } catch (e) {
    result = { state: 'unknown', reason: `status threw: ${errorText(e)}`, durationMs: elapsedMs(startedMs) };
  }
  if (!run.cancelled) {
    const ok = result.state === 'off';
    run.attempts.push({ device: device.name, step: 'status', ok, reason: result.reason, durationMs: result.durationMs, level });
  }
  return result;
}

function elapsedMs(startedMs: number): number {
  return Math.round(performance.now() - startedMs);
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
