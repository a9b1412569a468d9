import { describe, expect, it } from 'vitest';
import { gaussianPoints } from '../data/points2d';
import { gaussianEstimate, meanAndCovariance, targetCovariance } from './estimate';

describe('mean/covariance read-out', () => {
  it('computes AᵀA as the d2l chapter states', () => {
    const c = targetCovariance();
    expect(c[0][0]).toBeCloseTo(1.01, 10);
    expect(c[0][1]).toBeCloseTo(1.95, 10);
    expect(c[1][1]).toBeCloseTo(4.25, 10);
  });

  it('matches a hand-computed unbiased covariance', () => {
    // Points (0,0), (2,2), (4,0): mean (2, 2/3); cov xx = 4, xy = 0, yy = 4/3.
    const { mean, cov } = meanAndCovariance(new Float32Array([0, 0, 2, 2, 4, 0]));
    expect(mean[0]).toBeCloseTo(2, 6);
    expect(mean[1]).toBeCloseTo(2 / 3, 6);
    expect(cov[0][0]).toBeCloseTo(4, 6);
    expect(cov[0][1]).toBeCloseTo(0, 6);
    expect(cov[1][1]).toBeCloseTo(4 / 3, 6);
  });

  it('gives a small error on real data and a large one on an untrained generator', () => {
    expect(gaussianEstimate(gaussianPoints(1, 20000)).worstRelErr).toBeLessThan(0.08);
    // An untrained generator with N(0, 0.02) weights outputs points near 0.
    const untrained = new Float32Array(20000).map((_, i) => (i % 7) * 0.001);
    expect(gaussianEstimate(untrained).worstRelErr).toBeGreaterThan(0.95);
  });
});
