export { createLogger } from './logger';
export type { Logger, LoggerOptions, LogFields, LogFormat } from './logger';
export { LOG_LEVELS, formatJsonLine, formatPrettyLine } from './format';
export type { LogLevel, LogRecord } from './format';
export type { LogStream } from './sink';
export { RateLimiter, MAX_RATE_KEYS } from './rateLimit';
export { toJsonSafe } from './safeJson';
