/** Real-vs-generated scatter plot of 2-D points on a canvas (blue real, orange generated, as in d2l). */
export const REAL_COLOR = '#1f77b4';
export const FAKE_COLOR = '#ff7f0e';

export interface Bounds {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

/** Bounds covering every finite point of every set (x, y interleaved), with 5% padding. */
export function scatterBounds(sets: ArrayLike<number>[]): Bounds {
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const s of sets) {
    for (let i = 0; i + 1 < s.length; i += 2) {
      const x = s[i] as number;
      const y = s[i + 1] as number;
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      xMin = Math.min(xMin, x);
      xMax = Math.max(xMax, x);
      yMin = Math.min(yMin, y);
      yMax = Math.max(yMax, y);
    }
  }
  if (xMin > xMax) return { xMin: -1, xMax: 1, yMin: -1, yMax: 1 };
  const padX = (xMax - xMin || 1) * 0.05;
  const padY = (yMax - yMin || 1) * 0.05;
  return { xMin: xMin - padX, xMax: xMax + padX, yMin: yMin - padY, yMax: yMax + padY };
}

export function drawScatter(
  canvas: HTMLCanvasElement,
  series: { points: ArrayLike<number>; color: string }[],
  size = 480,
): void {
  const dpr = globalThis.devicePixelRatio || 1;
  canvas.width = Math.round(size * dpr);
  canvas.height = Math.round(size * dpr);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('this browser cannot draw on a canvas (2d context unavailable)');
  ctx.scale(dpr, dpr);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, size, size);

  const b = scatterBounds(series.map((s) => s.points));
  const margin = 8;
  const sx = (x: number) => margin + ((x - b.xMin) / (b.xMax - b.xMin)) * (size - 2 * margin);
  const sy = (y: number) => size - margin - ((y - b.yMin) / (b.yMax - b.yMin)) * (size - 2 * margin);

  ctx.strokeStyle = '#ddd';
  ctx.strokeRect(margin, margin, size - 2 * margin, size - 2 * margin);
  for (const { points, color } of series) {
    ctx.fillStyle = color;
    ctx.globalAlpha = 0.7;
    for (let i = 0; i + 1 < points.length; i += 2) {
      ctx.beginPath();
      ctx.arc(sx(points[i] as number), sy(points[i + 1] as number), 2.2, 0, Math.PI * 2);
      ctx.fill();
    }
  }
  ctx.globalAlpha = 1;
}
