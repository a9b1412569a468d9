/** lossReduction: a summed loss is the mean one times the batch (parity.test.ts holds the graph to TF.js). */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { LOSS_NAMES, objective } from './losses';

describe('lossReduction', () => {
  it.each(LOSS_NAMES)('sums %s over the batch', (loss) => {
    const real = tf.tensor2d([[0.3], [-1.2], [2], [0.1]]);
    const fake = tf.tensor2d([[-0.4], [0.9], [-2.5], [1.1]]);
    const settings = { loss, discriminatorHead: 'sigmoid' as const, labelSmoothing: 0.1 };
    const mean = objective(tf, settings);
    const sum = objective(tf, { ...settings, lossReduction: 'sum' });
    expect(sum.d(real, fake).dataSync()[0]).toBeCloseTo(4 * mean.d(real, fake).dataSync()[0]!, 5);
    expect(sum.g(fake).dataSync()[0]).toBeCloseTo(4 * mean.g(fake).dataSync()[0]!, 5);
    tf.dispose([real, fake]);
  });
});
