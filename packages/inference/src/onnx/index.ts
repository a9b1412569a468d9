export * from './proto';
export * from './metadata';
