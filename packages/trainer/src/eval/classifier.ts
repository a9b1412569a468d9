/**
 * The evaluator's domain classifier: a committed TF.js model under packages/trainer/models/<name>/
 * (model.json, weights.bin, info.json). Its penultimate layer gives the features the distances are
 * computed in, its softmax the class histogram and the Inception-Score analogue. Its input shape is
 * the model's own (28x28x1 for fmnist-classifier-v1, 64x64x3 for emoji-classifier-v1).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { tf } from '../kernels/backend';
import { FileModelIO } from '../run/model-io';
import { EvalError } from './errors';
import type { FeatureBatch, FeatureExtractor } from './features/extractor';
import { PACKAGE_DIR } from '../data/package-dir';

export const CLASSIFIER_INPUT = [28, 28, 1] as const;
export const FEATURE_LAYER = 'features';
export const DEFAULT_EVALUATOR = 'fmnist-classifier-v1';
export const MODELS_DIR = join(PACKAGE_DIR, 'models');

export const ClassifierInfoSchema = z.object({
  name: z.string(),
  trainedOn: z.string(),
  trainExamples: z.number().int().positive(),
  testAccuracy: z.number().min(0).max(1),
  trainAccuracy: z.number().min(0).max(1),
  testExamples: z.number().int().positive(),
  featureLayer: z.string(),
  classNames: z.array(z.string()),
  epochs: z.number().int().positive(),
  reproduce: z.string(),
  /** The license terms of the data it was trained on, where they ask to be kept. */
  license: z.string().optional(),
});
export type ClassifierInfo = z.infer<typeof ClassifierInfoSchema>;

export interface ClassifierOutputs {
  /** N x D penultimate features, row-major. */
  features: Float64Array;
  dim: number;
  /** N x K class probabilities, row-major. */
  probs: Float64Array;
  classes: number;
  count: number;
}

export class Classifier implements FeatureExtractor {
  private constructor(
    readonly info: ClassifierInfo,
    private readonly net: tf.LayersModel,
  ) {}

  /** By name (a folder under packages/trainer/models/) or by a path to such a folder. */
  static async load(name = DEFAULT_EVALUATOR, dir = MODELS_DIR): Promise<Classifier> {
    const folder = /[\\/]/.test(name) ? resolve(name) : join(dir, name);
    const infoPath = join(folder, 'info.json');
    if (!existsSync(infoPath)) {
      throw new EvalError(
        `evaluator "${name}" not found (no ${infoPath}); train it with scripts/train-classifier.ts`,
      );
    }
    const info = ClassifierInfoSchema.parse(JSON.parse(readFileSync(infoPath, 'utf8')));
    const model = await tf.loadLayersModel(new FileModelIO(folder));
    const features = model.getLayer(info.featureLayer).output as tf.SymbolicTensor;
    const net = tf.model({ inputs: model.inputs, outputs: [features, model.outputs[0]!] });
    return new Classifier(info, net);
  }

  get name(): string {
    return this.info.name;
  }

  get classNames(): readonly string[] {
    return this.info.classNames;
  }

  /** Height, width and channels of the model's input. */
  get inputShape(): readonly [number, number, number] {
    const [, h, w, c] = this.net.inputs[0]!.shape;
    return [h!, w!, c!];
  }

  /** Runs `count` images in [-1, 1] (row-major, NHWC, of `inputShape`) through the network in batches. */
  run(images: Float32Array, count: number, batch = 1000): ClassifierOutputs {
    const shape = this.inputShape;
    const size = shape[0] * shape[1] * shape[2];
    if (images.length !== count * size) {
      throw new EvalError(
        `expected ${count} images of ${shape.join('x')} (${count * size} values), got ${images.length}`,
      );
    }
    const dim = (this.net.outputs[0]!.shape.at(-1) as number) ?? 0;
    const classes = (this.net.outputs[1]!.shape.at(-1) as number) ?? 0;
    const features = new Float64Array(count * dim);
    const probs = new Float64Array(count * classes);
    for (let i = 0; i < count; i += batch) {
      const m = Math.min(batch, count - i);
      const [ft, pt] = tf.tidy(() => {
        const x = tf.tensor4d(images.subarray(i * size, (i + m) * size), [m, ...shape]);
        return this.net.predict(x) as tf.Tensor[];
      });
      // Read outside the tidy: tidy walks what it returns, element by element for a typed array.
      features.set(ft!.dataSync(), i * dim);
      probs.set(pt!.dataSync(), i * classes);
      tf.dispose([ft!, pt!]);
    }
    return { features, dim, probs, classes, count };
  }

  /** The FeatureExtractor view of `run`: features and probabilities as float32. */
  features(images: Float32Array, count: number): Promise<FeatureBatch> {
    const out = this.run(images, count);
    return Promise.resolve({
      features: Float32Array.from(out.features),
      dim: out.dim,
      probs: Float32Array.from(out.probs),
      classes: out.classes,
      count,
    });
  }

  dispose(): void {
    this.net.dispose();
  }
}
