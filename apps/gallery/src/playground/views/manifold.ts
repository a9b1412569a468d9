/**
 * G's manifold: the cells of the latent grid as G maps them into the plane, each shaded by the density G
 * puts there, the noise's probability in the latent cell over the cell's area in the plane (GAN Lab's
 * manifold view). Where G squeezes many latents into a small cell the cell is dark; where it stretches a
 * few over a large one, faint. With 1-D noise the manifold is a curve, shaded segment by segment.
 */
import { COLORS, type Plane } from './plane';

export interface ManifoldInput {
  /** G's image of a gridSize² grid of latents, row-major (x, y pairs), rows from the top. */
  transport: ArrayLike<number>;
  gridSize: number;
  /** The grid spans [−span, span] on z's first two axes. */
  span: number;
  latentDim: number;
  noise: 'gaussian' | 'uniform';
}

export interface ManifoldCell {
  /** Corners in the plane (2 for a segment of 1-D noise, 4 for a cell). */
  corners: [number, number][];
  /** Noise probability in the latent cell, and that over the cell's area (or length). */
  mass: number;
  density: number;
  /** How dark it is drawn, 0 to 0.85. */
  alpha: number;
}

/** The standard normal CDF (Abramowitz and Stegun 7.1.26 for erf; error under 1.5e-7). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + 0.3275911 * (Math.abs(x) / Math.SQRT2));
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** The noise's probability between a and b on one axis. */
function axisMass(a: number, b: number, noise: ManifoldInput['noise']): number {
  const [lo, hi] = a < b ? [a, b] : [b, a];
  return noise === 'uniform'
    ? Math.max(0, Math.min(hi, 1) - Math.max(lo, -1)) / 2
    : normalCdf(hi) - normalCdf(lo);
}

/** The shaded cells (or segments) of the manifold. */
export function manifoldCells(m: ManifoldInput): ManifoldCell[] {
  const n = m.gridSize;
  const z = (k: number) => -m.span + (2 * m.span * k) / (n - 1);
  const at = (r: number, c: number): [number, number] => [
    m.transport[2 * (r * n + c)]!,
    m.transport[2 * (r * n + c) + 1]!,
  ];
  const cells: Omit<ManifoldCell, 'alpha'>[] = [];
  if (m.latentDim === 1) {
    for (let c = 0; c + 1 < n; c++) {
      const [a, b] = [at(0, c), at(0, c + 1)];
      const mass = axisMass(z(c), z(c + 1), m.noise);
      cells.push({
        corners: [a, b],
        mass,
        density: mass / Math.max(Math.hypot(b[0] - a[0], b[1] - a[1]), 1e-9),
      });
    }
  } else {
    for (let r = 0; r + 1 < n; r++) {
      for (let c = 0; c + 1 < n; c++) {
        const corners = [at(r, c), at(r, c + 1), at(r + 1, c + 1), at(r + 1, c)];
        // Rows run from +span at the top down to −span.
        const mass = axisMass(z(c), z(c + 1), m.noise) * axisMass(-z(r), -z(r + 1), m.noise);
        cells.push({ corners, mass, density: mass / Math.max(polygonArea(corners), 1e-9) });
      }
    }
  }
  const measure = (c: Omit<ManifoldCell, 'alpha'>) => c.mass / c.density;
  const totalMass = cells.reduce((s, c) => s + c.mass, 0);
  const totalSize = cells.reduce((s, c) => s + measure(c), 0);
  const ref = totalSize > 0 ? totalMass / totalSize : 1;
  return cells.map((c) => ({ ...c, alpha: 0.85 * (1 - Math.exp(-c.density / ref)) }));
}

/** |area| of a polygon (shoelace). */
export function polygonArea(p: [number, number][]): number {
  let a = 0;
  for (let i = 0; i < p.length; i++) {
    const [x0, y0] = p[i]!;
    const [x1, y1] = p[(i + 1) % p.length]!;
    a += x0 * y1 - x1 * y0;
  }
  return Math.abs(a) / 2;
}

/** Draws the shaded manifold on `plane`. */
export function drawManifold(plane: Plane, m: ManifoldInput): void {
  const { ctx } = plane;
  ctx.save();
  ctx.fillStyle = COLORS.grid;
  ctx.strokeStyle = COLORS.grid;
  for (const cell of manifoldCells(m)) {
    ctx.globalAlpha = cell.alpha;
    ctx.beginPath();
    cell.corners.forEach(([x, y], i) =>
      i === 0 ? ctx.moveTo(plane.px(x), plane.py(y)) : ctx.lineTo(plane.px(x), plane.py(y)),
    );
    if (cell.corners.length === 2) {
      ctx.lineWidth = 4 * (plane.size / 360);
      ctx.stroke();
    } else {
      ctx.closePath();
      ctx.fill();
    }
  }
  ctx.restore();
}
