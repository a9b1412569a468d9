/**
 * Mode coverage of the bundled mixtures (the ring of 8 and the 5×5 grid, std 0.05 around each centre, as
 * the trainer makes them): a generated point is near a mode within 3σ of its centre, and a mode counts as
 * covered when at least a quarter of its even share of the points is near it (the class coverage rule).
 * Fréchet-2d compares only means and covariances, so it can read low while modes are missed.
 */
import type { ModeCoverage } from './protocol';

const STD = 0.05;

/** The mixture centres of a bundled dataset, or null for data without modes. */
export function modeCentres(dataset: string): [number, number][] | null {
  if (dataset === 'ring8') {
    return Array.from({ length: 8 }, (_, k): [number, number] => {
      const a = (2 * Math.PI * k) / 8;
      return [2 * Math.cos(a), 2 * Math.sin(a)];
    });
  }
  if (dataset === 'grid25') {
    const out: [number, number][] = [];
    for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) out.push([i - 2, j - 2]);
    return out;
  }
  return null;
}

/** How many of `centres` the points (x, y pairs) cover, and the share of points near any. */
export function modeCoverage(
  points: ArrayLike<number>,
  centres: [number, number][],
  std = STD,
): ModeCoverage {
  const radius = 3 * std;
  const count = Math.floor(points.length / 2);
  const hits = new Array<number>(centres.length).fill(0);
  let near = 0;
  for (let i = 0; i < count; i++) {
    const x = points[2 * i]!;
    const y = points[2 * i + 1]!;
    let best = -1;
    let bestD = radius;
    centres.forEach(([cx, cy], k) => {
      const d = Math.hypot(x - cx, y - cy);
      if (d <= bestD) [best, bestD] = [k, d];
    });
    if (best >= 0) {
      hits[best]!++;
      near++;
    }
  }
  const share = count / centres.length / 4;
  return {
    covered: hits.filter((h) => h > 0 && h >= share).length,
    total: centres.length,
    near: count ? near / count : 0,
    radius: Math.round(radius * 1000) / 1000,
    count,
  };
}
