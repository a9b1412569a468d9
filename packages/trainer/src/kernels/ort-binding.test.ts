import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { checkBinding, CHECKED_ORT_VERSIONS, loadOrtBinding } from './ort-binding';

const require = createRequire(import.meta.url);
const installed = (require('onnxruntime-node/package.json') as { version: string }).version;
const realBinding: unknown = require('onnxruntime-node/dist/binding.js');

describe("onnxruntime-node's internal binding, behind one adapter", () => {
  it('loads the installed onnxruntime-node (a checked version) and runs a session', () => {
    expect(CHECKED_ORT_VERSIONS).toContain(installed.split('.').slice(0, 2).join('.'));
    const load = loadOrtBinding();
    expect(load.ok, load.ok ? '' : load.why).toBe(true);
    if (load.ok) expect(typeof new load.runtime.binding.InferenceSession().run).toBe('function');
  });

  it('refuses a version it was not checked with, saying what runs instead and what to install', () => {
    expect(checkBinding('1.31.0', realBinding)).toBe(
      `onnxruntime-node 1.31.0 is not a version the native convolutions were checked with (1.30.x): TF.js's wasm kernels run the convolutions instead (slower); install onnxruntime-node@~1.30 to use them`,
    );
    expect(checkBinding('2.0.0-dev', realBinding)).toMatch(/^onnxruntime-node 2.0.0-dev is not a version/);
  });

  it('refuses a binding of another shape', () => {
    expect(checkBinding(installed, realBinding)).toBeUndefined();
    const noRun = {
      initOrt: () => {},
      binding: {
        InferenceSession: class {
          loadModel() {}
        },
      },
    };
    expect(checkBinding(installed, noRun)).toMatch(/internal binding does not have the session/);
    expect(checkBinding(installed, {})).toMatch(/internal binding does not have the session/);
  });
});
