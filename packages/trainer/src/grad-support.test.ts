import { describe, expect, it } from 'vitest';
import { initBackend, tf } from './backend';
import { ensureTrainingSupport } from './grad-support';

describe('training support on the wasm backend', () => {
  it('sums segments (the Embedding gradient) like the reference backend, and differentiates Greater as zero', async () => {
    const backend = await initBackend('wasm');
    expect(backend).toBe('wasm');
    ensureTrainingSupport(tf, backend);
    const x = tf.tensor2d([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const out = tf.unsortedSegmentSum(x, tf.tensor1d([2, 0, 2], 'int32'), 4);
    expect(Array.from(out.dataSync())).toEqual([3, 4, 0, 0, 6, 8, 0, 0]);
    const emb = tf.variable(
      tf.tensor2d([
        [1, 1],
        [2, 2],
        [3, 3],
      ]),
    );
    const g = tf.variableGrads(() => tf.sum(tf.gather(emb, tf.tensor1d([1, 1, 2], 'int32'))), [emb]);
    expect(Array.from(Object.values(g.grads)[0]!.dataSync())).toEqual([0, 0, 2, 2, 1, 1]);
    // d/dx of the leaky ReLU's gradient: needs Greater's gradient (zero); 0.2·x for x < 0.
    const second = tf.grad((v: tf.Tensor) =>
      tf.sum(tf.grad((u: tf.Tensor) => tf.sum(tf.square(tf.leakyRelu(u, 0.2))))(v)),
    );
    expect(Array.from(second(tf.tensor1d([-1, 2])).dataSync()).map((n) => +n.toFixed(5))).toEqual([0.08, 2]);
  });
});
