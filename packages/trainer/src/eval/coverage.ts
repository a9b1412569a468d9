/**
 * Which classes the classifier finds in a generator's samples. No TF.js here: the browser playground
 * counts its samples with the same rule.
 */
export interface ClassCoverage {
  /** Samples per predicted class (argmax). */
  histogram: number[];
  /** Classes that get at least a quarter of their share under a uniform spread. */
  classesPresent: number;
  classes: number;
  /** Largest class share / uniform share: 1 for an even spread, K for full collapse. */
  maxShareRatio: number;
}

export function classCoverage(probs: ArrayLike<number>, count: number, classes: number): ClassCoverage {
  const histogram = new Array<number>(classes).fill(0);
  for (let i = 0; i < count; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (probs[i * classes + c]! > probs[i * classes + best]!) best = c;
    histogram[best]!++;
  }
  const threshold = count / classes / 4;
  return {
    histogram,
    classesPresent: histogram.filter((h) => h >= threshold && h > 0).length,
    classes,
    maxShareRatio: (Math.max(...histogram) / count) * classes,
  };
}
