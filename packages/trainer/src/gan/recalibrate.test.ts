import { describe, expect, it } from 'vitest';
import { tf } from '../kernels/backend';
import { buildDcgan28 } from '../models/dcgan28';
import { recalibrateBatchNorm } from './regularisers';

describe('recalibrateBatchNorm', () => {
  it("sets the first BatchNorm's moving statistics to the mean of its batch statistics", () => {
    const { generator, discriminator } = buildDcgan28(tf, { latentDim: 8, imageShape: [28, 28, 1], seed: 3 });
    discriminator.dispose();
    const bnIndex = generator.layers.findIndex((l) => l.getClassName() === 'BatchNormalization');
    const bn = generator.layers[bnIndex]!;
    // The first BatchNorm's input does not depend on training mode: the Dense layer before it.
    const upstream = tf.model({ inputs: generator.inputs, outputs: generator.layers[bnIndex - 1]!.output });
    const opts = { latentDim: 8, batchSize: 16, batches: 3, seed: 40 };
    const means: tf.Tensor[] = [];
    const vars: tf.Tensor[] = [];
    for (let k = 1; k <= opts.batches; k++) {
      const z = tf.randomNormal([opts.batchSize, 8], 0, 1, 'float32', opts.seed + k);
      const m = tf.moments(upstream.predict(z) as tf.Tensor, [0]);
      means.push(m.mean);
      vars.push(m.variance);
    }
    const before = bn.getWeights().map((w) => w.dataSync().slice());
    recalibrateBatchNorm(tf, generator, opts);
    const [, , movingMean, movingVar] = bn.getWeights();
    const expectMean = tf.mean(tf.stack(means), 0).dataSync();
    const expectVar = tf.mean(tf.stack(vars), 0).dataSync();
    const close = (a: ArrayLike<number>, b: ArrayLike<number>) =>
      Array.from(a).every((v, i) => Math.abs(v - b[i]!) <= 1e-4 * (1 + Math.abs(b[i]!)));
    expect(close(movingMean!.dataSync(), expectMean)).toBe(true);
    expect(close(movingVar!.dataSync(), expectVar)).toBe(true);
    // The statistics moved (initially zeros and ones); gamma and beta did not.
    expect(close(movingMean!.dataSync(), before[2]!)).toBe(false);
    expect(close(bn.getWeights()[0]!.dataSync(), before[0]!)).toBe(true);
    // The layers' own momentum is back for training.
    expect((bn as unknown as { momentum: number }).momentum).toBe(0.9);
    // Repeatable: a second call gives the same statistics, whatever they were before.
    const again = movingMean!.dataSync().slice();
    recalibrateBatchNorm(tf, generator, opts);
    expect(close(bn.getWeights()[2]!.dataSync(), again)).toBe(true);
    generator.dispose();
  });
});
