// Board profiles: where a board's UPS port, RAID source, watchdog, crossover
// NIC, relays, LEDs and contact inputs are wired. See README.md.

export {
  BOARD_GPIO_BACKENDS,
  LED_NAMES,
  type BoardChip,
  type BoardGpioBackend,
  type BoardInputLine,
  type BoardLine,
  type BoardOutputLine,
  type BoardProfile,
  type BoardRaidSource,
  type BoardSimGpio,
  type BoardWatchdog,
  type LedName,
  type StrobeWindowMs,
} from './types';
export { isBoardPath, loadBoardProfile, MAX_PROFILE_BYTES, parseBoardProfileText, type LoadBoardOptions } from './load';
export {
  formatBoardOrigins,
  resolveBoard,
  type BoardOrigin,
  type HardwareLineInput,
  type HardwareSectionInput,
  type RaidEntryInput,
  type ResolvedBoard,
  type Sourced,
  type ValueSource,
} from './resolve';
export { checkLineUses, checkProfileLines, profileLineUses, type LineUse } from './checkLines';
export { boardProfileSchema, DEFAULT_STROBE_JITTER_MARGIN_MS } from './schema';
export { BUILT_IN_BOARDS, builtInBoard, type BuiltInBoard } from './profiles';
export { GENERIC_X86 } from './profiles/genericX86';
export { BCM2711_GPIOCHIP, RASPBERRY_PI_4 } from './profiles/raspberryPi4';
export { SIM_GPIO_CHIP, SIM_GPIO_LINE_NAMES, simulatedBoard, simulatedBoardPaths, type SimulatedBoardPaths } from './profiles/simulated';
export { formatBoardList, listBoards, type BoardListing } from './list';
export { boardGpioBackend, SIM_BRIDGE_POLL_MS, type BoardGpio, type BoardGpioOptions } from './gpio';
