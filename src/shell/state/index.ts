export { StateStore, MAX_STATE_FILE_BYTES, DEFAULT_JSONL_READ_LIMIT } from './store';
export type { Validator } from './store';
export { StateFileError } from './durableFs';
export { computeNextIncarnation, validateIncarnationRecord, MAX_INCARNATION } from './incarnation';
export type { IncarnationRecord } from './incarnation';
export { MAX_JSONL_READ_BYTES } from './jsonl';
