/**
 * Which features and which reference score a set of image samples: the bundled evaluator for their
 * shape and the run's dataset, else the default one (any-image.ts) against the run's own images, a
 * named classifier (`--evaluator`), or an ONNX feature model the user brings (`--features`), against
 * the evaluator's reference or any images `--ref` names.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { RUN_FILES } from '@ganforge/contracts';
import { BUILTIN_IDX, batchValues, loadDataset } from '../../data/datasets';
import { isEmojiDataset } from '../../data/emoji';
import { DatasetError } from '../../data/idx';
import { Classifier } from '../classifier';
import { EvalError } from '../errors';
import { readIdxSamples, type SampleSet } from '../sources';
import {
  ANY_IMAGE_EVALUATOR,
  ANY_IMAGE_EVALUATOR_NAME,
  ANY_IMAGE_READING,
  PooledConvFeatures,
} from './any-image';
import { pickEvaluator, type BundledEvaluator } from './bundled';
import { EMOJI_EVALUATOR } from './emoji';
import type { FeatureExtractor, ImageSet } from './extractor';
import { shapeText } from './extractor';
import { FASHION_EVALUATOR } from './fashion';
import { OnnxFeatures } from './onnx';

/** Every bundled evaluator, the first fitting one wins. */
export const BUNDLED_EVALUATORS: readonly BundledEvaluator[] = [FASHION_EVALUATOR, EMOJI_EVALUATOR];

/** The bundled evaluator the training hook scores a run with (none: the run gets no image figures). */
export function evaluatorForRun(shape: readonly number[], dataset?: string): BundledEvaluator | undefined {
  return pickEvaluator(BUNDLED_EVALUATORS, shape, dataset);
}

/** The evaluator a run's recorded figures came from, by its dataset (as the model card names it). */
export function evaluatorOfDataset(dataset?: string): BundledEvaluator {
  return (
    BUNDLED_EVALUATORS.find((e) => dataset !== undefined && e.datasets?.includes(dataset)) ??
    FASHION_EVALUATOR
  );
}

/** Whose features and reference a run's image figures are in, in words. */
export interface EvaluatorText {
  evaluator: string;
  /** The features, as the training command's last lines name them. */
  features: string;
  /** The reference, as the training command's last lines name it. */
  reference: string;
  /** The reference as the model card names it (the default evaluator's says what its figures tell). */
  referenceName: string;
  /** Classes of a classifier's coverage figure; none for the default evaluator. */
  classes?: number;
}

/**
 * The evaluator of a run's image figures: the bundled one for its images' shape and its dataset, else
 * the default. Without a shape (an older caller), the dataset decides, as it did before the default.
 */
export function describeEvaluator(dataset?: string, shape?: readonly number[]): EvaluatorText {
  const bundled = shape ? evaluatorForRun(shape, dataset) : evaluatorOfDataset(dataset);
  if (!bundled) {
    const a = ANY_IMAGE_EVALUATOR;
    return {
      evaluator: a.evaluator,
      features: a.features,
      reference: a.reference(dataset ?? 'its dataset'),
      referenceName: a.referenceName(dataset, shape),
    };
  }
  return {
    evaluator: bundled.evaluator,
    ...bundled.describe(dataset),
    referenceName: bundled.referenceName(dataset),
    classes: bundled.classes,
  };
}

/** The `dataset` a run directory was trained on (its config.json), if it says. */
export function runDataset(dir: string): string | undefined {
  const path = join(dir, RUN_FILES.config);
  if (!existsSync(path)) return undefined;
  const dataset = (JSON.parse(readFileSync(path, 'utf8')) as { dataset?: unknown }).dataset;
  return typeof dataset === 'string' ? dataset : undefined;
}

/** A dataset the trainer knows by name (not a path): fashion-mnist-test, emoji, emoji-all. */
export const isDatasetName = (ref: string): boolean => Object.hasOwn(BUILTIN_IDX, ref) || isEmojiDataset(ref);

/** `--features-range lo,hi`: two finite numbers, lo < hi. */
export function parseRange(text: string): [number, number] {
  const parts = text.split(',').map((t) => Number(t.trim()));
  if (parts.length !== 2 || !parts.every(Number.isFinite) || !(parts[0]! < parts[1]!)) {
    throw new InvalidArgumentError(`expected two numbers lo,hi with lo < hi (e.g. 0,1), got "${text}"`);
  }
  return [parts[0]!, parts[1]!];
}

/**
 * Up to `limit` images of `dataset` as a run loads it (`loadDataset`: a bundled name, an IDX file, a
 * folder of images), at the samples' size and colour; `what` names it in errors.
 */
