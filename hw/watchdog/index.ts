// Watchdogs: the Linux device (pure Node + optional ioctl helper), a
// simulated device, a GPIO-strobed external chip, the systemd service
// watchdog, and the health gate that decides whether any of them is petted.

export * from './types';
export { WDIOF, describeWatchdogFlags, parseFlagNumber } from './flags';
export { nodeWatchdogFileOps, type WatchdogFileOps } from './fileOps';
export { readWatchdogSysfs, sysfsNameForDevice, WATCHDOG_SYSFS_ROOT, type WatchdogSysfsInfo, type SysfsReadOptions } from './sysfs';
export {
  locateWdctl,
  parseWdctlLine,
  spawnWdctl,
  which,
  WDCTL_CANDIDATES,
  type WdctlAvailability,
  type WdctlHelper,
  type WdctlReply,
} from './wdctl';
export {
  LinuxWatchdog,
  type LinuxWatchdogOptions,
  type LinuxWatchdogStatus,
  type WatchdogOpenResult,
  type WatchdogStopResult,
} from './linuxWatchdog';
export { LoopLagMonitor, type LoopLagOptions } from './loopLag';
export { WatchdogGate, type GateVerdict, type WatchdogGateOptions } from './gate';
export { GatedPetter, type GatedPetterOptions, type PetterEvent, type PetterStatus } from './petter';
export { GpioStrobe, checkStrobeTiming, type GpioStrobeOptions, type StrobeWindow } from './gpioStrobe';
export { parseSystemdEnv, type SystemdEnv } from './systemdEnv';
export {
  assignment,
  chooseNotifier,
  runProgram,
  socatSender,
  systemdNotifySender,
  type NotifyResult,
  type RunProgram,
  type SdNotifier,
} from './sdNotify';
export { SystemdService } from './systemdService';
export { WatchdogSimCore, killPidOnReset, type WatchdogSimEvent, type WatchdogSimOptions, type WatchdogSimState } from './sim/simCore';
export { FifoWatchdogSim, type FifoWatchdogSimOptions } from './sim/fifoSim';
export { WindowChipSim, type ChipFault, type WindowChipSimOptions } from './sim/windowChipSim';
