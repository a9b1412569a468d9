/**
 * The 2-D (point generator) metrics: mean and covariance distances, the Fréchet distance of the two
 * Gaussian fits, and the Jensen-Shannon divergence of the two sets' histograms on a grid. Plain
 * float64 arithmetic, no TF.js and no Node modules (the browser playground shows them live).
 */
import { covariance, frechetDistance, mean } from './linalg';

/** Feature rows (row-major, `count` rows of `dim`), as the other metrics take them. */
interface Features {
  data: ArrayLike<number>;
  count: number;
  dim: number;
}

export interface PointMetrics {
  /** |mean_generated - mean_real|. */
  meanDistance: number;
  /** Frobenius norm of cov_generated - cov_real. */
  covDistance: number;
  /** Fréchet distance of the two Gaussian fits. */
  frechet: number;
  /** Jensen-Shannon divergence (bits, 0..1) of the two sets' histograms on a grid over the real data. */
  gridJs: number;
  gridBins: number;
}

/** 2-D (or D-dim; the grid uses the first two coordinates) metrics for point generators. */
export function pointMetrics(real: Features, generated: Features, bins = 20): PointMetrics {
  const d = real.dim;
  const muR = mean(real.data, real.count, d);
  const muG = mean(generated.data, generated.count, d);
  const sR = covariance(real.data, real.count, d, muR);
  const sG = covariance(generated.data, generated.count, d, muG);
  let md = 0;
  for (let i = 0; i < d; i++) md += (muR[i]! - muG[i]!) ** 2;
  let cd = 0;
  for (let i = 0; i < d * d; i++) cd += (sR[i]! - sG[i]!) ** 2;
  // Grid over the real data's range padded by 10% per side; one extra bin for everything outside.
  const lo = [Infinity, Infinity];
  const hi = [-Infinity, -Infinity];
  for (let i = 0; i < real.count; i++) {
    for (let a = 0; a < 2; a++) {
      const v = real.data[i * d + a]!;
      lo[a] = Math.min(lo[a]!, v);
      hi[a] = Math.max(hi[a]!, v);
    }
  }
  for (let a = 0; a < 2; a++) {
    const pad = (hi[a]! - lo[a]! || 1) * 0.1;
    lo[a]! -= pad;
    hi[a]! += pad;
  }
  const hist = (f: Features): Float64Array => {
    const h = new Float64Array(bins * bins + 1);
    for (let i = 0; i < f.count; i++) {
      const x = (f.data[i * f.dim]! - lo[0]!) / (hi[0]! - lo[0]!);
      const y = (f.data[i * f.dim + 1]! - lo[1]!) / (hi[1]! - lo[1]!);
      const inside = x >= 0 && x < 1 && y >= 0 && y < 1;
      h[inside ? Math.floor(y * bins) * bins + Math.floor(x * bins) : bins * bins]! += 1 / f.count;
    }
    return h;
  };
  return {
    meanDistance: Math.sqrt(md),
    covDistance: Math.sqrt(cd),
    frechet: frechetDistance(muR, sR, muG, sG),
    gridJs: jsDivergence(hist(real), hist(generated)),
    gridBins: bins,
  };
}

/** Jensen-Shannon divergence in bits between two discrete distributions (0 = equal, 1 = disjoint). */
export function jsDivergence(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let js = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i]!;
    const b = q[i]!;
    const m = (a + b) / 2;
    if (a > 0) js += 0.5 * a * Math.log2(a / m);
    if (b > 0) js += 0.5 * b * Math.log2(b / m);
  }
  return Math.max(js, 0);
}
