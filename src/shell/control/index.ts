export { startControlServer } from './server';
export type { ControlHandler, ControlServer, ControlServerOptions } from './server';
export { controlRequest, watchControl, describeSocketError, ControlError, DEFAULT_REQUEST_TIMEOUT_MS } from './client';
export type { ControlErrorKind, RequestOptions, WatchHandle, WatchOptions } from './client';
export * from './protocol';
