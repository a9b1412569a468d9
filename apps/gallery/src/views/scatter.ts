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
  // Room on the left and at the bottom for the axes' tick labels.
  const left = 40;
  const bottom = 28;
  const margin = 8;
  const w = size - left - margin;
  const h = size - bottom - margin;
  const sx = (x: number) => left + ((x - b.xMin) / (b.xMax - b.xMin)) * w;
  const sy = (y: number) => margin + h - ((y - b.yMin) / (b.yMax - b.yMin)) * h;

  ctx.strokeStyle = '#ddd';
  ctx.strokeRect(left, margin, w, h);
  ctx.fillStyle = '#444';
  ctx.font = '11px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const t of ticks(b.xMin, b.xMax)) {
    const x = sx(t);
    ctx.fillRect(x, margin + h, 1, 4);
    ctx.fillText(tickText(t), x, margin + h + 6);
  }
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of ticks(b.yMin, b.yMax)) {
    const y = sy(t);
    ctx.fillRect(left - 4, y, 4, 1);
    ctx.fillText(tickText(t), left - 6, y);
  }
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

/** Round tick values (1, 2 or 5 times a power of ten apart), about five across the range. */
export function ticks(min: number, max: number, count = 5): number[] {
  const span = max - min;
  if (!(span > 0) || !Number.isFinite(span)) return [];
  const raw = span / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * pow >= raw) ?? 10) * pow;
  const out: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step)
    out.push(Number(t.toPrecision(12)));
  return out;
}

function tickText(t: number): string {
  return Math.abs(t) < 1e-12 ? '0' : String(Number(t.toPrecision(4)));
}
