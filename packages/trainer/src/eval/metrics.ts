/**
 * Sample-quality metrics over feature vectors (row-major, `count` rows of `dim`): KID, k-NN precision
 * and recall, the Inception-Score analogue, class coverage, and the 2-D metrics. Pairwise work runs
 * through TF.js matmuls (float32); sums and statistics are float64.
 */
import seedrandom from 'seedrandom';
import { tf } from '../kernels/backend';
import { covariance, frechetDistance, mean } from './linalg';

export interface Features {
  data: Float64Array;
  count: number;
  dim: number;
}

export function featureFrechetDistance(a: Features, b: Features): number {
  const muA = mean(a.data, a.count, a.dim);
  const muB = mean(b.data, b.count, b.dim);
  return frechetDistance(
    muA,
    covariance(a.data, a.count, a.dim, muA),
    muB,
    covariance(b.data, b.count, b.dim, muB),
  );
}

function rows(f: Features, idx: ArrayLike<number>): Float32Array {
  const out = new Float32Array(idx.length * f.dim);
  for (let i = 0; i < idx.length; i++) {
    const j = idx[i]!;
    for (let k = 0; k < f.dim; k++) out[i * f.dim + k] = f.data[j * f.dim + k]!;
  }
  return out;
}

function sampleIndices(rng: () => number, n: number, m: number): Int32Array {
  // Partial Fisher-Yates: m distinct indices.
  const all = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(rng() * (n - i));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.subarray(0, m);
}

export interface KidResult {
  kid: number;
  kidStd: number;
  subsets: number;
  subsetSize: number;
}

/**
 * Kernel Inception Distance (Bińkowski et al. 2018): the unbiased MMD² with the cubic polynomial
 * kernel k(x, y) = (xᵀy / d + 1)³, averaged over random subsets; the std over subsets comes with it.
 */
export function kernelDistance(
  a: Features,
  b: Features,
  options: { subsets?: number; subsetSize?: number; seed?: number } = {},
): KidResult {
  const m = Math.min(options.subsetSize ?? 1000, a.count, b.count);
  if (m < 2) throw new RangeError('KID needs at least 2 samples per set');
  const subsets = options.subsets ?? 10;
  const rng = seedrandom.alea(`kid:${options.seed ?? 0}`);
  const d = a.dim;
  const values: number[] = [];
  for (let s = 0; s < subsets; s++) {
    const xa = rows(a, sampleIndices(rng, a.count, m));
    const xb = rows(b, sampleIndices(rng, b.count, m));
    const kernels = tf.tidy(() => {
      const x = tf.tensor2d(xa, [m, d]);
      const y = tf.tensor2d(xb, [m, d]);
      const k = (p: tf.Tensor2D, q: tf.Tensor2D) => tf.matMul(p, q, false, true).div(d).add(1).pow(3);
      return [k(x, x), k(y, y), k(x, y)];
    });
    // Read outside the tidy: tidy walks what it returns, element by element for a typed array.
    const [kxx, kyy, kxy] = kernels.map((t) => t.dataSync());
    tf.dispose(kernels);
    let sxx = 0;
    let syy = 0;
    let sxy = 0;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        if (i !== j) {
          sxx += kxx![i * m + j]!;
          syy += kyy![i * m + j]!;
        }
        sxy += kxy![i * m + j]!;
      }
    }
    values.push((sxx + syy) / (m * (m - 1)) - (2 * sxy) / (m * m));
  }
  const kid = values.reduce((p, v) => p + v, 0) / values.length;
  const kidStd =
    values.length > 1 ? Math.sqrt(values.reduce((p, v) => p + (v - kid) ** 2, 0) / (values.length - 1)) : 0;
  return { kid, kidStd, subsets, subsetSize: m };
}

