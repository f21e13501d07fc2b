export * from './types';
export * from './topics';
export * from './messages';
