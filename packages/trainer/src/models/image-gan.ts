/**
 * The inputs and heads the image GANs (mlp, dcgan64) share: z and the image, and for a conditional
 * model the class label of each (an int input [N, 1], embedded), joined to G's input and shown to D
 * either concatenated to its input or by projection (Miyato & Koyama 2018).
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { TrainConfig } from '../config/config';
import { ConfigError } from '../config/errors';
import { discriminatorOutputs, type Initializer } from './common';
import type { GanModels, ModelDataSpec } from './types';

type Sym = tfTypes.SymbolicTensor;

export interface ImageGan {
  /** The image shape. */
  h: number;
  w: number;
  c: number;
  /** D's input image. */
  image: Sym;
  /** G's input: z, joined with the embedding of its label for a conditional G. */
  gInput: Sym;
  /** D's label input, when D is conditioned by concatenation (its builder joins it to the input). */
  concatLabel?: Sym;
  /** `apply` for one layer. */
  apply(layer: tfTypes.layers.Layer, x: Sym | Sym[]): Sym;
  /** The label embedded into `units` values per example, N(0, stddev). */
  embed(label: Sym, units: number, stddev?: number): Sym;
  /** D's output from its last features (plus the projection term of a projection discriminator). */
  dHead(features: Sym, kernelInitializer: Initializer, biasInitializer: Initializer | 'zeros'): Sym;
  /** The two models from G's output and D's. */
  models(gOut: Sym, dOut: Sym): GanModels;
}

/** `init` is the builder's seeded initialiser: the label embeddings take their seeds from it in turn. */
export function imageGan(
  tf: typeof tfTypes,
  config: TrainConfig,
  data: ModelDataSpec,
  init: (mean?: number, std?: number) => Initializer,
): ImageGan {
  const [h, w, c] = data.shape as [number, number, number];
  const classes = config.conditional ? data.numClasses : undefined;
  if (config.conditional && !classes) {
    throw new ConfigError(
      'a conditional model needs class labels: pass --labels=<IDX label file> or a folder with class subfolders',
    );
  }
  const apply = (layer: tfTypes.layers.Layer, x: Sym | Sym[]) => layer.apply(x) as Sym;
  // Conditional models take the class as a second int input [N, 1], embedded (exported as `label`).
  const zIn = tf.input({ shape: [config.latentDim], name: 'z' });
  const gLabel = classes ? tf.input({ shape: [1], dtype: 'int32', name: 'label' }) : undefined;
  const image = tf.input({ shape: [h, w, c], name: 'image' });
  const dLabel = classes ? tf.input({ shape: [1], dtype: 'int32', name: 'label_d' }) : undefined;
  // N(0, 1) by default, as in PyTorch: Keras' ±0.05 leaves the label too faint next to z and the pixels.
  const embed = (label: Sym, units: number, stddev = 1) =>
    apply(
      tf.layers.flatten(),
      apply(
        tf.layers.embedding({
          inputDim: classes!,
          outputDim: units,
          embeddingsInitializer: init(0, stddev),
        }),
        label,
      ),
    );
  const projection = config.conditioning === 'projection';
  const dHead: ImageGan['dHead'] = (features, kernelInitializer, biasInitializer) => {
    const units = discriminatorOutputs(config);
    const head = apply(tf.layers.dense({ units, kernelInitializer, biasInitializer }), features);
    if (!dLabel || !projection) return head;
    const width = features.shape[features.shape.length - 1]!;
    // Small, like the head's weights: the inner product sums over every feature.
    const classEmbedding = embed(dLabel, width, 0.02);
    const projected = apply(tf.layers.dot({ axes: 1 }), [features, classEmbedding]);
    return apply(tf.layers.add(), [head, projected]);
  };
  const gInput = gLabel ? apply(tf.layers.concatenate(), [zIn, embed(gLabel, config.embedDim)]) : zIn;
  return {
    h,
    w,
    c,
    image,
    gInput,
    ...(dLabel && !projection ? { concatLabel: dLabel } : {}),
    apply,
    embed,
    dHead,
    models: (gOut, dOut) => ({
      generator: tf.model({ inputs: gLabel ? [zIn, gLabel] : zIn, outputs: gOut, name: 'generator' }),
      discriminator: tf.model({
        inputs: dLabel ? [image, dLabel] : image,
        outputs: dOut,
        name: 'discriminator',
      }),
    }),
  };
}
