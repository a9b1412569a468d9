/** The Fashion-MNIST evaluator: fmnist-classifier-v1 against the bundled 10k test split. */
import { DEFAULT_EVALUATOR } from '../classifier';
import { DEFAULT_REFERENCE, readIdxSamples } from '../sources';
import type { BundledEvaluator } from './bundled';

export const FASHION_EVALUATOR: BundledEvaluator = {
  evaluator: DEFAULT_EVALUATOR,
  inputShape: [28, 28, 1],
  classes: 10,
  describe: () => ({
    features: 'the bundled Fashion-MNIST classifier',
    reference: 'the bundled test split',
  }),
  // Every 28x28 grayscale run, whatever its data: the figures are in Fashion-MNIST's terms.
  referenceName: () => 'Fashion-MNIST test split (10k, bundled)',
  reference: (_dataset, limit) => Promise.resolve(readIdxSamples(DEFAULT_REFERENCE, limit)),
};
