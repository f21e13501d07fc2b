// GPIO lines: one GpioLine interface (logical values, active-low, debounced
// edges) over onoff (sysfs), the gpiod 1.6 CLI tools (character device) or an
// in-memory simulated chip. See README.md.

export {
  GPIO_OK,
  gpioError,
  type Bias,
  type GpioBackend,
  type GpioError,
  type GpioErrorKind,
  type GpioEvent,
  type GpioInputConfig,
  type GpioLine,
  type GpioLineConfig,
  type GpioLineSpec,
  type GpioOutputConfig,
  type GpioResult,
  type Level,
  type RawGpioLine,
  type RawLineRequest,
} from './types';
export { checkGpioConfig, MAX_DEBOUNCE_MS, openGpioLine, realGpioClock, toActive, toLevel, type GpioClock } from './line';
export { Debouncer } from './debounce';
export { simGpioBackend, SimGpioChip, type SimLineChange, type SimLineRef } from './sim';
export {
  MAX_BRIDGE_FILE_BYTES,
  parseGpioInputs,
  readGpioOutputsFile,
  startGpioFileBridge,
  writeGpioInputsFile,
  type GpioFileBridge,
  type GpioFileBridgeOptions,
} from './simFileBridge';
export { gpiodCliBackend, type GpiodCliOptions } from './gpiodCli';
export { BoundedLineSplitter, classifyGpiodFailure, parseGpiogetOutput, parseGpiomonLine, type GpiomonEvent } from './gpiodParse';
export { childProcessRunner, MAX_COMMAND_OUTPUT_BYTES, type CommandOutcome, type CommandRunner, type LongCommand } from './runner';
export { loadOnoff, onoffBackend, type OnoffBackendOptions, type OnoffGpio, type OnoffModule } from './onoff';
export { findSysfsChip, realSysfsReader, sysfsGpioNumber, type SysfsChip, type SysfsReader } from './sysfsNumber';
