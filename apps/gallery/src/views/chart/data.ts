/**
 * A chart's data: series over steps (or epochs) with their wall times, aligned on one x array as uPlot
 * needs it, smoothed, and written out as CSV or JSON for download.
 */

export interface ChartSeries {
  label: string;
  color: string;
  /** Steps (or epochs) of the values. */
  x: number[];
  y: (number | null)[];
  /** Seconds since the run started at each x, when known (the wall-time axis needs it). */
  wall?: number[];
}

/** Exponential moving average with uPlot-style bias correction; weight 0 returns the values. */
export function smooth(values: (number | null)[], weight: number): (number | null)[] {
  if (weight <= 0) return values.slice();
  let acc = 0;
  let n = 0;
  return values.map((v) => {
    if (v === null || !Number.isFinite(v)) return null;
    acc = acc * weight + (1 - weight) * v;
    n++;
    return acc / (1 - weight ** n);
  });
}

/** Several series on the union of their x values (null where a series has no value). */
export function align(series: { x: number[]; y: (number | null)[] }[]): {
  xs: number[];
  ys: (number | null)[][];
} {
  const xs = [...new Set(series.flatMap((s) => s.x))].sort((a, b) => a - b);
  const at = new Map(xs.map((x, i) => [x, i]));
  const ys = series.map((s) => {
    const out = new Array<number | null>(xs.length).fill(null);
    s.x.forEach((x, i) => {
      const v = s.y[i];
      out[at.get(x)!] = v === undefined || v === null || !Number.isFinite(v) ? null : v;
    });
    return out;
  });
  return { xs, ys };
}

/**
 * Seconds since the start at each of `steps`, from the wall times known at some steps (epoch ends):
 * linear between them, from (0, 0) before the first, at the last known pace after the last.
 */
export function interpolateWall(steps: number[], known: { step: number; seconds: number }[]): number[] {
  const pts = [{ step: 0, seconds: 0 }, ...known.filter((k) => k.step > 0)].sort((a, b) => a.step - b.step);
  return steps.map((s) => {
    let i = 1;
    while (i < pts.length - 1 && pts[i]!.step < s) i++;
    const a = pts[Math.max(0, i - 1)]!;
    const b = pts[Math.min(i, pts.length - 1)]!;
    if (b.step === a.step) return a.seconds;
    return a.seconds + ((s - a.step) * (b.seconds - a.seconds)) / (b.step - a.step);
  });
}

const csvCell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** The series as CSV: one row per x, a column per series (and a wall-time column per series that has one). */
export function toCsv(xName: string, series: ChartSeries[]): string {
  const withWall = series.filter((s) => s.wall && s.wall.length === s.x.length);
  const { xs, ys } = align([
    ...series,
    ...withWall.map((s) => ({ x: s.x, y: s.wall!.map((w) => w) as (number | null)[] })),
  ]);
  const header = [xName, ...series.map((s) => s.label), ...withWall.map((s) => `${s.label} wall time (s)`)];
  const rows = xs.map((x, i) => [String(x), ...ys.map((y) => (y[i] === null ? '' : String(y[i])))]);
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}

/** The series as JSON: title, axes and each series' own points. */
export function toJson(
  title: string,
  axes: { x: string; y: string },
  series: ChartSeries[],
  extra: Record<string, unknown> = {},
): string {
  return `${JSON.stringify(
    {
      title,
      x: axes.x,
      y: axes.y,
      ...extra,
      series: series.map((s) => ({
        label: s.label,
        x: s.x,
        y: s.y,
        ...(s.wall ? { wallSeconds: s.wall } : {}),
      })),
    },
    null,
    1,
  )}\n`;
}

/** A file name from a title: "Loss per step" → "loss-per-step". */
export function fileStem(title: string): string {
  return (
    title
      .normalize('NFKD')
      .replace(/[^\w\s-]/g, '')
      .trim()
      .toLowerCase()
      .replace(/[\s_]+/g, '-')
      .replace(/-+/g, '-') || 'chart'
  );
}
