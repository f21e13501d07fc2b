// Status LEDs: the node's role, peer link and alarms on a board's GPIO outputs. See README.md.

export {
  blinkHalfPeriodMs,
  FAST_BLINK_HALF_PERIOD_MS,
  faultFromAlarms,
  ledPatterns,
  SLOW_BLINK_HALF_PERIOD_MS,
  type LedPattern,
  type NodeDisplayState,
} from './patterns';
export { LedDriver, type LedDriverOptions } from './ledDriver';
export { DEFAULT_LED_RETRY_MS, StatusLeds, type StatusLedsOptions } from './statusLeds';
export { openStatusLeds, type OpenStatusLedsResult } from './open';
