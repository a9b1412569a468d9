/**
 * Which features and which reference score a set of image samples: the bundled evaluator for their
 * shape and the run's dataset, a named classifier (`--evaluator`), or an ONNX feature model the user
 * brings (`--features`), against the evaluator's reference or any images `--ref` names.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { RUN_FILES } from '@ganforge/contracts';
import { BUILTIN_IDX, batchValues, loadDataset } from '../../data/datasets';
import { isEmojiDataset } from '../../data/emoji';
import { DatasetError } from '../../data/idx';
import { Classifier } from '../classifier';
import { EvalError } from '../errors';
import { readIdxSamples, type SampleSet } from '../sources';
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
 * Reference images from `ref`: an IDX file, or anything `--dataset` takes (a bundled name such as
 * emoji, a folder of images), sized and coloured as the samples are.
 */
export async function readReference(ref: string, like: ImageSet): Promise<SampleSet> {
  if (existsSync(ref) && statSync(ref).isFile()) return readIdxSamples(ref);
  try {
    const data = await loadDataset({
      dataset: ref,
      imageSize: like.height,
      channels: like.channels === 1 ? 'grayscale' : 'rgb',
      seed: 1,
    });
    if (data.kind !== 'image') throw new EvalError(`--ref ${ref} is 2-D points, not images`);
    const [height, width, channels] = data.imageShape!;
    const values = batchValues(
      data,
      Int32Array.from({ length: data.count }, (_, i) => i),
    );
    return { kind: 'image', count: data.count, height, width, channels, values };
  } catch (e) {
    if (e instanceof DatasetError) throw new EvalError(e.message);
    throw e;
  }
}

export interface ImageEvaluationOptions {
  /** A classifier under models/ (or a path to one). */
  evaluator?: string;
  /** An ONNX feature model. */
  features?: string;
  /** Pixel range the ONNX feature model expects. */
  featuresRange?: [number, number];
  /** Reference images (see readReference); default: the evaluator's own. */
  ref?: string;
  /** The run's dataset, when the samples come from a run directory. */
  dataset?: string;
}

/**
 * The extractor and the reference for `samples`; the caller disposes of the extractor. The reference,
 * unless `ref` names one, is the named or fitting bundled evaluator's.
 */
export async function imageEvaluation(
  samples: ImageSet,
  o: ImageEvaluationOptions,
): Promise<{ extractor: FeatureExtractor; reference: SampleSet }> {
  const shape = [samples.height, samples.width, samples.channels] as const;
  const byShape = evaluatorForRun(shape, o.dataset);
  const named = BUNDLED_EVALUATORS.find((e) => e.evaluator === o.evaluator);
  const own = o.evaluator === undefined && o.features === undefined;
  if (own && !byShape) {
    const data = o.dataset === undefined ? '' : ` of a run on ${o.dataset}`;
    throw new EvalError(
      `no bundled evaluator scores ${shapeText(shape)} samples${data}: pass --features <model.onnx> and --ref <images>`,
    );
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
