export * from './proto';
export * from './metadata';
export * from './graph';
