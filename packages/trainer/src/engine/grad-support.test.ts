import { describe, expect, it } from 'vitest';
import { initBackend, tf } from '../kernels/backend';
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

describe('training support on the wasm backend: Tile', () => {
  it('differentiates Tile as the sum over the copies (the R1 of a BatchNorm critic, twice differentiated)', async () => {
    const backend = await initBackend('wasm');
    ensureTrainingSupport(tf, backend);
    const x = tf.tensor4d([1, 2, 3], [1, 1, 1, 3]);
    const w = tf.randomNormal([4, 3, 5, 3], 0, 1, 'float32', 3);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.tile(v, [4, 3, 5, 1]), w)))(x);
    const want = tf.sum(w, [0, 1, 2], true);
    expect(Array.from(g.dataSync()).map((n) => +n.toFixed(4))).toEqual(
      Array.from(want.dataSync()).map((n) => +n.toFixed(4)),
    );
    // A batch of images and BatchNorm in training mode: R1's second-order pass runs.
    const bn = tf.layers.batchNormalization({ inputShape: [6, 6, 2] });
    const model = tf.sequential({ layers: [bn, tf.layers.flatten(), tf.layers.dense({ units: 1 })] });
    const img = tf.randomNormal([8, 6, 6, 2], 0, 1, 'float32', 4);
    const vars = model.trainableWeights.map((v) => v.read() as tf.Variable);
    const r1 = tf.variableGrads(() => {
      const d = tf.grad((u: tf.Tensor) => tf.sum(model.apply(u, { training: true }) as tf.Tensor))(img);
      return tf.sum(tf.square(d)) as tf.Scalar;
    }, vars);
    expect(Object.values(r1.grads).every((t) => Array.from(t.dataSync()).every(Number.isFinite))).toBe(true);
  });
});

describe('training support on the cpu backend', () => {
  it('differentiates UpSampling2D as the sum over the copies of each pixel, for every example of a batch', async () => {
    await tf.setBackend('cpu');
    ensureTrainingSupport(tf, 'cpu');
    const x = tf.randomNormal([3, 4, 4, 2], 0, 1, 'float32', 1);
    const w = tf.randomNormal([3, 8, 12, 2], 0, 1, 'float32', 2);
    const up = tf.layers.upSampling2d({ size: [2, 3] });
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(up.apply(t) as tf.Tensor, w)))(x);
    // By hand: output pixel (i, j) copies input pixel (floor(i / 2), floor(j / 3)).
    const wv = w.dataSync();
    const want = new Float32Array(3 * 4 * 4 * 2);
    for (let n = 0; n < 3; n++)
      for (let i = 0; i < 8; i++)
        for (let j = 0; j < 12; j++)
          for (let c = 0; c < 2; c++)
            want[((n * 4 + (i >> 1)) * 4 + Math.floor(j / 3)) * 2 + c]! +=
              wv[((n * 8 + i) * 12 + j) * 2 + c]!;
    const got = g.dataSync();
    for (let k = 0; k < want.length; k++) expect(got[k]).toBeCloseTo(want[k]!, 4);
  });
});
