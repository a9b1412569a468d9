/** D's and G's optimizers, as the trainer makes them (the compiled step writes out the same updates). */
import type * as tfTypes from '@tensorflow/tfjs';
import type { TrainConfig } from '../config/config';

/** Adam (β1, β2) or RMSprop (decay 0.99, no momentum) at `lr`, with PyTorch's epsilon 1e-8 so the reference figures compare like for like. */
export function makeOptimizer(
  tf: typeof tfTypes,
  config: Pick<TrainConfig, 'optimizer' | 'beta1' | 'beta2'>,
  lr: number,
): tfTypes.Optimizer {
  if (config.optimizer === 'rmsprop') return tf.train.rmsprop(lr, 0.99, 0, 1e-8);
  return tf.train.adam(lr, config.beta1, config.beta2, 1e-8);
}
