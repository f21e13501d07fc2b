// The simulated power switch: server, client, in-memory backend.
export { startSimPowerServer, type SimPowerServer, type SimPowerServerOptions, type StartSimPowerResult } from './server';
export { simPowerRequest, type SimPowerResponse } from './client';
export { createMemoryPowerBackend, type MemoryPowerBackend, type MemoryPowerBackendOptions } from './memoryBackend';
export { MAX_LINE_BYTES, isValidPlugName, parseCommandLine, parseReply, LineReader } from './protocol';
export { PLUG_FAULTS, type PlugFault, type PowerBackend } from './types';
