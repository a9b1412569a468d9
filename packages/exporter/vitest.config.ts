import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Exports spawn onnxruntime, TF.js and the Python ONNX checker; on a loaded 2-core machine that takes seconds.
// Workspace packages resolve to their TypeScript sources in tests (their "@ganforge/source" export condition).
const source = '@ganforge/source';

export default defineConfig({
  resolve: { conditions: [source, ...defaultClientConditions] },
  ssr: { resolve: { conditions: [source, ...defaultServerConditions] } },
  test: { testTimeout: 60_000, hookTimeout: 60_000 },
});
