/** The `export-demo` target: exports the trainer's three demo runs (nx run trainer:train-demo) for the gallery. */
import { resolve } from 'node:path';
import { exportGenerator } from '../src/export';

const runs = resolve(import.meta.dirname, '../../../runs');
for (const name of ['demo-gaussian2d', 'demo-fashion', 'demo-emoji']) {
  const r = await exportGenerator({ run: resolve(runs, name) });
  console.log(
    `${name}: ${r.file} (${r.bytes} bytes, max |tfjs - onnxruntime| ${r.maxAbsDiff?.toExponential(2)})`,
  );
}
