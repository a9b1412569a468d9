import { describe, expect, it } from 'vitest';
import { interpolateLatents } from './interpolate';
import { seededLatents } from './random';

const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));

describe('interpolateLatents', () => {
  const a = seededLatents(1, 1, 32);
  const b = seededLatents(2, 1, 32);

  it('starts and ends exactly at the given latents, for slerp and lerp', () => {
    for (const method of ['slerp', 'lerp'] as const) {
      const path = interpolateLatents(a, b, 7, method);
      expect(path.length).toBe(7 * 32);
      expect(path.subarray(0, 32)).toEqual(a);
      expect(path.subarray(6 * 32)).toEqual(b);
    }
  });

  it('lerp takes evenly spaced points on the segment', () => {
    const path = interpolateLatents(a, b, 3, 'lerp');
    for (let i = 0; i < 32; i++) expect(path[32 + i]).toBeCloseTo((a[i]! + b[i]!) / 2, 6);
  });

  it('slerp follows the great circle: orthogonal unit vectors meet at (a+b)/sqrt(2)', () => {
    const x = new Float32Array([1, 0, 0]);
    const y = new Float32Array([0, 1, 0]);
    const path = interpolateLatents(x, y, 3, 'slerp');
    expect(path[3]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(path[4]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(path[5]).toBe(0);
    // Equal-norm ends keep that norm all the way (lerp would shrink it).
    const scaled = new Float32Array(b.map((v) => (v * norm(a)) / norm(b)));
    const arc = interpolateLatents(a, scaled, 5, 'slerp');
    for (let k = 0; k < 5; k++) expect(norm(arc.subarray(k * 32, (k + 1) * 32)) / norm(a)).toBeCloseTo(1, 5);
    const line = interpolateLatents(a, scaled, 5, 'lerp');
    expect(norm(line.subarray(64, 96))).toBeLessThan(norm(a) * 0.99);
  });

  it('falls back to lerp for parallel ends instead of dividing by zero', () => {
    const path = interpolateLatents(a, new Float32Array(a.map((v) => v * 2)), 3, 'slerp');
    expect(path.every(Number.isFinite)).toBe(true);
    expect(path[32]).toBeCloseTo(a[0]! * 1.5, 5);
  });

  it('checks steps, lengths and the method', () => {
    expect(() => interpolateLatents(a, b, 1)).toThrow(/steps must be an integer >= 2/);
    expect(() => interpolateLatents(a, b.subarray(1), 3)).toThrow(/differ in length \(32 vs 31\)/);
    expect(() => interpolateLatents(a, b, 3, 'cubic' as 'lerp')).toThrow(/method must be 'slerp' or 'lerp'/);
  });
});
