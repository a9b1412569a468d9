/**
 * The emoji evaluator: emoji-classifier-v1 (a small CNN trained on the 9 categories of Noto Emoji,
 * models/emoji-classifier-v1/info.json) on 64x64 RGB samples, against the run's own emoji set.
 */
import { batchValues } from '../../data/datasets';
import { EMOJI_DATASETS, isEmojiDataset, loadEmoji } from '../../data/emoji';
import { DatasetError } from '../../data/idx';
import { EvalError } from '../errors';
import type { SampleSet } from '../sources';
import type { BundledEvaluator } from './bundled';

export const EMOJI_EVALUATOR_NAME = 'emoji-classifier-v1';

/** Up to `limit` images of an emoji set (evenly spread, so every category is in), as [-1, 1] floats. */
export async function emojiSamples(dataset = 'emoji', limit?: number): Promise<SampleSet> {
  let data;
  try {
    data = await loadEmoji({ dataset, limit });
  } catch (e) {
    if (e instanceof DatasetError) throw new EvalError(e.message);
    throw e;
  }
  const [height, width, channels] = data.imageShape!;
  const values = batchValues(
    data,
    Int32Array.from({ length: data.count }, (_, i) => i),
  );
  return { kind: 'image', count: data.count, height, width, channels, values };
}

export const EMOJI_EVALUATOR: BundledEvaluator = {
  evaluator: EMOJI_EVALUATOR_NAME,
  inputShape: [64, 64, 3],
  classes: 9,
  describe: (dataset = 'emoji') => ({
    features: `the bundled emoji classifier (${EMOJI_EVALUATOR_NAME})`,
    reference: `the ${dataset} set`,
  }),
  datasets: Object.keys(EMOJI_DATASETS),
  referenceName: (dataset = 'emoji') => `${dataset} (Noto Emoji 64x64, emoji-datasource-google)`,
  // A run's own set (emoji or emoji-all); `emoji` for samples from elsewhere.
  reference: (dataset, limit) => emojiSamples(dataset && isEmojiDataset(dataset) ? dataset : 'emoji', limit),
};
