/**
 * The build check that keeps the browser entry free of Node: bundles src/browser.ts for the browser
 * platform and fails on any Node built-in, onnxruntime-node, sharp or the native TF.js binding in it.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { browserBundle } from '../../../tools/browser-bundle.mjs';

describe('the browser entry', () => {
  it('bundles for the browser without Node modules, the file system or native bindings', async () => {
    const bundle = await browserBundle(fileURLToPath(new URL('./browser.ts', import.meta.url)));
    expect(bundle.nodeOnly).toEqual([]);
    expect(bundle.nodeImports).toEqual([]);
    expect(bundle.inputs.some((p) => p.endsWith('convert/convert.ts'))).toBe(true);
  });
});
