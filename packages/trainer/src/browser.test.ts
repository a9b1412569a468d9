/**
 * The build check that keeps the browser entry free of Node: bundles src/browser.ts for the browser
 * platform and fails on any Node built-in, sharp, the native TF.js binding or onnxruntime-node in it.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

/** Inputs a browser bundle must not contain, and why a reader would care. */
const NODE_ONLY =
  /(^|\/)(node:|sharp|@tensorflow\/tfjs-node|onnxruntime-node|fs|path|url|os|module|child_process)(\/|$)/;

describe('the browser entry', () => {
  it('bundles for the browser without Node modules, sharp, the file system or native bindings', async () => {
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
    // The bundle holds the step and the models, not only types.
    expect(inputs.some((p) => p.endsWith('engine/tfjs-step.ts'))).toBe(true);
    expect(inputs.some((p) => p.endsWith('data/points2d.ts'))).toBe(true);
  });
});
