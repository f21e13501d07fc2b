export * from './types';
export * from './payload';
export * from './topics';
export * from './session';
export * from './fromModel';
