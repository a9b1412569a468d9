/**
 * Builds the site into `<tmp>/dist` with `<tmp>/public` as its public folder (models under public/models).
 *
 * The build runs in its own tsx process (`tsx e2e/site.ts <tmp>`), as scripts/vite-cli.ts runs Vite:
 * inside a test worker Node has the workspace's "@ganforge/source" condition but no TypeScript loader,
 * so vite.config.ts's import of the SDK's Vite plugin resolved to its TypeScript source, which Node 20
 * cannot load (ERR_UNKNOWN_FILE_EXTENSION), and every browser test failed before it started. Under tsx,
 * with the condition (.npmrc's node-options), the sources load.
 */
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const appDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const tsx = join(appDir, '../../node_modules/.bin/tsx');

async function buildHere(tmp: string): Promise<string> {
  const { build } = await import('vite');
  const outDir = join(tmp, 'dist');
  await build({
    root: appDir,
    configFile: join(appDir, 'vite.config.ts'),
    publicDir: join(tmp, 'public'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}

export function buildSite(tmp: string): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(tsx, [fileURLToPath(import.meta.url), tmp], {
      cwd: appDir,
      // The workspace's sources, as npm runs scripts (.npmrc), whatever the test worker was given.
      env: { ...process.env, NODE_OPTIONS: '--conditions=@ganforge/source' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', fail);
    child.on('exit', (code) =>
      code === 0 ? done(join(tmp, 'dist')) : fail(new Error(`building the site failed (${code}):\n${out}`)),
    );
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const tmp = process.argv[2];
  if (!tmp) throw new Error('usage: tsx e2e/site.ts <folder with public/>');
  await buildHere(tmp);
}
