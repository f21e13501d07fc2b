// What the status LEDs show for a node state. One convention for every board:
//
// | node                         | active LED | standby LED        | fault LED |
// |------------------------------|------------|--------------------|-----------|
// | active (owns the service)    | on         | off                |           |
// | active, peer lost            | on         | fast blink         |           |
// | standby                      | off        | slow blink (1 Hz)  |           |
// | waiting / fencing / peer lost| off        | fast blink (2 Hz)  |           |
// | leaving (shutting down)      | off        | off                |           |
// | any critical alarm           |            |                    | on        |
//
// So a person at the rack reads: steady green = this one runs the service,
// slow blink = healthy spare, fast blink = the pair is not together, red = look.

import type { Alarm, Role } from '../../src/core/types';
import type { LedName } from '../boards/types';

export type LedPattern = 'off' | 'on' | 'slow' | 'fast';

/** 1 Hz: on 500 ms, off 500 ms. */
export const SLOW_BLINK_HALF_PERIOD_MS = 500;
/**
 * 2 Hz: plainly faster than the standby blink, and slow enough for the gpiod
 * CLI backend, where each edge restarts gpioset and counts as done only after
 * its 150 ms start-up check (hw/gpio/gpiodCli.ts).
 */
export const FAST_BLINK_HALF_PERIOD_MS = 250;

export interface NodeDisplayState {
  role: Role;
  /** Any critical alarm is raised (see faultFromAlarms). */
  fault: boolean;
  /** The peer's heartbeats are lost on every path (comm lost). */
  commLost?: boolean;
}

export function ledPatterns(state: NodeDisplayState): Record<LedName, LedPattern> {
  const apart = state.commLost === true || state.role === 'waiting' || state.role === 'fencing';
  let standby: LedPattern = 'off';
  if (state.role === 'standby' && !apart) standby = 'slow';
  else if (apart && state.role !== 'leaving') standby = 'fast';
  return {
    active: state.role === 'active' ? 'on' : 'off',
    standby,
    fault: state.fault ? 'on' : 'off',
  };
}

export function faultFromAlarms(alarms: readonly Pick<Alarm, 'severity'>[]): boolean {
  return alarms.some((a) => a.severity === 'critical');
}

export function blinkHalfPeriodMs(pattern: LedPattern): number | null {
  if (pattern === 'slow') return SLOW_BLINK_HALF_PERIOD_MS;
  if (pattern === 'fast') return FAST_BLINK_HALF_PERIOD_MS;
  return null;
}
