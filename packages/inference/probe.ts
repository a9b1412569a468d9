import * as ort from 'onnxruntime-node';
import { loadGenerator, seededLatents } from './src/node';
import { toPixels } from './src/images';
import { spawnSync } from 'node:child_process';
const onnx = '/tmp/dc28.onnx';
const sdk = await loadGenerator(onnx, { sessionOptions: { intraOpNumThreads: 2 } });
const bare = await ort.InferenceSession.create(onnx, { intraOpNumThreads: 2 });
for (const batch of [1, 64]) {
  const z = new ort.Tensor('float32', seededLatents(1, batch, 100), [batch, 100]);
  let tS = 0, tO = 0, tL = 0, tP = 0;
  const N = batch === 1 ? 2000 : 150;
  for (let i = 0; i < N; i++) {
    let t = performance.now(); await sdk.sample({ count: batch, seed: i }); tS += performance.now() - t;
    t = performance.now(); await bare.run({ z }); tO += performance.now() - t;
    t = performance.now(); const l = seededLatents(i, batch, 100); tL += performance.now() - t;
    const raw = new Float32Array(batch * 784);
    t = performance.now(); toPixels(raw, batch, sdk.info.image!, [-1, 1]); tP += performance.now() - t;
  }
  console.log(batch, 'sdk', (tS / N).toFixed(3), 'ort', (tO / N).toFixed(3), 'ratio', (tO / tS).toFixed(3), 'latents', (tL / N).toFixed(3), 'pixels', (tP / N).toFixed(3));
}