export async function datasetImages(
  dataset: string,
  like: Pick<ImageSet, 'height' | 'channels'>,
  limit?: number,
  what?: string,
): Promise<SampleSet> {
  try {
    const data = await loadDataset({
      dataset,
      imageSize: like.height,
      channels: like.channels === 1 ? 'grayscale' : 'rgb',
      seed: 1,
      ...(limit ? { limit } : {}),
    });
    if (data.kind !== 'image') throw new EvalError(`${what ?? `--ref ${dataset}`} is 2-D points, not images`);
    const [height, width, channels] = data.imageShape!;
    const values = batchValues(
      data,
      Int32Array.from({ length: data.count }, (_, i) => i),
    );
    return { kind: 'image', count: data.count, height, width, channels, values };
  } catch (e) {
    if (e instanceof DatasetError) throw new EvalError(what ? `${what}: ${e.message}` : e.message);
    throw e;
  }
}

/**
 * Reference images from `ref`: an IDX file taken as it is, or anything `--dataset` takes (a bundled
 * name such as emoji, a folder of images), sized and coloured as the samples are.
 */
export async function readReference(ref: string, like: ImageSet): Promise<SampleSet> {
  if (existsSync(ref) && statSync(ref).isFile()) return readIdxSamples(ref);
  return datasetImages(ref, like);
}

/**
 * The default evaluator's reference: up to `limit` images of the run's own dataset, as the run loaded
 * them; a dataset that is not there any more says to pass --ref.
 */
export async function ownReference(
  dataset: string,
  like: Pick<ImageSet, 'height' | 'channels'>,
  limit?: number,
): Promise<SampleSet> {
  if (!isDatasetName(dataset) && !existsSync(resolve(dataset))) {
    throw new EvalError(
      `the run's dataset ${dataset} is not there (the default evaluator compares with the run's own images): pass --ref <images> (a folder, an IDX file or a dataset name)`,
    );
  }
  return datasetImages(dataset, like, limit, `the run's dataset ${dataset}`);
}

export interface ImageEvaluationOptions {
  /** A classifier under models/ (or a path to one), or the default evaluator by its name. */
  evaluator?: string;
  /** An ONNX feature model. */
  features?: string;
  /** Pixel range the ONNX feature model expects. */
  featuresRange?: [number, number];
  /** Reference images (see readReference); default: the evaluator's own. */
  ref?: string;
  /** The run's dataset, when the samples come from a run directory. */
  dataset?: string;
  /** At most this many images of the run's own dataset for the default evaluator (e.g. the sample count). */
  limit?: number;
}

export interface ImageEvaluation {
  extractor: FeatureExtractor;
  reference: SampleSet;
  /** What the default evaluator's figures are in and against and can tell, a line each (none for the others). */
  about?: { features: string; reference: string; reading: string };
}

/** The default evaluator on `samples`, against `--ref` or the run's own dataset (one of them needed). */
async function defaultEvaluation(samples: ImageSet, o: ImageEvaluationOptions): Promise<ImageEvaluation> {
  const shape = [samples.height, samples.width, samples.channels] as const;
  if (o.ref === undefined && o.dataset === undefined) {
    throw new EvalError(
      `no bundled evaluator scores ${shapeText(shape)} samples: pass --ref <images> (a folder, an IDX file or a dataset name) to score them in the default features against those, or --features <model.onnx>`,
    );
  }
  const reference = o.ref
    ? await readReference(o.ref, samples)
    : await ownReference(o.dataset!, samples, o.limit);
  const described = o.ref ? `${o.ref}` : ANY_IMAGE_EVALUATOR.reference(o.dataset!);
  const extractor = await PooledConvFeatures.load(shape);
  return {
    extractor,
    reference,
    about: {
      features: ANY_IMAGE_EVALUATOR.features,
      reference: `${described}, ${reference.count} images at ${shapeText(shape)}`,
      reading: ANY_IMAGE_READING,
    },
  };
}

/**
 * The extractor and the reference for `samples`; the caller disposes of the extractor. The reference,
 * unless `ref` names one, is the named or fitting bundled evaluator's; samples no bundled evaluator
 * fits get the default one, against the run's own dataset.
 */
export async function imageEvaluation(
  samples: ImageSet,
  o: ImageEvaluationOptions,
): Promise<ImageEvaluation> {
  const shape = [samples.height, samples.width, samples.channels] as const;
  const byShape = evaluatorForRun(shape, o.dataset);
  const named = BUNDLED_EVALUATORS.find((e) => e.evaluator === o.evaluator);
  const own = o.evaluator === undefined && o.features === undefined;
  if ((own && !byShape) || (o.evaluator === ANY_IMAGE_EVALUATOR_NAME && o.features === undefined)) {
    return defaultEvaluation(samples, o);
  }
  const source = o.features === undefined ? (named ?? byShape) : byShape;
  if (!o.ref && !source && o.features !== undefined) {
    throw new EvalError(
      `--features on ${shapeText(shape)} samples needs --ref <images> (an IDX file, a folder of images or a dataset name)`,
    );
  }
  const reference = o.ref
    ? await readReference(o.ref, samples)
    : await (source ?? FASHION_EVALUATOR).reference(o.dataset);
  const extractor = o.features
    ? await OnnxFeatures.load(o.features, shape, o.featuresRange ? { range: o.featuresRange } : {})
    : await Classifier.load(o.evaluator ?? byShape!.evaluator);
  return { extractor, reference };
}
