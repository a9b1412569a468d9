/**
 * Vite's own command line (`build`, `dev`, `preview` and their flags), run under tsx.
 *
 * vite.config.ts imports the SDK's Vite plugin by package name. Inside the workspace that name resolves
 * to the plugin's TypeScript source whenever the SDK has not been built yet (packages/inference/dist
 * absent, as in a fresh clone), and plain Node cannot load a `.ts` file: `vite build` then failed with
 * ERR_UNKNOWN_FILE_EXTENSION on one machine and passed on another that had built the SDK before. Under
 * tsx the config loads either way, so the gallery's scripts no longer depend on what was built first.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const vitePackage = createRequire(import.meta.url).resolve('vite/package.json');
await import(pathToFileURL(join(dirname(vitePackage), 'bin', 'vite.js')).href);
