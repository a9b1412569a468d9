/**
 * The build check that keeps the browser entry free of Node: bundles src/browser.ts for the browser
 * platform and fails on any Node built-in, onnxruntime-node, sharp or the native TF.js binding in it.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const NODE_ONLY = /(^|\/)(node:|sharp|@tensorflow\/tfjs-node|onnxruntime-node|fs|path|url|os|module)(\/|$)/;

describe('the browser entry', () => {
  it('bundles for the browser without Node modules, the file system or native bindings', async () => {
    const entry = fileURLToPath(new URL('./browser.ts', import.meta.url));
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
      conditions: ['@ganforge/source'],
    }).catch((e: { errors?: { text: string }[] }) => {
      throw new Error(
        `bundling src/browser.ts for the browser failed: ${e.errors?.map((x) => x.text).join('; ')}`,
      );
    });
    const inputs = Object.keys(result.metafile.inputs);
    const imports = Object.values(result.metafile.inputs).flatMap((i) => i.imports.map((x) => x.path));
    expect(inputs.filter((p) => NODE_ONLY.test(p.replace(/^.*node_modules\//, '')))).toEqual([]);
    expect(imports.filter((p) => p.startsWith('node:'))).toEqual([]);
    expect(inputs.some((p) => p.endsWith('convert/convert.ts'))).toBe(true);
  });
});
