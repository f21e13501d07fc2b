// Node health: slow readings through systeminformation (never overlapping,
// timed), fast NIC link state straight from sysfs, thresholds → the core's
// health events.

export * from './types';
export * from './thresholds';
export { readSmallFile, SMALL_FILE_MAX_BYTES, type SmallFileReader, type SmallRead } from './readSmall';
export { SlowHealthPoller, type ProbeTiming, type SlowHealthPollerOptions, type SlowProbe } from './slowPoller';
export { loadSystemInformation, PSEUDO_FS_TYPES, systemInformationProbes, type SiProbeOptions, type SystemInfoLike } from './siProbes';
export { CarrierWatcher, NET_SYSFS_ROOT, readLinkState, type CarrierPollStats, type CarrierWatcherOptions, type LinkState } from './carrier';
