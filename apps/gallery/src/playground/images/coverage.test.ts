import { describe, expect, it } from 'vitest';
import { classCoverage as trainerCoverage } from '../../../../../packages/trainer/src/eval/metrics';
import { classCoverage } from './coverage';

describe('image mode class coverage', () => {
  it('counts covered classes as the evaluator does', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    for (const [count, skew] of [
      [500, 0],
      [500, 3],
      [64, 8],
    ] as const) {
      const probs = new Float64Array(count * 10);
      // Skewed rows pile up on the low classes, so some classes fall under the threshold.
      for (let i = 0; i < probs.length; i++) probs[i] = rand() / (1 + skew * (i % 10));
      const mine = classCoverage(probs, count, 10);
      const theirs = trainerCoverage(probs, count, 10);
      expect(mine.histogram).toEqual(theirs.histogram);
      expect(mine.classesPresent).toBe(theirs.classesPresent);
    }
  });
});
