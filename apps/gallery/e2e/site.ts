/** Builds the site into `<tmp>/dist` with `<tmp>/public` as its public folder (models under public/models). */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const appDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export async function buildSite(tmp: string): Promise<string> {
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
