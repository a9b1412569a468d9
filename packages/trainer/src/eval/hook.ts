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
import { evaluatorForRun, evaluatorOfDataset } from './features/select';
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
  /** The run's dataset picks the evaluator of its images (emoji runs: emoji-classifier-v1). */
  config: { latentDim: number; seed: number; dataset?: string };
  classNames?: string[];
  /** The run ends after this epoch (a time budget), so it is scored like the last. */
  final?: boolean;
}

/**
 * Where the default hook's numbers come from, for the model card: eval.fd & co. are in the features
 * of the bundled classifier for the run's dataset against its reference (the bundled Fashion-MNIST
 * test split, or the emoji set); 2-D figures are against the data's points.
 */
export function evaluationSource(
  epoch: number,
  extra: Record<string, number>,
  dataset?: string,
): { evaluator: string; reference: string; samples: number; epoch: number } | undefined {
  // Figures from another hook are the caller's own: nothing to attribute.
  const samples = extra['eval.samples'];
  if (samples === undefined || !(samples > 0)) return undefined;
  const image = 'eval.fd' in extra;
  const bundled = evaluatorOfDataset(dataset);
  return {
    evaluator: image ? bundled.evaluator : 'points-2d',
    reference: image ? bundled.referenceName(dataset) : "the run's real points",
    samples,
    epoch,
  };
}

/** The training command's last lines: the latest figures, and whose features and reference they are in. */
export function qualityLines(
  scored: Record<string, number>,
  epoch: number | undefined,
  runDir: string,
  dataset?: string,
): string[] {
  const x = (k: string) => scored[k] ?? NaN;
  const bundled = evaluatorOfDataset(dataset);
  const { features, reference } = bundled.describe(dataset);
  return [
    `quality after epoch ${epoch}: FD ${x('eval.fd').toFixed(1)} (lower is better)  KID ${x('eval.kid').toFixed(3)}  precision ${x('eval.precision').toFixed(2)}  recall ${x('eval.recall').toFixed(2)}  classes ${x('eval.classesPresent')}/${bundled.classes}`,
    `  in the features of ${features}, ${x('eval.samples')} samples against ${reference} (npx ganforge eval --run ${runDir} for more)`,
  ];
}

/**
 * The hook; images no bundled evaluator takes (28x28x1 from any data, 64x64x3 from an emoji set) are
 * skipped (no numbers); conditional generators get balanced classes.
 */
export function epochEvaluator(
  options: EpochEvalOptions,
): (ctx: EpochEvalContext) => Promise<Record<string, number> | void> {
  const n = options.samples ?? 2000;
  let classifier: Classifier | undefined;
  let reference: ReferenceFeatures | undefined;
  return async (ctx) => {
    const last = ctx.epoch === options.epochs || ctx.final === true;
    if (!last && ctx.epoch % options.every !== 0) return;
    if (ctx.generator.inputs.length !== 1 && generatorClasses(ctx.generator) === undefined) return;
    const output = outputSpecOf(ctx.generator);
    const generated = sampleLayersGenerator(
      ctx.generator,
      ctx.config.latentDim,
      output,
      n,
      ctx.config.seed + 13,
    );
    if (generated.kind === 'points') {
      const run = new RunDir(ctx.runDir);
      if (!existsSync(run.path(RUN_FILES.realPoints))) return;
      const points = run.readRealPoints();
      const real: SampleSet = {
        kind: 'points',
        count: points.length,
        dims: 2,
        values: Float32Array.from(points.flat()),
      };
      return flatMetrics(evaluatePoints(generated, real));
    }
    const bundled = evaluatorForRun(
      [generated.height, generated.width, generated.channels],
      ctx.config.dataset,
    );
    if (!bundled) return;
    classifier ??= await Classifier.load(options.evaluator ?? bundled.evaluator);
    reference ??= await referenceFeatures(
      classifier,
      options.reference
        ? readIdxSamples(options.reference, n)
        : await bundled.reference(ctx.config.dataset, n),
    );
    const report = await evaluateImages(classifier, generated, reference, {
      kidSubsets: 5,
      kidSubsetSize: Math.min(500, n),
      seed: ctx.epoch,
    });
    if (last) classifier.dispose();
    return flatMetrics(report);
  };
}
