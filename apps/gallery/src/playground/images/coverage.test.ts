import { classCoverage } from '@ganforge/trainer/browser';
import { describe, expect, it } from 'vitest';
import { CONFIDENT, confidentCoverage } from './coverage';

/** One row of class probabilities: `p` on class `k`, the rest spread evenly. */
const row = (k: number, p: number, classes = 10) =>
  Array.from({ length: classes }, (_, c) => (c === k ? p : (1 - p) / (classes - 1)));

describe('class coverage over confident predictions', () => {
  it('leaves out the unsure "Bag" that untrained noise gets, which the evaluator’s rule counts', () => {
    // 40 images of noise, all sorted into class 8 at p = 0.67 (what an untrained generator gets).
    const probs = Array.from({ length: 40 }, () => row(8, 0.67)).flat();
    expect(classCoverage(probs, 40, 10).classesPresent).toBe(1);
    expect(confidentCoverage(probs, 40, 10)).toEqual({
      threshold: CONFIDENT,
      histogram: new Array(10).fill(0),
      classesPresent: 0,
      count: 0,
    });
  });

  it('counts confident images by the evaluator’s quarter-share rule, over all images', () => {
    // 40 images: 10 confident in each of classes 0 and 1, 1 confident in class 2 (a quarter of 40/10 is 1),
    // and 19 unsure ones in class 3.
    const probs = [
      ...Array.from({ length: 10 }, () => row(0, 0.95)),
      ...Array.from({ length: 10 }, () => row(1, 0.85)),
      row(2, 0.99),
      ...Array.from({ length: 19 }, () => row(3, 0.5)),
    ].flat();
    const c = confidentCoverage(probs, 40, 10);
    expect(c.histogram.slice(0, 4)).toEqual([10, 10, 1, 0]);
    expect(c.classesPresent).toBe(3);
    expect(c.count).toBe(21);
    expect(classCoverage(probs, 40, 10).classesPresent).toBe(4);
  });
});
