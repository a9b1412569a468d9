import { describe, expect, it } from 'vitest';
import { modeCentres, modeCoverage } from './modes';

describe('mode coverage', () => {
  it('counts the ring’s modes that hold a quarter of their share within 3σ', () => {
    const centres = modeCentres('ring8')!;
    expect(centres).toHaveLength(8);
    // 100 points on each of 3 modes, 10 on a fourth (under a quarter of 400/8 = 12.5), 90 far away.
    const pts: number[] = [];
    for (const [k, n] of [
      [0, 100],
      [2, 100],
      [5, 100],
      [7, 10],
    ] as const) {
      for (let i = 0; i < n; i++) pts.push(centres[k]![0] + 0.01, centres[k]![1] - 0.01);
    }
    for (let i = 0; i < 90; i++) pts.push(0, 0);
    const c = modeCoverage(pts, centres);
    expect(c).toMatchObject({ covered: 3, total: 8, radius: 0.15, count: 400 });
    expect(c.near).toBeCloseTo(310 / 400, 6);
  });

  it('knows the 5×5 grid and has no modes for the other data', () => {
    expect(modeCentres('grid25')).toHaveLength(25);
    expect(modeCentres('moons')).toBeNull();
    expect(modeCentres('gaussian2d')).toBeNull();
  });
});
