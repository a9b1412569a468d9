/**
 * D's output over the plane as a heat map (green where D says real, purple where it says fake, white
 * at its boundary), with the real and generated points over it.
 */
import type { Bounds, Snapshot } from '../protocol';
import { COLORS, Plane } from './plane';

/** Blend white towards green (t > 0) or purple (t < 0), |t| ≤ 1. */
function shade(t: number): [number, number, number] {
  const [r, g, b] = t >= 0 ? [26, 152, 80] : [123, 63, 191];
  const a = Math.min(1, Math.abs(t)) * 0.75;
  return [255 + (r - 255) * a, 255 + (g - 255) * a, 255 + (b - 255) * a];
}

const cells = typeof document === 'undefined' ? null : document.createElement('canvas');

/** Paints D's output of `s` over the whole of `plane`. */
export function drawHeat(plane: Plane, s: Snapshot): void {
  const n = s.heatSize;
  if (!cells || n === 0) return;
  cells.width = n;
  cells.height = n;
  const cctx = cells.getContext('2d')!;
  const img = cctx.createImageData(n, n);
  // Probabilities are centred on 0.5; raw scores (least squares, critics) on their median, scaled by
  // their spread, so the boundary shows whatever the scale.
  const values = Array.from(s.heat);
  let centre = 0.5;
  let scale = 0.5;
  if (!s.heatIsProbability) {
    const sorted = [...values].sort((a, b) => a - b);
    centre = sorted[Math.floor(sorted.length / 2)]!;
    scale = Math.max(
      1e-6,
      (sorted[Math.floor(sorted.length * 0.95)]! - sorted[Math.floor(sorted.length * 0.05)]!) / 2,
    );
  }
  values.forEach((v, i) => {
    const [r, g, b] = Number.isFinite(v) ? shade((v - centre) / scale) : [200, 200, 200];
    img.data.set([r, g, b, 255], i * 4);
  });
  cctx.putImageData(img, 0, 0);
  plane.ctx.imageSmoothingEnabled = true;
  plane.ctx.drawImage(cells, 0, 0, plane.size, plane.size);
}

/** The legend entries of the heat map, for a probability or a raw score. */
export function heatLegend(s: Snapshot): [string, string][] {
  return [
    [s.heatIsProbability ? 'D(x) > 0.5: "real"' : 'critic high: "real"', '#7fc79b'],
    [s.heatIsProbability ? 'D(x) < 0.5: "fake"' : 'critic low: "fake"', '#b89ce0'],
  ];
}

export class HeatmapView {
  readonly plane = new Plane("The discriminator's output over the plane", 'pg-heatmap');
  private real: ArrayLike<number> = [];

  setReal(real: ArrayLike<number>, bounds: Bounds): void {
    this.real = real;
    this.plane.bounds = bounds;
  }

  draw(s: Snapshot): void {
    const p = this.plane;
    drawHeat(p, s);
    p.dots(this.real, COLORS.real, 1.2, 0.5);
    p.dots(s.fake, COLORS.fake, 1.2, 0.6);
    p.legend(heatLegend(s));
  }
}
