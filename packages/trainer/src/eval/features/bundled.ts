/**
 * The evaluators GANForge ships: a committed classifier (models/<name>/) with the reference images
 * its figures are measured against, and the runs it scores. The training hook, `eval` and the model
 * card pick one by the samples' shape and the run's dataset.
 */
import type { SampleSet } from '../sources';

export interface BundledEvaluator {
  /** The classifier's folder under models/. */
  evaluator: string;
  /** Height, width and channels of the samples it scores. */
  inputShape: readonly [number, number, number];
  /** Classes of its classifier. */
  classes: number;
  /** How the training command's last lines name it and its reference. */
  describe(dataset?: string): { features: string; reference: string };
  /** Datasets whose runs it scores; undefined: any run whose samples have its shape. */
  datasets?: readonly string[];
  /** The reference as the model card names it. */
  referenceName(dataset?: string): string;
  /** Up to `limit` reference images, NHWC in [-1, 1] (of `dataset` where it has several). */
  reference(dataset?: string, limit?: number): Promise<SampleSet>;
}

const sameShape = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * The evaluator for samples of `shape` from a run on `dataset`: one that lists the dataset, else one
 * for any data of that shape. With no dataset (an ONNX generator, an IDX file), the shape decides.
 */
export function pickEvaluator(
  evaluators: readonly BundledEvaluator[],
  shape: readonly number[],
  dataset?: string,
): BundledEvaluator | undefined {
  const fits = evaluators.filter((e) => sameShape(e.inputShape, shape));
  if (dataset === undefined) return fits[0];
  return fits.find((e) => e.datasets?.includes(dataset)) ?? fits.find((e) => e.datasets === undefined);
}
