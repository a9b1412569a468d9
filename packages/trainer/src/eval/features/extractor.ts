/**
 * What the image figures are computed in: a feature extractor maps images to one vector each (FD, KID
 * and precision/recall use those), and a classifier among them also gives class probabilities (class
 * coverage and the Inception-Score analogue). Implementations: the committed TF.js classifiers
 * (`Classifier`: fmnist-classifier-v1 for 28x28 grayscale, emoji-classifier-v1 for 64x64 RGB) and any
 * ONNX model a user brings (`OnnxFeatures`, features only).
 */
import { EvalError } from '../errors';
import type { SampleSet } from '../sources';

export interface FeatureBatch {
  /** count x dim features, row-major. */
  features: Float32Array;
  dim: number;
  /** count x classes probabilities, row-major: only from a classifier. */
  probs?: Float32Array;
  classes?: number;
  count: number;
}

export interface FeatureExtractor {
  /** Named in every report, e.g. fmnist-classifier-v1. */
  readonly name: string;
  /** Height, width and channels of the images it takes (NHWC, values in [-1, 1]). */
  readonly inputShape: readonly [number, number, number];
  /** The classes of `probs`, when it gives them. */
  readonly classNames?: readonly string[];
  /** Features (and probabilities, for a classifier) of `count` images, NHWC in [-1, 1], row-major. */
  features(images: Float32Array, count: number): Promise<FeatureBatch>;
  dispose(): void | Promise<void>;
}

export type ImageSet = Extract<SampleSet, { kind: 'image' }>;

/** The shape as reports and errors spell it: 28x28x1. */
export const shapeText = (s: readonly number[]): string => s.join('x');

/** Refuses points, and images of another shape than the extractor takes, in one line. */
export function checkImages(extractor: FeatureExtractor, s: SampleSet, what: string): asserts s is ImageSet {
  if (s.kind !== 'image')
    throw new EvalError(`${what} are 2-D points; the ${extractor.name} evaluator needs images`);
  const [h, w, c] = extractor.inputShape;
  if (s.height !== h || s.width !== w || s.channels !== c) {
    const kind = c === 1 ? 'grayscale' : c === 3 ? 'RGB' : `${c} channels`;
    throw new EvalError(
      `${what} are ${shapeText([s.height, s.width, s.channels])} images; evaluator ${extractor.name} takes ${shapeText([h, w, c])} (${kind})`,
    );
  }
}
