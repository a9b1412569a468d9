/**
 * The evaluator of any image run no bundled one fits (a folder of photos at 48 px, grayscale 32 px,
 * the emoji set at 80 px, ...): the bundled emoji classifier's third convolution, averaged over the
 * image (128 numbers per image), on samples resized to its 64x64 RGB input (grayscale repeated in
 * the three channels), against the run's own dataset at the run's size and colour.
 *
 * Why that layer: on sets that are not emoji (tinted or grayscale Fashion-MNIST at 48 px, recoloured
 * emoji crops at 32 px, crops of photographs at 64 px) it put blurred, noised and collapsed copies of
 * held-out real images further from the real ones than the classifier's last layer (the emoji
 * evaluator's features) did, and uniform noise furthest; that last layer, trained to tell emoji
 * categories apart, barely moves for blur or noise on such data. The average over positions keeps
 * colour, texture and local shape (each number sees a 17-pixel patch of the 64-pixel input) and drops
 * where things are: the figures cannot tell a scene's layout from a shuffled one, nor fine
 * photographic detail, and they mean nothing outside one dataset.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../../kernels/backend';
import { FileModelIO } from '../../run/model-io';
import { MODELS_DIR } from '../classifier';
import { EvalError } from '../errors';
import { resizeSamples } from '../sources';
import { EMOJI_EVALUATOR_NAME } from './emoji';
import type { FeatureBatch, FeatureExtractor } from './extractor';
import { shapeText } from './extractor';

/** The layer whose activations, averaged over positions, are the features. */
const LAYER = 'conv2d_Conv2D3';
const INPUT = 64;

export const ANY_IMAGE_EVALUATOR_NAME = `${EMOJI_EVALUATOR_NAME}:conv3-mean`;

/** What the figures are in and against, and how far they go, in words (quality lines, card, eval). */
export const ANY_IMAGE_EVALUATOR = {
  evaluator: ANY_IMAGE_EVALUATOR_NAME,
  features: `the bundled emoji classifier's third convolution averaged over the image (${ANY_IMAGE_EVALUATOR_NAME}; samples resized to 64x64 RGB)`,
  /** The reference: the run's own images. */
  reference: (dataset: string) => `the run's own images (${dataset})`,
  /** The reference as the model card names it, with what the figures can tell. */
  referenceName: (dataset: string | undefined, shape?: readonly number[]) =>
    `the run's own images (${dataset ?? 'its dataset'}${shape ? ` at ${shapeText(shape)}` : ''}); ${ANY_IMAGE_READING}`,
};

/** What the figures can and cannot tell. */
export const ANY_IMAGE_READING =
  'the figures rank generators of this data and follow training, and are comparable with neither published FID nor runs on other data; these emoji-trained features see colour, texture and local shape, not layout or photographic detail';

/** Images per pass through the network (each resized first). */
const BATCH = 250;

/**
 * The extractor: takes images of the run's shape (`inputShape`), resizes each batch to 64x64 RGB and
 * averages the layer's activations; features only (the emoji categories mean nothing for other data).
 */
export class PooledConvFeatures implements FeatureExtractor {
  readonly name = ANY_IMAGE_EVALUATOR_NAME;

  private constructor(
    private readonly net: tf.LayersModel,
    readonly inputShape: readonly [number, number, number],
  ) {}

  /** The network cut at the layer, for images of `shape` (height, width, 1 or 3 channels). */
  static async load(shape: readonly [number, number, number]): Promise<PooledConvFeatures> {
    if (shape[2] !== 1 && shape[2] !== 3) {
      throw new EvalError(
        `${shapeText(shape)} images have ${shape[2]} channels: the default evaluator takes grayscale or RGB`,
      );
    }
    const folder = join(MODELS_DIR, EMOJI_EVALUATOR_NAME);
    if (!existsSync(join(folder, 'model.json'))) {
      throw new EvalError(
        `the default evaluator needs ${join(folder, 'model.json')}: retrain it with npx nx run trainer:train-emoji-classifier`,
      );
    }
    const model = await tf.loadLayersModel(new FileModelIO(folder));
    const net = tf.model({
      inputs: model.inputs,
      outputs: model.getLayer(LAYER).output as tf.SymbolicTensor,
    });
    return new PooledConvFeatures(net, shape);
  }

  async features(images: Float32Array, count: number): Promise<FeatureBatch> {
    const [height, width, channels] = this.inputShape;
    const per = height * width * channels;
    const dim = this.net.outputs[0]!.shape.at(-1) as number;
    const features = new Float32Array(count * dim);
    for (let i = 0; i < count; i += BATCH) {
      const m = Math.min(BATCH, count - i);
      const batch = { kind: 'image' as const, count: m, height, width, channels };
      const x = await resizeSamples({ ...batch, values: images.subarray(i * per, (i + m) * per) }, INPUT, 3);
      const pooled = tf.tidy(() =>
        (this.net.predict(tf.tensor4d(x.values, [m, INPUT, INPUT, 3])) as tf.Tensor).mean([1, 2]),
      );
      // Read outside the tidy: tidy walks what it returns, element by element for a typed array.
      features.set(pooled.dataSync(), i * dim);
      pooled.dispose();
    }
    return { features, dim, count };
  }

  dispose(): void {
    this.net.dispose();
  }
}
