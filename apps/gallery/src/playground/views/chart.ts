import { canvasScale } from './plane';

/** A small line chart on a canvas region: series over training steps with a legend and y range. */
export interface Series {
  label: string;
  color: string;
  values: number[];
}

export interface ChartBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

const fmt = (v: number) =>
  Math.abs(v) >= 100 || v === 0 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(2);

export function lineChart(
  ctx: CanvasRenderingContext2D,
  box: ChartBox,
  title: string,
  steps: number[],
  series: Series[],
  fixed?: [number, number],
  /** Plot on a log scale (positive values), for distances that fall by orders of magnitude. */
  log = false,
): void {
  const s = canvasScale(ctx.canvas, 560);
  if (log) series = series.map((x) => ({ ...x, values: x.values.map((v) => Math.log10(Math.max(v, 1e-6))) }));
  const label = (v: number) => fmt(log ? 10 ** v : v);
  const pad = { l: 52 * s, r: 8 * s, t: 22 * s, b: 18 * s };
  const inner = { x: box.x + pad.l, y: box.y + pad.t, w: box.w - pad.l - pad.r, h: box.h - pad.t - pad.b };
  let [lo, hi] = fixed ?? [Infinity, -Infinity];
  if (!fixed) {
    for (const ser of series)
      for (const v of ser.values) if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    if (!Number.isFinite(lo)) [lo, hi] = [0, 1];
    if (hi - lo < 1e-9) [lo, hi] = [lo - 0.5, hi + 0.5];
  }
  const first = steps[0] ?? 0;
  const last = Math.max(steps[steps.length - 1] ?? 1, first + 1);
  const X = (step: number) => inner.x + ((step - first) / (last - first)) * inner.w;
  const Y = (v: number) => inner.y + (1 - (v - lo) / (hi - lo)) * inner.h;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(box.x, box.y, box.w, box.h);
  ctx.strokeStyle = '#dde1e7';
  ctx.lineWidth = 1;
  ctx.strokeRect(inner.x, inner.y, inner.w, inner.h);
  ctx.font = `${12 * s}px system-ui, sans-serif`;
  ctx.fillStyle = '#1d2330';
  ctx.textBaseline = 'alphabetic';
  ctx.textAlign = 'left';
  ctx.fillText(title, box.x + 4 * s, box.y + 14 * s);
  // Legend after the title.
  let lx = box.x + 8 * s + ctx.measureText(title).width + 10 * s;
  for (const ser of series.filter((x) => x.label)) {
    ctx.fillStyle = ser.color;
    ctx.fillRect(lx, box.y + 6 * s, 10 * s, 8 * s);
    ctx.fillStyle = '#5b6472';
    ctx.fillText(ser.label, lx + 13 * s, box.y + 14 * s);
    lx += 13 * s + ctx.measureText(ser.label).width + 10 * s;
  }
  ctx.textAlign = 'right';
  ctx.fillStyle = '#5b6472';
  ctx.fillText(label(hi), inner.x - 4 * s, inner.y + 9 * s);
  ctx.fillText(label(lo), inner.x - 4 * s, inner.y + inner.h);
  ctx.textAlign = 'left';
  ctx.fillText(`step ${first}`, inner.x, box.y + box.h - 4 * s);
  ctx.textAlign = 'right';
  ctx.fillText(`${steps[steps.length - 1] ?? 0}`, inner.x + inner.w, box.y + box.h - 4 * s);
  ctx.textAlign = 'left';
  ctx.lineWidth = 1.5 * s;
  for (const ser of series) {
    ctx.strokeStyle = ser.color;
    ctx.beginPath();
    let pen = false;
    ser.values.forEach((v, i) => {
      if (!Number.isFinite(v)) {
        pen = false;
        return;
      }
      const [x, y] = [X(steps[i]!), Y(Math.min(hi, Math.max(lo, v)))];
      if (pen) ctx.lineTo(x, y);
      else ctx.moveTo(x, y);
      pen = true;
    });
    ctx.stroke();
  }
}
