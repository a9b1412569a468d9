import { describe, expect, it } from 'vitest';
import { normalsFrom, normalStream, REDRAW_MIN, seededLatents, sfc32, truncatedNormal } from './random';

/** sfc32 as published (PractRand), written independently with BigInt arithmetic mod 2^32. */
function sfc32Reference(seed: number): () => number {
  const M = 0xffffffffn;
  let a = 0n;
  let b = BigInt(seed) & M;
  let c = (BigInt(seed) >> 32n) & M;
  let counter = 1n;
  const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (32n - k))) & M;
  const next = () => {
    const t = (a + b + counter) & M;
    counter = (counter + 1n) & M;
    a = b ^ (b >> 9n);
    b = (c + (c << 3n)) & M;
    c = (rotl(c, 21n) + t) & M;
    return Number(t);
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

describe('sfc32', () => {
  it('matches the published definition', () => {
    for (const seed of [0, 1, 7, 0xffffffff, 2 ** 40 + 123]) {
      const ours = sfc32(seed);
      const ref = sfc32Reference(seed);
      for (let i = 0; i < 1000; i++) expect(ours()).toBe(ref());
    }
  });

  it('rejects seeds that are not non-negative integers', () => {
    expect(() => sfc32(-1)).toThrow(
      /seed must be a non-negative integer below 2\^53 \(e.g. seed: 7\), got -1/,
    );
    expect(() => sfc32(1.5)).toThrow(/seed must be a non-negative integer/);
  });
});

describe('seeded latents', () => {
  it('are Box-Muller normals over 53-bit sfc32 uniforms, rounded once to float32', () => {
    const bits = sfc32Reference(42);
    const expected: number[] = [];
    while (expected.length < 20) {
      const u = () => (Math.floor(bits() / 32) * 2 ** 26 + Math.floor(bits() / 64)) / 2 ** 53;
      const u1 = 1 - u();
      const u2 = u();
      const r = Math.sqrt(-2 * Math.log(u1));
      expected.push(Math.fround(r * Math.cos(2 * Math.PI * u2)), Math.fround(r * Math.sin(2 * Math.PI * u2)));
    }
    expect(Array.from(seededLatents(42, 4, 5))).toEqual(expected);
  });

  it('are bit-identical for the same seed and differ across seeds', () => {
    const a = seededLatents(7, 64, 100);
    const b = seededLatents(7, 64, 100);
    expect(new Uint32Array(a.buffer)).toEqual(new Uint32Array(b.buffer));
    expect(seededLatents(8, 64, 100)).not.toEqual(a);
    // The high 32 bits of the seed count too.
    expect(seededLatents(2 ** 32 + 7, 64, 100)).not.toEqual(a);
  });

  it('a smaller draw is a prefix of a larger one', () => {
    expect(seededLatents(3, 10, 16)).toEqual(seededLatents(3, 25, 16).subarray(0, 160));
  });

  it('are standard normal: mean, std and the one-sigma mass of 100k draws', () => {
    const z = seededLatents(1, 1000, 100);
    let sum = 0;
    let sq = 0;
    let within = 0;
    for (const v of z) {
      sum += v;
      sq += v * v;
      if (Math.abs(v) < 1) within++;
    }
    const mean = sum / z.length;
    const std = Math.sqrt(sq / z.length - mean * mean);
    expect(Math.abs(mean)).toBeLessThan(0.015);
    expect(Math.abs(std - 1)).toBeLessThan(0.015);
    expect(Math.abs(within / z.length - 0.6827)).toBeLessThan(0.01);
  });

  it('truncation redraws out-of-range values instead of clamping them', () => {
    const z = seededLatents(5, 200, 50, 0.5);
    expect(Math.max(...Array.from(z, Math.abs))).toBeLessThanOrEqual(0.5);
    expect(z.filter((v) => Math.abs(v) === 0.5).length).toBe(0);
    // Truncated to |z| <= 0.5 a normal is close to uniform there: mean |z| near 0.245.
    const meanAbs = z.reduce((s, v) => s + Math.abs(v), 0) / z.length;
    expect(Math.abs(meanAbs - 0.245)).toBeLessThan(0.01);
  });

  it('honour a tiny truncation: 1e-9 returns values within ±1e-9, spread over the interval', () => {
    // Redrawing would need about a billion normals per value here.
    const t = 1e-9;
    const z = seededLatents(4, 64, 128, t);
    expect(z.every((v) => Math.abs(v) <= t)).toBe(true);
    // So narrow a normal is uniform on [-t, t]: mean |z| is t/2, and both signs are as common.
    const meanAbs = z.reduce((s, v) => s + Math.abs(v), 0) / z.length;
    expect(Math.abs(meanAbs / t - 0.5)).toBeLessThan(0.02);
    const negative = z.filter((v) => v < 0).length / z.length;
    expect(Math.abs(negative - 0.5)).toBeLessThan(0.02);
    expect(seededLatents(4, 64, 128, t)).toEqual(z);
    // A smaller draw is still a prefix of a larger one.
    expect(seededLatents(4, 3, 128, t)).toEqual(z.subarray(0, 3 * 128));
    // The smallest positive numbers too: every value rounds to zero but none falls outside.
    expect(seededLatents(4, 2, 8, Number.MIN_VALUE).every((v) => Math.abs(v) <= Number.MIN_VALUE)).toBe(true);
  });

  it('below the redraw range, take each value as the truncated-normal quantile of one uniform', () => {
    const t = 0.09;
    expect(t).toBeLessThan(REDRAW_MIN);
    const bits = sfc32(11);
    const expected = Array.from({ length: 3 * 50 }, () => {
      const u = ((bits() >>> 5) * 67108864 + (bits() >>> 6)) / 2 ** 53;
      return truncatedNormal(u, t);
    });
    expect(Array.from(seededLatents(11, 3, 50, t))).toEqual(expected);
  });

  it('truncatedNormal is the quantile of the normal truncated to [-t, t]', () => {
    // Φ(1) and Φ(-3), to 16 digits.
    const phi1 = 0.8413447460685429;
    const phiMinus3 = 0.0013498980316301;
    const inside3 = 1 - 2 * phiMinus3;
    expect(truncatedNormal(0.5, 3)).toBe(0);
    expect(truncatedNormal((phi1 - phiMinus3) / inside3, 3)).toBeCloseTo(1, 7);
    expect(truncatedNormal((1 - phi1 - phiMinus3) / inside3, 3)).toBeCloseTo(-1, 7);
    // The lower tail: P(z < -2.5) = 0.0062096653257761.
    expect(truncatedNormal((0.0062096653257761 - phiMinus3) / inside3, 3)).toBeCloseTo(-2.5, 6);
    expect(truncatedNormal(0, 3)).toBe(-3);
    expect(truncatedNormal(0.75, 1e-9) / 1e-9).toBeCloseTo(0.5, 6);
    // Float32 rounding never steps outside: 0.1 is not a float32, and its nearest float32 is above it.
    expect(Math.fround(0.1)).toBeGreaterThan(0.1);
    expect(truncatedNormal(1 - 2 ** -53, 0.1)).toBeLessThanOrEqual(0.1);
    expect(truncatedNormal(0, 0.1)).toBeGreaterThanOrEqual(-0.1);
  });

  it('check their arguments', () => {
    expect(() => seededLatents(1, -1, 4)).toThrow(/count must be a non-negative integer/);
    expect(() => seededLatents(1, 1, 0)).toThrow(/latent dim must be a positive integer/);
    for (const t of [0, -1, NaN, Infinity]) {
      expect(() => seededLatents(1, 1, 4, t)).toThrow(/truncation must be a positive number/);
    }
  });

  it('are normalStream values rounded to float32, truncated ones skipped, for any dim', () => {
    for (const [seed, count, dim, truncation] of [
      [3, 4, 7, undefined],
      [2 ** 40 + 5, 3, 9, undefined],
      [11, 5, 3, 0.4],
      [12, 2, 100, 1.5],
    ] as const) {
      const next = normalStream(seed);
      const expected: number[] = [];
      while (expected.length < count * dim) {
        const z = next();
        if (truncation === undefined || Math.abs(z) <= truncation) expected.push(Math.fround(z));
      }
      expect(Array.from(seededLatents(seed, count, dim, truncation))).toEqual(expected);
    }
  });

  it('normalStream uses both Box-Muller outputs', () => {
    const next = normalStream(9);
    const firstPair = [next(), next()];
    expect(Math.fround(firstPair[0]!)).toBe(seededLatents(9, 1, 2)[0]);
    expect(Math.fround(firstPair[1]!)).toBe(seededLatents(9, 1, 2)[1]);
  });
});

describe('normalsFrom', () => {
  /** The Box-Muller pair, written out. */
  const pair = (u1: number, u2: number) => {
    const r = Math.sqrt(-2 * Math.log(1 - u1));
    return [r * Math.cos(2 * Math.PI * u2), r * Math.sin(2 * Math.PI * u2)];
  };
  const uniforms = [0.1, 0.7, 0.25, 0.5, 0.9, 0.05];
  const source = () => {
    let i = 0;
    return () => uniforms[i++]!;
  };

  it('gives r·cos θ then r·sin θ for each two uniforms', () => {
    const next = normalsFrom(source());
    const got = Array.from({ length: 6 }, next);
    expect(got).toEqual([...pair(0.1, 0.7), ...pair(0.25, 0.5), ...pair(0.9, 0.05)]);
  });

  it('with pairs: false, drops the sine and draws two fresh uniforms per value', () => {
    const next = normalsFrom(source(), { pairs: false });
    const got = Array.from({ length: 3 }, next);
    expect(got).toEqual([pair(0.1, 0.7)[0], pair(0.25, 0.5)[0], pair(0.9, 0.05)[0]]);
  });

  it('is what normalStream and seededLatents draw over sfc32', () => {
    const bits = sfc32(11);
    const next = normalsFrom(() => ((bits() >>> 5) * 67108864 + (bits() >>> 6)) / 9007199254740992);
    const stream = normalStream(11);
    const values = Array.from({ length: 9 }, () => next());
    expect(Array.from({ length: 9 }, () => stream())).toEqual(values);
    expect(Array.from(seededLatents(11, 3, 3))).toEqual(values.map(Math.fround));
  });
});
