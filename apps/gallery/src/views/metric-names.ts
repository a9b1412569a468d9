/**
 * What each figure an evaluation adds to metrics.jsonl means, in words: its name, which way is better
 * and which evaluator computed it. Counts (the number of samples scored) and spreads are not curves.
 */
export interface MetricInfo {
  key: string;
  name: string;
  better: 'lower' | 'higher';
  evaluator: string;
  /** One sentence a visitor can read next to the value. */
  explain: string;
  /** A count: shown as a whole number ("9", not "9.00"). */
  integer?: boolean;
  /** The y axis's label where the name is too long for a small chart's height. */
  axis?: string;
}

/** Image runs are scored by whichever evaluator fits them (the run page's "How good is it" names it). */
const CLASSIFIER = 'the features of the run’s evaluator';
const POINTS = 'generated vs training points';

const KNOWN: Record<string, Omit<MetricInfo, 'key'>> = {
  'eval.fd': {
    name: 'Fréchet distance',
    better: 'lower',
    evaluator: CLASSIFIER,
    explain: 'how far the generated images’ feature statistics are from the real ones',
  },
  'eval.kid': {
    name: 'Kernel inception distance',
    axis: 'KID',
    better: 'lower',
    evaluator: CLASSIFIER,
    explain: 'like FD but unbiased for small sample counts',
  },
  'eval.precision': {
    name: 'Precision',
    better: 'higher',
    evaluator: CLASSIFIER,
    explain: 'share of generated images that look like some real image',
  },
  'eval.recall': {
    name: 'Recall',
    better: 'higher',
    evaluator: CLASSIFIER,
    explain: 'share of real images the generator can produce something like; 0 means mode collapse',
  },
  'eval.classifierScore': {
    name: 'Classifier score',
    better: 'higher',
    evaluator: CLASSIFIER,
    explain: 'confident and varied class predictions on generated images',
  },
  'eval.classesPresent': {
    name: 'Classes present',
    better: 'higher',
    evaluator: CLASSIFIER,
    explain: 'how many of the evaluator’s classes appear among the generated images',
    integer: true,
  },
  'eval.meanDistance': {
    name: 'Mean distance',
    better: 'lower',
    evaluator: POINTS,
    explain: 'distance between the generated and the real mean',
  },
  'eval.covDistance': {
    name: 'Covariance distance',
    better: 'lower',
    evaluator: POINTS,
    explain: 'difference between the generated and the real covariance',
  },
  'eval.frechet2d': {
    name: 'Fréchet distance (2-D)',
    better: 'lower',
    evaluator: POINTS,
    explain: 'Fréchet distance between Gaussians fitted to the two point sets',
  },
  'eval.gridJs': {
    name: 'Grid Jensen–Shannon',
    better: 'lower',
    evaluator: POINTS,
    explain: 'divergence of the two point histograms on a grid (0 = identical)',
  },
};

/** Keys that are not a quality figure: never plotted. */
const NOT_CURVES = new Set(['eval.samples', 'eval.kidStd', 'eval.referenceSamples']);

/** The figure's meaning, or null when it is a count or spread that should not be drawn. */
export function metricInfo(key: string): MetricInfo | null {
  if (NOT_CURVES.has(key)) return null;
  const known = Object.hasOwn(KNOWN, key) ? KNOWN[key] : undefined;
  if (known) return { key, ...known };
  const bare = key.replace(/^eval\./, '');
  const words = bare.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return {
    key,
    name: words.charAt(0).toUpperCase() + words.slice(1),
    better: 'lower',
    evaluator: 'an epoch-end hook',
    explain: `recorded as ${bare}`,
  };
}

export function betterText(m: MetricInfo): string {
  return `${m.better} is better`;
}
