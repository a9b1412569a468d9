/**
 * `@ganforge/inference/testing`: helpers for testing a browser app that uses the SDK, in Node (not part of
 * the SDK's main entries): a static server for the built app and headless Chromium. Needs
 * `playwright-core` (an optional peer dependency) for `launchChromium`.
 */
export { serveStatic, DEFAULT_CONTENT_TYPES } from './static-server';
export type { ServeOptions, StaticServer } from './static-server';
export { launchChromium, CHROMIUM_ARGS, CHROMIUM_PATH, WEBGPU_SOFTWARE_ARGS } from './chromium';
export type { ChromiumOptions } from './chromium';
