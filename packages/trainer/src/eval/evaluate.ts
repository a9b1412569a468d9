/**
 * One evaluation: generated samples against a reference set, through a feature extractor for images
 * (features for FD, KID and precision/recall; a classifier's softmax for the score and class
 * coverage) or directly on the coordinates for 2-D points.
 */
import seedrandom from 'seedrandom';
import { EvalError } from './errors';
import { checkImages, type FeatureBatch, type FeatureExtractor } from './features/extractor';
import {
  classCoverage,
  classifierScore,
  featureFrechetDistance,
  kernelDistance,
  pointMetrics,
  precisionRecall,
  type Features,
  type PointMetrics,
} from './metrics';
import type { SampleSet } from './sources';

export interface ImageEvalOptions {
  kidSubsets?: number;
  kidSubsetSize?: number;
  /** Neighbourhood size of the precision/recall manifolds. */
  k?: number;
  seed?: number;
  /** Called as each stage starts (the work is synchronous: a log line, not a redrawn bar). */
  onStage?: (stage: string) => void;
}

export interface ImageEvalReport {
  kind: 'image';
  /** Which extractor's features the numbers are in, e.g. fmnist-classifier-v1. */
  evaluator: string;
  samples: number;
  referenceSamples: number;
  fd: number;
  kid: number;
  kidStd: number;
  kidSubsets: number;
  kidSubsetSize: number;
  precision: number;
  recall: number;
  k: number;
  /** Inception-Score analogue with the evaluator's classifier (1..classes); this and the class figures below come only from a classifier. */
  classifierScore?: number;
  classesPresent?: number;
  classes?: number;
  classHistogram?: number[];
  classNames?: string[];
  maxShareRatio?: number;
}

export interface PointEvalReport extends PointMetrics {
  kind: 'points';
  evaluator: 'points-2d';
  samples: number;
  referenceSamples: number;
}

export type EvalReport = ImageEvalReport | PointEvalReport;

/** Extractor features of a reference set, computed once and reused across evaluations. */
export interface ReferenceFeatures {
  features: Features;
  count: number;
}

const asFeatures = (b: FeatureBatch): Features => ({
  data: Float64Array.from(b.features),
  count: b.count,
  dim: b.dim,
});

