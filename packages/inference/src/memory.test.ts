/**
 * Memory stays flat over many sample() calls: every call allocates ~1.6 MB of output, so a leak of
 * the outputs, the input tensors or onnxruntime's buffers would add hundreds of MB over 200 calls.
 * (The benchmark reports the same at 1,000 calls.)
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { loadGenerator } from './node';
import { DataType } from './onnx';
import { build, floatTensor, int64Tensor, node, value, weights } from './testing/models';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** [N,16] -> tanh(z @ W) -> [N,3,32,32]: 3,072 values per sample. */
function wideModel(): Uint8Array {
  return build({
    inputs: [value('z', DataType.FLOAT, ['N', 16])],
    output: value('image', DataType.FLOAT, ['N', 3, 32, 32]),
    nodes: [
      node('MatMul', ['z', 'W'], ['h']),
      node('Tanh', ['h'], ['t']),
      node('Reshape', ['t', 'shape'], ['image']),
    ],
    initializers: [
      floatTensor('W', [16, 3072], weights(21, 16 * 3072)),
      int64Tensor('shape', [-1, 3, 32, 32]),
    ],
  });
}

/** Memory after a macrotask turn (so finished calls' results are unreachable) and two full GCs. */
async function usage(): Promise<{ rss: number; external: number }> {
  await new Promise((resolve) => setTimeout(resolve, 20));
  gc();
  gc();
  const m = process.memoryUsage();
  return { rss: m.rss, external: m.external + m.arrayBuffers };
}

describe('memory', () => {
  it('200 sample() calls (sequential and concurrent) keep RSS and external memory flat', async () => {
    const g = await loadGenerator(wideModel());
    const call = (i: number) => g.sample({ count: 64, seed: i, raw: i % 2 === 0 });
    // Half sequential, half 10 at a time; a function of its own so no result outlives it.
    const workload = async (calls: number): Promise<number> => {
      let checksum = 0;
      for (let i = 0; i < calls / 2; i++) {
        const r = await call(i);
        if (r.kind === 'image') checksum += r.pixels[i]!;
      }
      for (let k = 0; k < calls / 20; k++) {
        const rs = await Promise.all(Array.from({ length: 10 }, (_, j) => call(1000 + k * 10 + j)));
        checksum += rs.length;
      }
      return checksum;
    };
    await workload(40); // warm up onnxruntime's arena and V8's heap
    const before = await usage();
    const checksum = await workload(200);
    const after = await usage();
    await g.dispose();
    expect(checksum).toBeGreaterThan(100);
    const mb = (n: number) => n / 2 ** 20;
    // 200 calls x 64 samples x 3,072 floats x 4 bytes x 2-3 arrays = 300-470 MB allocated in total.
    expect(mb(after.external - before.external)).toBeLessThan(16);
    expect(mb(after.rss - before.rss)).toBeLessThan(48);
  }, 60_000);
});
