/** Everything both entry points (node.ts, browser.ts) export besides loadGenerator; runtime-neutral. */
export * from './types';
export * from './errors';
export { seededLatents, sfc32 } from './random';
export { interpolateLatents } from './interpolate';
export { makeGrid, toRGBA } from './images';
export type { GridImage, GridOptions } from './images';
export { describeModel } from './info';
export { createGenerator, DEFAULT_SESSION_OPTIONS, MAX_VALUES_PER_CALL } from './generator';
export type { OrtLike } from './backend';
