import { describe, expect, it } from 'vitest';
import { manifoldCells, normalCdf, polygonArea } from './manifold';

/** G as a linear map of a gridSize² latent grid on [−span, span]² (rows from the top). */
function grid(n: number, span: number, g: (z1: number, z2: number) => [number, number]): number[] {
  const out: number[] = [];
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++)
      out.push(...g(-span + (2 * span * c) / (n - 1), span - (2 * span * r) / (n - 1)));
  }
  return out;
}

describe('the manifold’s cell densities', () => {
  it('has a normal CDF and polygon areas to trust', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.96)).toBeCloseTo(0.975, 4);
    expect(normalCdf(-1)).toBeCloseTo(0.158655, 5);
    expect(
      polygonArea([
        [0, 0],
        [2, 0],
        [2, 3],
        [0, 3],
      ]),
    ).toBe(6);
  });

  it('gives uniform noise the same density everywhere, and a squeezed map a higher one', () => {
    const identity = manifoldCells({
      transport: grid(5, 1, (a, b) => [a, b]),
      gridSize: 5,
      span: 1,
      latentDim: 2,
      noise: 'uniform',
    });
    expect(identity).toHaveLength(16);
    for (const c of identity) expect(c.density).toBeCloseTo(0.25, 6);
    const squeezed = manifoldCells({
      transport: grid(5, 1, (a, b) => [a / 2, b]),
      gridSize: 5,
      span: 1,
      latentDim: 2,
      noise: 'uniform',
    });
    for (const c of squeezed) expect(c.density).toBeCloseTo(0.5, 6);
    // The same relative shading either way: each is the average density of its own manifold.
    expect(squeezed[0]!.alpha).toBeCloseTo(identity[0]!.alpha, 6);
  });

  it('shades Gaussian noise darkest at the centre, and 1-D noise as segments', () => {
    const cells = manifoldCells({
      transport: grid(5, 2, (a, b) => [a, b]),
      gridSize: 5,
      span: 2,
      latentDim: 2,
      noise: 'gaussian',
    });
    const centre = cells[5]!; // row 1, column 1: next to the origin
    const corner = cells[0]!;
    expect(centre.alpha).toBeGreaterThan(corner.alpha);
    const line = manifoldCells({
      transport: grid(5, 2, (a) => [a, 0]),
      gridSize: 5,
      span: 2,
      latentDim: 1,
      noise: 'gaussian',
    });
    expect(line).toHaveLength(4);
    expect(line[0]!.corners).toHaveLength(2);
    expect(line[1]!.mass).toBeCloseTo(normalCdf(0) - normalCdf(-1), 6);
  });
});
