/** Everything both entry points (node.ts, browser.ts) export besides loadGenerator; runtime-neutral. */
export * from './types';
export * from './errors';
export { seededLatents, sfc32 } from './random';
export { interpolateLatents } from './interpolate';
export { gridSize, makeGrid, toRGBA } from './images';
export type { GridImage, GridOptions, GridSize } from './images';
export { describeModel } from './info';
export { createGenerator, DEFAULT_SEED, DEFAULT_SESSION_OPTIONS, MAX_VALUES_PER_CALL } from './generator';
export { MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE } from './limits';
export type { RuntimeInfo } from './session';
export type { OrtLike, OrtSessionLike, OrtTensorLike } from './backend';
