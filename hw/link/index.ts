// Serial links: one SerialLink = byte stream (a ByteTransport) + line settings
// + modem lines, over serialport, TCP (ser2net) or a fault-capable fake, and a
// ReconnectingLink that survives unplugs. See README.md.

export {
  DEFAULT_LINE_SETTINGS,
  DEFAULT_MAX_EARLY_BYTES,
  LinkOpenError,
  linkError,
  type DataBits,
  type LineControl,
  type LineSettings,
  type LinkError,
  type LinkErrorKind,
  type LinkFactory,
  type LinkOpenErrorKind,
  type LinkResult,
  type LinkStats,
  type ModemLines,
  type ModemStatus,
  type Parity,
  type SerialLink,
  type StopBits,
} from './types';
export { checkLineSettings, fixedLineControl, formatLineSettings, MAX_BAUD_RATE } from './lineSettings';
export { CloseNotifier, DataFanout } from './fanout';
export { checkBreakMs, MAX_BREAK_MS, noModemLines, PortModemLines, type ModemPort } from './modemLines';
export { gpioBacked, type GpioModemWiring } from './gpioModem';
export {
  classifyOpenError,
  openSerialPortLink,
  serialPortLink,
  type SerialPortConstructor,
  type SerialPortLike,
  type SerialPortLinkOptions,
  type SerialPortOpenSettings,
} from './serialLink';
export { openTcpLink, tcpLink, type TcpLinkOptions } from './tcpLink';
export { FakeLink, FakeLinkFactory, FakeModemLines, type FakeClock, type FakeLinkOptions, type ModemChange } from './fakeLink';
export { backoffDelayMs, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';
export { reconnectingLink, ReconnectingLink, type LinkState, type ReconnectingLinkOptions } from './reconnecting';
export { formatLinkUrl, MAX_LINK_URL_CHARS, parseLinkUrl, type LinkUrl } from './linkUrl';
export { linkFactoryFromUrl, type LinkFactoryOptions } from './factory';
