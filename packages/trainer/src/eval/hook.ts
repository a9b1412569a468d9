/**
 * Periodic evaluation during training: an `onEpochEnd` hook for train() that scores the generator
 * every `every` epochs on a small sample (cheap) and returns the flat `eval.*` numbers, which the
 * trainer stores in that epoch's metrics record.
 */
import { existsSync } from 'node:fs';
import { RUN_FILES, RunDir } from '@ganforge/contracts';
import type { tf } from '../kernels/backend';
import { Classifier } from './classifier';
import {
  evaluateImages,
  evaluatePoints,
  flatMetrics,
  referenceFeatures,
  type ReferenceFeatures,
} from './evaluate';
import { ANY_IMAGE_READING, PooledConvFeatures } from './features/any-image';
import type { FeatureExtractor } from './features/extractor';
import { describeEvaluator, evaluatorForRun, ownReference } from './features/select';
import {
  outputSpecOf,
  readIdxSamples,
  generatorClasses,
  sampleLayersGenerator,
  type SampleSet,
} from './sources';

export interface EpochEvalOptions {
  every: number;
  /** Generated (and reference) samples per evaluation. */
  samples?: number;
  evaluator?: string;
  /** Reference IDX images (default: the evaluator's own, e.g. the bundled Fashion-MNIST test split). */
  reference?: string;
  epochs: number;
}

export interface EpochEvalContext {
  epoch: number;
  runDir: string;
  generator: tf.LayersModel;
  /**
   * The run's dataset picks the evaluator of its images (emoji runs: emoji-classifier-v1) and, for
   * the default evaluator, is its reference (up to the run's `limit` images).
   */
  config: { latentDim: number; seed: number; dataset?: string; limit?: number };
  classNames?: string[];
  /** The run ends after this epoch (a time budget), so it is scored like the last. */
  final?: boolean;
}

/**
 * Where the default hook's numbers come from, for the model card: eval.fd & co. are in the features
 * of the bundled classifier for the run's images (`imageShape`) and dataset against its reference
 * (the bundled Fashion-MNIST test split, or the emoji set), or of the default evaluator against the
 * run's own images (its reference says what such figures tell); 2-D figures are against the data's points.
 */
export function evaluationSource(
  epoch: number,
  extra: Record<string, number>,
  dataset?: string,
  imageShape?: readonly number[],
): { evaluator: string; reference: string; samples: number; epoch: number } | undefined {
  // Figures from another hook are the caller's own: nothing to attribute.
  const samples = extra['eval.samples'];
  if (samples === undefined || !(samples > 0)) return undefined;
  if (!('eval.fd' in extra)) {
    return { evaluator: 'points-2d', reference: "the run's real points", samples, epoch };
  }
  const source = describeEvaluator(dataset, imageShape);
  return { evaluator: source.evaluator, reference: source.referenceName, samples, epoch };
}

/**
 * The training command's last lines: the latest figures, and whose features and reference they are
 * in (with `imageShape`, the default evaluator's for images no bundled one takes, and what they tell).
 */
export function qualityLines(
  scored: Record<string, number>,
  epoch: number | undefined,
  runDir: string,
  dataset?: string,
  imageShape?: readonly number[],
): string[] {
  const x = (k: string) => scored[k] ?? NaN;
  const source = describeEvaluator(dataset, imageShape);
  const classes =
    source.classes === undefined ? '' : `  classes ${x('eval.classesPresent')}/${source.classes}`;
  return [
    `quality after epoch ${epoch}: FD ${x('eval.fd').toFixed(1)} (lower is better)  KID ${x('eval.kid').toFixed(3)}  precision ${x('eval.precision').toFixed(2)}  recall ${x('eval.recall').toFixed(2)}${classes}`,
    `  in the features of ${source.features}, ${x('eval.samples')} samples against ${source.reference} (npx ganforge eval --run ${runDir} for more)`,
    ...(source.classes === undefined ? [`  ${ANY_IMAGE_READING}`] : []),
  ];
}

interface ImageScorer {
  extractor: FeatureExtractor;
  reference: ReferenceFeatures;
  /** Generated samples per evaluation: `samples`, or no more than the reference for the default evaluator. */
  count: number;
}

/**
 * The features and reference the hook scores images of `shape` with, loaded once per run: the
 * bundled evaluator's, else the default one against up to `n` of the run's own images (`limit`: the
 * run's --limit), as many generated samples as those (so that precision and recall stay balanced).
 */
async function imageScorer(
  shape: readonly [number, number, number],
  options: EpochEvalOptions,
  config: EpochEvalContext['config'],
  n: number,
): Promise<ImageScorer> {
  const bundled = evaluatorForRun(shape, config.dataset);
  const extractor = bundled
    ? await Classifier.load(options.evaluator ?? bundled.evaluator)
    : await PooledConvFeatures.load(shape);
  try {
    const limit = Math.min(n, config.limit ?? n);
    const images = options.reference
      ? readIdxSamples(options.reference, n)
      : bundled
        ? await bundled.reference(config.dataset, n)
        : await ownReference(config.dataset!, { height: shape[0], channels: shape[2] }, limit);
    const reference = await referenceFeatures(extractor, images);
    return { extractor, reference, count: bundled ? n : Math.min(n, reference.count) };
  } catch (e) {
    await extractor.dispose();
    throw e;
  }
}

/** A 2-D run's figures against its real points (none without real-points.json). */
function scorePoints(runDir: string, generated: SampleSet): Record<string, number> | undefined {
  const run = new RunDir(runDir);
  if (!existsSync(run.path(RUN_FILES.realPoints))) return undefined;
  const points = run.readRealPoints();
  const real: SampleSet = {
    kind: 'points',
    count: points.length,
    dims: 2,
    values: Float32Array.from(points.flat()),
  };
  return flatMetrics(evaluatePoints(generated, real));
}

/**
 * The hook; images a bundled evaluator takes (28x28x1 from any data, 64x64x3 from an emoji set) are
 * scored by it, any other images by the default evaluator against the run's own dataset (a run
 * without a dataset, as some callers make, gets no figures); conditional generators get balanced classes.
 */
export function epochEvaluator(
  options: EpochEvalOptions,
): (ctx: EpochEvalContext) => Promise<Record<string, number> | void> {
  const n = options.samples ?? 2000;
  let scorer: ImageScorer | undefined;
  return async (ctx) => {
    const last = ctx.epoch === options.epochs || ctx.final === true;
    if (!last && ctx.epoch % options.every !== 0) return;
    if (ctx.generator.inputs.length !== 1 && generatorClasses(ctx.generator) === undefined) return;
    const output = outputSpecOf(ctx.generator);
    const { latentDim, seed, dataset } = ctx.config;
    if (output.kind === 'points') {
      return scorePoints(ctx.runDir, sampleLayersGenerator(ctx.generator, latentDim, output, n, seed + 13));
    }
    const shape = [output.height, output.width, output.channels] as const;
    if (!evaluatorForRun(shape, dataset) && dataset === undefined && !options.reference) return;
    scorer ??= await imageScorer(shape, options, ctx.config, n);
    const generated = sampleLayersGenerator(ctx.generator, latentDim, output, scorer.count, seed + 13);
    const report = await evaluateImages(scorer.extractor, generated, scorer.reference, {
      kidSubsets: 5,
      kidSubsetSize: Math.min(500, scorer.count),
      seed: ctx.epoch,
    });
    if (last) await scorer.extractor.dispose();
    return flatMetrics(report);
  };
}