/** Squared distance from each row of `x` to its k-th nearest other row (the k-NN manifold radii). */
function kthNeighbourRadii2(x: tf.Tensor2D, k: number, chunk: number): Float64Array {
  const n = x.shape[0];
  const out = new Float64Array(n);
  const norms = tf.tidy(() => x.square().sum(1));
  for (let i = 0; i < n; i += chunk) {
    const m = Math.min(chunk, n - i);
    const d2t = tf.tidy(() => {
      const q = x.slice([i, 0], [m, -1]);
      return q
        .square()
        .sum(1, true)
        .add(norms.expandDims(0))
        .sub(tf.matMul(q, x, false, true).mul(2));
    });
    // Read outside the tidy: tidy walks what it returns, element by element for a typed array.
    const d2 = d2t.dataSync();
    d2t.dispose();
    // k+1 smallest per row (the smallest is the point itself), by insertion: TF.js's wasm TopK
    // slows to a crawl on the many ties of a collapsed set.
    const r = new Float64Array(m);
    const best = new Float64Array(k + 1);
    for (let row = 0; row < m; row++) {
      best.fill(Infinity);
      for (let j = 0; j < n; j++) {
        const v = d2[row * n + j]!;
        if (v >= best[k]!) continue;
        let p = k;
        while (p > 0 && best[p - 1]! > v) {
          best[p] = best[p - 1]!;
          p--;
        }
        best[p] = v;
      }
      r[row] = Math.max(best[k]!, 0);
    }
    out.set(r, i);
  }
  norms.dispose();
  return out;
}

/** Fraction of the rows of `q` that fall inside at least one ball (centre row of `x`, radius² r2). */
function fractionInside(q: tf.Tensor2D, x: tf.Tensor2D, r2: Float64Array, chunk: number): number {
  const n = q.shape[0];
  let inside = 0;
  const r2t = tf.tensor1d(Float32Array.from(r2));
  const norms = tf.tidy(() => x.square().sum(1));
  for (let i = 0; i < n; i += chunk) {
    const m = Math.min(chunk, n - i);
    const hits = tf.tidy(() => {
      const p = q.slice([i, 0], [m, -1]);
      const d2 = p
        .square()
        .sum(1, true)
        .add(norms.expandDims(0))
        .sub(tf.matMul(p, x, false, true).mul(2));
      return d2.lessEqual(r2t.expandDims(0)).any(1).cast('int32').sum().dataSync()[0]!;
    });
    inside += hits;
  }
  r2t.dispose();
  norms.dispose();
  return inside / n;
}

/**
 * Improved precision and recall (Kynkäänniemi et al. 2019): each set's manifold is the union of
 * balls reaching each point's k-th nearest neighbour in that set. Precision: share of generated
 * samples on the real manifold (fidelity); recall: share of real samples on the generated manifold
 * (diversity). Blurry samples lose precision; a collapsed generator loses recall.
 */
export function precisionRecall(
  real: Features,
  generated: Features,
  options: { k?: number; chunk?: number } = {},
): { precision: number; recall: number; k: number } {
  const k = options.k ?? 3;
  const chunk = options.chunk ?? 500;
  if (real.count <= k || generated.count <= k) {
    throw new RangeError(`precision/recall with k=${k} needs more than ${k} samples per set`);
  }
  const xr = tf.tensor2d(Float32Array.from(real.data), [real.count, real.dim]);
  const xg = tf.tensor2d(Float32Array.from(generated.data), [generated.count, generated.dim]);
  try {
    const rReal = kthNeighbourRadii2(xr, k, chunk);
    const rGen = kthNeighbourRadii2(xg, k, chunk);
    return {
      precision: fractionInside(xg, xr, rReal, chunk),
      recall: fractionInside(xr, xg, rGen, chunk),
      k,
    };
  } finally {
    xr.dispose();
    xg.dispose();
  }
}

/**
 * Inception-Score analogue with the domain classifier: exp(E_x KL(p(y|x) ‖ p(y))). Ranges from 1
 * (every sample gets the same class distribution) to K (confident and evenly spread over K classes).
 */
export function classifierScore(probs: Float64Array, count: number, classes: number): number {
  const eps = 1e-12;
  const marginal = new Float64Array(classes);
  for (let i = 0; i < count; i++)
    for (let c = 0; c < classes; c++) marginal[c]! += probs[i * classes + c]! / count;
  let kl = 0;
  for (let i = 0; i < count; i++) {
    for (let c = 0; c < classes; c++) {
      const p = probs[i * classes + c]!;
      if (p > 0) kl += p * (Math.log(p + eps) - Math.log(marginal[c]! + eps));
    }
  }
  return Math.exp(kl / count);
}

export { classCoverage, type ClassCoverage } from './coverage';

// The 2-D metrics need no TF.js; they live apart so the browser playground can use them.
export { jsDivergence, pointMetrics, type PointMetrics } from './point-metrics';
