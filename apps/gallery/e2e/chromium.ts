/** Headless Chromium for the gallery's tests and benches: the SDK's (`@ganforge/inference/testing`). */
export { CHROMIUM_ARGS, CHROMIUM_PATH, launchChromium } from '@ganforge/inference/testing';
