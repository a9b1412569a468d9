/**
 * The small dense linear algebra the evaluator needs, in float64: mean, covariance, the symmetric
 * eigendecomposition (cyclic Jacobi) and the matrix square root built on it. Matrices are row-major
 * Float64Arrays of n*n values.
 */

/** Column means of `count` rows of `dim` values. */
export function mean(x: ArrayLike<number>, count: number, dim: number): Float64Array {
  const mu = new Float64Array(dim);
  for (let i = 0; i < count; i++) for (let j = 0; j < dim; j++) mu[j]! += x[i * dim + j]!;
  for (let j = 0; j < dim; j++) mu[j]! /= count;
  return mu;
}

/** Unbiased sample covariance (divides by count - 1), as numpy.cov and the FID reference code do. */
export function covariance(
  x: ArrayLike<number>,
  count: number,
  dim: number,
  mu = mean(x, count, dim),
): Float64Array {
  if (count < 2) throw new RangeError('covariance needs at least 2 rows');
  const c = new Float64Array(dim * dim);
  const row = new Float64Array(dim);
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < dim; j++) row[j] = x[i * dim + j]! - mu[j]!;
    for (let a = 0; a < dim; a++) {
      const ra = row[a]!;
      if (ra === 0) continue;
      const off = a * dim;
      for (let b = a; b < dim; b++) c[off + b]! += ra * row[b]!;
    }
  }
  for (let a = 0; a < dim; a++) {
    for (let b = a; b < dim; b++) {
      const v = c[a * dim + b]! / (count - 1);
      c[a * dim + b] = v;
      c[b * dim + a] = v;
    }
  }
  return c;
}

export function matmul(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k]!;
      if (aik === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j]! += aik * b[k * n + j]!;
    }
  }
  return out;
}

export function trace(a: Float64Array, n: number): number {
  let t = 0;
  for (let i = 0; i < n; i++) t += a[i * n + i]!;
  return t;
}

export interface SymmetricEigen {
  /** Eigenvalues, unsorted. */
  values: Float64Array;
  /** Eigenvectors as columns: vectors[i*n + k] is component i of eigenvector k. */
  vectors: Float64Array;
}

/**
 * Eigendecomposition of a symmetric matrix by cyclic Jacobi rotations (stable, accurate to machine
 * precision; O(n^3) per sweep, a handful of sweeps). The input is not modified.
 */
export function symmetricEigen(m: Float64Array, n: number, maxSweeps = 60): SymmetricEigen {
  const a = Float64Array.from(m);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale += a[i]! * a[i]!;
  // Off-diagonal mass below 1e-24 of the total (1e-12 in norm) is far below what the metrics resolve;
  // asking for less can keep rounding noise sweeping to the limit.
  const tol = 1e-24 * Math.max(scale, Number.MIN_VALUE);
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q]! * a[p * n + q]!;
    if (off <= tol) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const app = a[p * n + p]!;
        const aqq = a[q * n + q]!;
        // Rotation angle that zeroes a[p][q] (Golub & Van Loan, sym.schur2).
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i]!;
  return { values, vectors: v };
}

/**
 * Square root of a symmetric positive semi-definite matrix: V diag(sqrt(max(λ, 0))) Vᵀ. Tiny negative
 * eigenvalues from rounding are clamped to zero.
 */
export function sqrtmPsd(m: Float64Array, n: number): Float64Array {
  const { values, vectors } = symmetricEigen(m, n);
  const out = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const s = Math.sqrt(Math.max(values[k]!, 0));
    if (s === 0) continue;
    for (let i = 0; i < n; i++) {
      const vik = vectors[i * n + k]! * s;
      if (vik === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j]! += vik * vectors[j * n + k]!;
    }
  }
  return out;
}

/**
 * tr(sqrt(A B)) for symmetric PSD A and B. A·B is not symmetric, but it is similar to
 * sqrt(A)·B·sqrt(A), which is symmetric PSD with the same eigenvalues, so the trace of the square
 * root is the sum of the square roots of that matrix's eigenvalues.
 */
export function traceSqrtProduct(a: Float64Array, b: Float64Array, n: number): number {
  const ra = sqrtmPsd(a, n);
  const m = matmul(matmul(ra, b, n), ra, n);
  // Symmetrise away rounding before the Jacobi sweeps.
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = (m[i * n + j]! + m[j * n + i]!) / 2;
      m[i * n + j] = v;
      m[j * n + i] = v;
    }
  }
  const { values } = symmetricEigen(m, n);
  let t = 0;
  for (const v of values) t += Math.sqrt(Math.max(v, 0));
  return t;
}

/**
 * Fréchet distance between N(mu1, s1) and N(mu2, s2):
 * |mu1 - mu2|² + tr(s1) + tr(s2) - 2 tr(sqrt(s1 s2)).
 */
export function frechetDistance(
  mu1: Float64Array,
  s1: Float64Array,
  mu2: Float64Array,
  s2: Float64Array,
): number {
  const n = mu1.length;
  let d2 = 0;
  for (let i = 0; i < n; i++) d2 += (mu1[i]! - mu2[i]!) ** 2;
  const fd = d2 + trace(s1, n) + trace(s2, n) - 2 * traceSqrtProduct(s1, s2, n);
  // Rounding can leave a tiny negative value for identical distributions.
  return Math.max(fd, 0);
}
