/**
 * The emoji evaluator: emoji-classifier-v1's features tell real emoji from noise, the training hook
 * scores a 64x64x3 run on an emoji set with it (and no run on other data), and the model card names it.
 */
import seedrandom from 'seedrandom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../kernels/backend';
import { Classifier } from '../classifier';
import { evaluateImages, referenceFeatures, type ReferenceFeatures } from '../evaluate';
import { epochEvaluator, evaluationSource } from '../hook';
import type { SampleSet } from '../sources';
import { ANY_IMAGE_EVALUATOR_NAME } from './any-image';
import { EMOJI_EVALUATOR_NAME, emojiSamples } from './emoji';
import type { ImageSet } from './extractor';

const FAST = { kidSubsets: 4, kidSubsetSize: 300 };

let classifier: Classifier;
let all: ImageSet;
let halfA: SampleSet;
let refB: ReferenceFeatures;

/** Every other image of `s`, starting at `from`: two halves that both span every category. */
function every2(s: ImageSet, from: number): ImageSet {
  const per = s.height * s.width * s.channels;
  const count = Math.floor((s.count - from + 1) / 2);
  const values = new Float32Array(count * per);
  for (let i = 0; i < count; i++)
    values.set(s.values.subarray((from + 2 * i) * per, (from + 2 * i + 1) * per), i * per);
  return { ...s, count, values };
}

beforeAll(async () => {
  await initBackend('wasm');
  classifier = await Classifier.load(EMOJI_EVALUATOR_NAME);
  all = (await emojiSamples('emoji')) as ImageSet;
  halfA = every2(all, 0);
  refB = await referenceFeatures(classifier, every2(all, 1));
});
afterAll(() => classifier?.dispose());

describe('the emoji evaluator (emoji-classifier-v1)', () => {
  it('takes 64x64 RGB, knows the 9 categories, and records its accuracy and the data license', () => {
    expect(classifier.inputShape).toEqual([64, 64, 3]);
    expect(classifier.classNames).toHaveLength(9);
    expect(classifier.info.testAccuracy).toBeGreaterThan(0.5);
    expect(classifier.info.license).toMatch(/Apache-2\.0/);
  });

  it('FD(real half vs other real half) is far below FD(noise vs real)', async () => {
    const real = await evaluateImages(classifier, halfA, refB, FAST);
    const rng = seedrandom.alea('emoji-noise');
    const noise: SampleSet = { ...halfA, values: halfA.values.map(() => rng() * 2 - 1) };
    const fake = await evaluateImages(classifier, noise, refB, FAST);
    expect(real.evaluator).toBe(EMOJI_EVALUATOR_NAME);
    expect(real.fd).toBeGreaterThan(0);
    expect(fake.fd).toBeGreaterThan(20 * real.fd);
    // The cubic kernel on these wide-ranging features makes KID noisy (its std near its value on real halves).
    expect(fake.kid).toBeGreaterThan(10 * real.kid);
    expect(real.precision).toBeGreaterThan(0.6);
    expect(real.recall).toBeGreaterThan(0.6);
    expect(fake.recall).toBeLessThan(0.05);
    expect(real.classesPresent).toBe(9);
    expect(real.classNames).toContain('Flags');
  });

  it('the hook scores a 64x64x3 run on an emoji set, not one on other data; the card names the evaluator', async () => {
    const g = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [8], units: 64 * 64 * 3, activation: 'tanh' }),
        tf.layers.reshape({ targetShape: [64, 64, 3] }),
      ],
    });
    const ctx = (dataset: string) => ({
      epoch: 1,
      runDir: '/nonexistent',
      generator: g,
      config: { latentDim: 8, seed: 1, dataset },
    });
    const scored = await epochEvaluator({ every: 1, epochs: 1, samples: 200 })(ctx('emoji'));
    expect(scored).toBeDefined();
    expect(scored!['eval.fd']).toBeGreaterThan(10);
    expect(scored!['eval.samples']).toBe(200);
    expect(scored!['eval.classesPresent']).toBeGreaterThanOrEqual(1);
    // A run on other data is scored by the default evaluator against its own images (here none).
    await expect(epochEvaluator({ every: 1, epochs: 1, samples: 200 })(ctx('/some/folder'))).rejects.toThrow(
      "the run's dataset /some/folder is not there",
    );
    g.dispose();

    expect(evaluationSource(1, scored!, 'emoji')).toMatchObject({
      evaluator: 'emoji-classifier-v1',
      reference: expect.stringMatching(/^emoji \(Noto Emoji/),
    });
    expect(evaluationSource(1, scored!, 'fashion-mnist-test')?.evaluator).toBe('fmnist-classifier-v1');
    expect(evaluationSource(1, scored!, 'emoji', [64, 64, 3])?.evaluator).toBe('emoji-classifier-v1');
    expect(evaluationSource(1, scored!, 'emoji', [80, 80, 3])?.evaluator).toBe(ANY_IMAGE_EVALUATOR_NAME);
    expect(evaluationSource(1, scored!, 'mine', [28, 28, 1])?.evaluator).toBe('fmnist-classifier-v1');
  });
});
