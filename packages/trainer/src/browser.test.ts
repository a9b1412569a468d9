/**
 * The build check that keeps the browser entry free of Node: bundles src/browser.ts for the browser
 * platform and fails on any Node built-in, sharp, the native TF.js binding or onnxruntime-node in it.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { browserBundle } from '../../../tools/browser-bundle.mjs';

describe('the browser entry', () => {
  it('bundles for the browser without Node modules, sharp, the file system or native bindings', async () => {
    const bundle = await browserBundle(fileURLToPath(new URL('./browser.ts', import.meta.url)));
    expect(bundle.nodeOnly).toEqual([]);
    expect(bundle.nodeImports).toEqual([]);
    // The bundle holds the step and the models, not only types.
    expect(bundle.inputs.some((p) => p.endsWith('engine/tfjs-step.ts'))).toBe(true);
    expect(bundle.inputs.some((p) => p.endsWith('data/points2d.ts'))).toBe(true);
    // The compiled step, with the engine the Node trainer runs (its runtime is the caller's).
    expect(bundle.inputs.some((p) => p.endsWith('engine/onnx/engine.ts'))).toBe(true);
    expect(bundle.inputs.some((p) => p.endsWith('engine/onnx/step.ts'))).toBe(true);
    expect(bundle.inputs.some((p) => /onnxruntime-(web|common)/.test(p))).toBe(false);
  });
});
