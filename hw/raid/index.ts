// RAID status sources: Linux md (/proc/mdstat), Areca CLI tables, Areca serial API.

export * from './types';
export * from './mdstat';
export { readMdstat, readBounded, MDSTAT_PATH, MDSTAT_READ_TIMEOUT_MS } from './mdstatReader';
export type { BoundedFileReader, MdstatReadError, MdstatReadErrorCode, MdstatReadResult, MdstatReaderOptions } from './mdstatReader';
export * from './arecaCli';
export * as arecaSerial from './arecaSerial';
