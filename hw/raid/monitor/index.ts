// RAID monitoring: sources (Linux md, Areca CLI, Areca serial API) polled by
// RaidMonitor, which emits state changes, rebuild progress and health.

export * from './types';
export { mdstatSource } from './mdstatSource';
export { arecaCliSource, type ArecaCliSourceOptions, type CommandRunner } from './arecaCliSource';
export { arecaExchange, arecaSerialSource, type ArecaSerialSourceOptions } from './arecaSerialSource';
export { RaidMonitor, type RaidMonitorOptions } from './monitor';
