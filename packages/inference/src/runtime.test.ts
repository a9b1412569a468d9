/**
 * onnxruntime-node and onnxruntime-web are optional peer dependencies: an app installs the one it uses.
 * Without it the SDK still imports, and loadGenerator says in one line which package to install.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const workspaceRoot = resolve(packageRoot, '../..');

// A module resolution hook that makes one package missing, as in an app that never installed it.
const HIDE = (name: string) =>
  `data:text/javascript,${encodeURIComponent(`
  import { register } from 'node:module';
  register('data:text/javascript,' + encodeURIComponent(\`
    export async function resolve(specifier, context, next) {
      if (specifier === '${name}' || specifier.startsWith('${name}/')) {
        const e = new Error("Cannot find package '${name}' imported from " + context.parentURL);
        e.code = 'ERR_MODULE_NOT_FOUND';
        throw e;
      }
      return next(specifier, context);
    }\`));`)}`;

describe('the runtimes are optional peer dependencies', () => {
  it('package.json lists them as optional peers, not as dependencies', () => {
    const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      peerDependencies: Record<string, string>;
      peerDependenciesMeta: Record<string, { optional?: boolean }>;
    };
    for (const name of ['onnxruntime-node', 'onnxruntime-web']) {
      expect(pkg.dependencies[name], name).toBeUndefined();
      expect(pkg.peerDependencies[name], name).toBe('^1.30.0');
      expect(pkg.peerDependenciesMeta[name], name).toEqual({ optional: true });
    }
    // Their shared types (the session options) come with the SDK.
    expect(pkg.dependencies['onnxruntime-common']).toBe('^1.30.0');
  });

  it('without onnxruntime-node the Node entry imports and loadGenerator names the package', () => {
    const code = `import * as sdk from '@ganforge/inference';
      const r = await sdk.loadGenerator(new Uint8Array([8, 8])).then(() => 'loaded', (e) => e.name + ': ' + e.message);
      console.log(JSON.stringify({ seeded: sdk.seededLatents(1, 1, 2).length, r }));`;
    const r = spawnSync(
      process.execPath,
      [
        '--conditions=@ganforge/source',
        '--import',
        'tsx',
        '--import',
        HIDE('onnxruntime-node'),
        '--input-type=module',
        '-e',
        code,
      ],
      { cwd: workspaceRoot, encoding: 'utf8' },
    );
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      seeded: 2,
      r: 'MissingRuntimeError: onnxruntime-node is not installed: the SDK runs models in Node with it; install it next to @ganforge/inference (npm install onnxruntime-node)',
    });
  }, 30_000);
});
