import { describe, expect, it } from 'vitest';
import {
  covariance,
  frechetDistance,
  matmul,
  mean,
  sqrtmPsd,
  symmetricEigen,
  traceSqrtProduct,
} from './linalg';
import { jsDivergence } from './metrics';

/** A deterministic pseudo-random SPD matrix B·Bᵀ + n·I. */
function spd(n: number, salt: number): Float64Array {
  const b = new Float64Array(n * n).map((_, i) => Math.sin(i * 12.9898 + salt * 78.233) * 2);
  const bt = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) bt[j * n + i] = b[i * n + j]!;
  const m = matmul(b, bt, n);
  for (let i = 0; i < n; i++) m[i * n + i]! += n;
  return m;
}

describe('mean and covariance', () => {
  it('match a hand computation (unbiased, n - 1)', () => {
    const x = [1, 2, 3, 4, 5, 0];
    expect(Array.from(mean(x, 3, 2))).toEqual([3, 2]);
    // deviations: (-2,0) (0,2) (2,-2): sums 8, -4, 8 over n-1 = 2
    expect(Array.from(covariance(x, 3, 2))).toEqual([4, -2, -2, 4]);
  });
});

describe('symmetric eigendecomposition', () => {
  it('finds the eigenvalues of [[2,1],[1,2]] (1 and 3)', () => {
    const { values } = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2);
    expect(Array.from(values).sort()).toEqual([expect.closeTo(1, 12), expect.closeTo(3, 12)]);
  });

  it('reconstructs V diag(λ) Vᵀ for a 12x12 SPD matrix', () => {
    const n = 12;
    const m = spd(n, 1);
    const { values, vectors } = symmetricEigen(m, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += vectors[i * n + k]! * values[k]! * vectors[j * n + k]!;
        expect(s).toBeCloseTo(m[i * n + j]!, 9);
      }
    }
  });
});

describe('matrix square root', () => {
  it('of a diagonal matrix is the elementwise root', () => {
    expect(Array.from(sqrtmPsd(Float64Array.from([4, 0, 0, 9]), 2))).toEqual([2, 0, 0, 3]);
  });

  it('matches the 2x2 closed form (M + √det·I) / √(tr + 2√det)', () => {
    const m = Float64Array.from([5, 2, 2, 3]);
    const sd = Math.sqrt(5 * 3 - 2 * 2);
    const t = Math.sqrt(5 + 3 + 2 * sd);
    const expected = [(5 + sd) / t, 2 / t, 2 / t, (3 + sd) / t];
    sqrtmPsd(m, 2).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 12));
  });

  it('squares back to the matrix for a 20x20 SPD matrix', () => {
    const n = 20;
    const m = spd(n, 2);
    const r = sqrtmPsd(m, n);
    const r2 = matmul(r, r, n);
    r2.forEach((v, i) => expect(v).toBeCloseTo(m[i]!, 8));
  });

  it('tr √(AB) for non-commuting 2x2 matrices matches √(tr(AB) + 2√det(AB))', () => {
    const a = Float64Array.from([2, 1, 1, 3]);
    const b = Float64Array.from([4, -1, -1, 1]);
    const ab = matmul(a, b, 2);
    const det = ab[0]! * ab[3]! - ab[1]! * ab[2]!;
    expect(traceSqrtProduct(a, b, 2)).toBeCloseTo(Math.sqrt(ab[0]! + ab[3]! + 2 * Math.sqrt(det)), 12);
  });
});

describe('Fréchet distance', () => {
  it('of two Gaussians with diagonal covariances is |Δμ|² + Σ(σ1 - σ2)²', () => {
    const fd = frechetDistance(
      Float64Array.from([0, 1]),
      Float64Array.from([4, 0, 0, 1]),
      Float64Array.from([3, 1]),
      Float64Array.from([1, 0, 0, 9]),
    );
    expect(fd).toBeCloseTo(9 + (2 - 1) ** 2 + (1 - 3) ** 2, 12);
  });

  it('is zero for identical Gaussians and symmetric in its arguments', () => {
    const n = 10;
    const s1 = spd(n, 3);
    const s2 = spd(n, 4);
    const mu = new Float64Array(n).fill(0.5);
    expect(frechetDistance(mu, s1, mu, s1)).toBeLessThan(1e-8);
    expect(frechetDistance(mu, s1, mu, s2)).toBeCloseTo(frechetDistance(mu, s2, mu, s1), 8);
    expect(frechetDistance(mu, s1, mu, s2)).toBeGreaterThan(0.1);
  });
});

describe('Jensen-Shannon divergence', () => {
  it('is 0 for equal and 1 bit for disjoint distributions', () => {
    expect(jsDivergence([0.5, 0.5, 0], [0.5, 0.5, 0])).toBe(0);
    expect(jsDivergence([1, 0], [0, 1])).toBeCloseTo(1, 12);
  });
});
