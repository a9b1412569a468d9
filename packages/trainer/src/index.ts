export * from './run/schema';
export { RunDir, RunDirError, writeFileAtomic, writeJsonAtomic } from './run/io';
export { initBackend, tf, type BackendName } from './backend';
