import { defineConfig } from 'vitest/config';

// Exports spawn onnxruntime, TF.js and the Python ONNX checker; on a loaded 2-core machine that takes seconds.
export default defineConfig({ test: { testTimeout: 60_000, hookTimeout: 60_000 } });
