/** The d2l chapter's read-out: mean and covariance of generated points against b and AᵀA. */
import { GAUSSIAN_A, GAUSSIAN_B } from '../data/points2d';

export interface GaussianEstimate {
  mean: [number, number];
  /** Unbiased sample covariance, row-major 2x2. */
  cov: [[number, number], [number, number]];
  targetMean: [number, number];
  targetCov: [[number, number], [number, number]];
  /** Largest |estimate - target| / |target| over mean[0], mean[1], cov00, cov01, cov11. */
  worstRelErr: number;
}

/** AᵀA: the covariance of X·A + b when X ~ N(0, I). */
export function targetCovariance(): [[number, number], [number, number]] {
  const [[a, b], [c, d]] = GAUSSIAN_A;
  return [
    [a * a + c * c, a * b + c * d],
    [a * b + c * d, b * b + d * d],
  ];
}

export function meanAndCovariance(points: Float32Array): Pick<GaussianEstimate, 'mean' | 'cov'> {
  const n = points.length / 2;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += points[2 * i]!;
    my += points[2 * i + 1]!;
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = points[2 * i]! - mx;
    const dy = points[2 * i + 1]! - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  const k = n - 1;
  return {
    mean: [mx, my],
    cov: [
      [sxx / k, sxy / k],
      [sxy / k, syy / k],
    ],
  };
}

export function gaussianEstimate(points: Float32Array): GaussianEstimate {
  const { mean, cov } = meanAndCovariance(points);
  const targetMean: [number, number] = [...GAUSSIAN_B];
  const targetCov = targetCovariance();
  const pairs: [number, number][] = [
    [mean[0], targetMean[0]],
    [mean[1], targetMean[1]],
    [cov[0][0], targetCov[0][0]],
    [cov[0][1], targetCov[0][1]],
    [cov[1][1], targetCov[1][1]],
  ];
  const worstRelErr = Math.max(...pairs.map(([v, t]) => Math.abs(v - t) / Math.abs(t)));
  return { mean, cov, targetMean, targetCov, worstRelErr };
}