/** A seeded random subset of `count` rows (all rows when there are no more than that). */
function subsetRows(f: Features, count: number, seed: number): Features {
  if (f.count <= count) return f;
  const rng = seedrandom.alea(`pr-subset:${seed}`);
  const idx = Int32Array.from({ length: f.count }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(rng() * (f.count - i));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  const data = new Float64Array(count * f.dim);
  for (let i = 0; i < count; i++)
    data.set(f.data.subarray(idx[i]! * f.dim, (idx[i]! + 1) * f.dim), i * f.dim);
  return { data, count, dim: f.dim };
}

export async function referenceFeatures(
  extractor: FeatureExtractor,
  reference: SampleSet,
): Promise<ReferenceFeatures> {
  checkImages(extractor, reference, 'reference samples');
  const out = await extractor.features(reference.values, reference.count);
  return { features: asFeatures(out), count: out.count };
}

/** The class figures of a classifier's probabilities (nothing for a features-only extractor). */
function classFigures(extractor: FeatureExtractor, out: FeatureBatch) {
  if (!out.probs || !out.classes) return {};
  const cov = classCoverage(out.probs, out.count, out.classes);
  return {
    classifierScore: classifierScore(Float64Array.from(out.probs), out.count, out.classes),
    classesPresent: cov.classesPresent,
    classes: cov.classes,
    classHistogram: cov.histogram,
    classNames: [...(extractor.classNames ?? [])],
    maxShareRatio: cov.maxShareRatio,
  };
}

export async function evaluateImages(
  extractor: FeatureExtractor,
  generated: SampleSet,
  reference: SampleSet | ReferenceFeatures,
  options: ImageEvalOptions = {},
): Promise<ImageEvalReport> {
  checkImages(extractor, generated, 'generated samples');
  const stage = options.onStage ?? (() => {});
  if (!('features' in reference)) stage(`${extractor.name} features of ${reference.count} reference images`);
  const ref = 'features' in reference ? reference : await referenceFeatures(extractor, reference);
  stage(`${extractor.name} features of ${generated.count} generated images`);
  const out = await extractor.features(generated.values, generated.count);
  const gen = asFeatures(out);
  if (gen.dim !== ref.features.dim) {
    throw new EvalError(`generated features have ${gen.dim} dimensions, the reference's ${ref.features.dim}`);
  }
  stage('Fréchet distance and KID');
  const fd = featureFrechetDistance(gen, ref.features);
  const kid = kernelDistance(gen, ref.features, {
    subsets: options.kidSubsets,
    subsetSize: options.kidSubsetSize,
    seed: options.seed,
  });
  stage(`precision/recall (k-NN manifolds of ${gen.count} + ${gen.count} samples)`);
  // Equal set sizes: the k-NN radii shrink as a set grows, which would tilt precision against recall.
  const pr = precisionRecall(subsetRows(ref.features, gen.count, options.seed ?? 0), gen, { k: options.k });
  return {
    kind: 'image',
    evaluator: extractor.name,
    samples: generated.count,
    referenceSamples: ref.count,
    fd,
    kid: kid.kid,
    kidStd: kid.kidStd,
    kidSubsets: kid.subsets,
    kidSubsetSize: kid.subsetSize,
    precision: pr.precision,
    recall: pr.recall,
    k: pr.k,
    ...classFigures(extractor, out),
  };
}

export function evaluatePoints(generated: SampleSet, reference: SampleSet): PointEvalReport {
  if (generated.kind !== 'points' || reference.kind !== 'points') {
    throw new EvalError('2-D evaluation needs point samples on both sides');
  }
  if (generated.dims < 2 || reference.dims !== generated.dims) {
    throw new EvalError(`point sets disagree: generated ${generated.dims}-D, reference ${reference.dims}-D`);
  }
  const f = (s: typeof generated): Features => ({
    data: Float64Array.from(s.values),
    count: s.count,
    dim: s.dims,
  });
  return {
    kind: 'points',
    evaluator: 'points-2d',
    samples: generated.count,
    referenceSamples: reference.count,
    ...pointMetrics(f(reference), f(generated)),
  };
}

/** The numbers a run records (metrics.jsonl, model card): flat, prefixed with `eval.`. */
export function flatMetrics(r: EvalReport): Record<string, number> {
  if (r.kind === 'points') {
    return {
      'eval.meanDistance': r.meanDistance,
      'eval.covDistance': r.covDistance,
      'eval.frechet2d': r.frechet,
      'eval.gridJs': r.gridJs,
      'eval.samples': r.samples,
    };
  }
  return {
    'eval.fd': r.fd,
    'eval.kid': r.kid,
    'eval.kidStd': r.kidStd,
    ...(r.classifierScore !== undefined ? { 'eval.classifierScore': r.classifierScore } : {}),
    'eval.precision': r.precision,
    'eval.recall': r.recall,
    ...(r.classesPresent !== undefined ? { 'eval.classesPresent': r.classesPresent } : {}),
    'eval.samples': r.samples,
  };
}

const f3 = (n: number) =>
  Math.abs(n) >= 100 ? n.toFixed(1) : Math.abs(n) >= 0.01 || n === 0 ? n.toFixed(3) : n.toExponential(2);

/** Human-readable lines, each naming the evaluator. */
export function formatReport(r: EvalReport): string[] {
  if (r.kind === 'points') {
    return [
      `evaluator points-2d · ${r.samples} generated vs ${r.referenceSamples} real points`,
      `mean distance    ${f3(r.meanDistance)}`,
      `cov distance     ${f3(r.covDistance)}  (Frobenius)`,
      `Fréchet (2-D)    ${f3(r.frechet)}`,
      `grid JS          ${f3(r.gridJs)} bits  (${r.gridBins}x${r.gridBins} grid)`,
    ];
  }
  const lines = [
    `evaluator ${r.evaluator} · ${r.samples} generated vs ${r.referenceSamples} reference images`,
    `FD               ${f3(r.fd)}`,
    `KID              ${f3(r.kid)} ± ${f3(r.kidStd)}  (${r.kidSubsets} subsets of ${r.kidSubsetSize})`,
  ];
  if (r.classifierScore !== undefined)
    lines.push(`classifier score ${f3(r.classifierScore)}  (Inception-Score analogue, 1..${r.classes})`);
  lines.push(`precision        ${f3(r.precision)}`, `recall           ${f3(r.recall)}  (k=${r.k})`);
  if (r.classHistogram) {
    const hist = r.classHistogram.map((h, i) => `${r.classNames?.[i] ?? i}:${h}`).join(' ');
    lines.push(
      `classes present  ${r.classesPresent}/${r.classes}  (max class share ${f3(r.maxShareRatio!)}x uniform)`,
      `class histogram  ${hist}`,
    );
  }
  return lines;
}
