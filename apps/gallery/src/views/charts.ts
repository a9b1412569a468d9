/**
 * Training curves drawn with uPlot: per-step losses from curve.json (smoothed, with epoch markers),
 * per-epoch figures from metrics.json, and one chart per evaluation metric, each on its own scale.
 * Legends show the value under the cursor, or the last value when the cursor is elsewhere.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { CurvePoint, MetricsRecord } from '../manifest';
import { betterText, metricInfo, type MetricInfo } from './metric-names';

export interface Line {
  label: string;
  color: string;
  value: (r: MetricsRecord) => number | undefined;
}

export const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];

export interface LineChart {
  host: HTMLElement;
  /** Draws a vertical line at `epoch` (null: none). */
  mark(epoch: number | null): void;
}

const fmt = (v: number) =>
  v === 0
    ? '0'
    : Math.abs(v) >= 100
      ? v.toFixed(1)
      : Math.abs(v) >= 0.01
        ? v.toPrecision(3)
        : v.toExponential(2);

/** The last non-null value of a series, shown in the legend when nothing is hovered. */
function lastOf(values: (number | null | undefined)[]): number | null {
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (v !== null && v !== undefined && Number.isFinite(v)) return v;
  }
  return null;
}

function legendValue(u: uPlot, v: number | null, si: number, idx: number | null): string {
  if (idx === null || v === null || v === undefined) {
    const last = lastOf((u.data[si] ?? []) as (number | null)[]);
    return last === null ? 'n/a' : fmt(last);
  }
  return fmt(v);
}

function xLegend(label: string) {
  return (u: uPlot, v: number | null, _si: number, idx: number | null): string => {
    if (idx === null || v === null) {
      const last = lastOf(u.data[0] as number[]);
      return last === null ? 'n/a' : `${label} ${last} (last)`;
    }
    return `${label} ${v}`;
  };
}

function dashedLine(u: uPlot, x: number, color: string) {
  const px = u.valToPos(x, 'x', true);
  if (!Number.isFinite(px)) return;
  const { ctx } = u;
  ctx.save();
  ctx.strokeStyle = color;
  ctx.lineWidth = 1;
  ctx.setLineDash([4, 4]);
  ctx.beginPath();
  ctx.moveTo(px, u.bbox.top);
  ctx.lineTo(px, u.bbox.top + u.bbox.height);
  ctx.stroke();
  ctx.restore();
}

function chartHost(label: string): HTMLElement {
  const host = document.createElement('div');
  host.className = 'chart';
  host.setAttribute('role', 'img');
  host.setAttribute('aria-label', label);
  return host;
}

export function lineChart(title: string, records: MetricsRecord[], lines: Line[], width = 480): LineChart {
  const host = chartHost(
    `${title} per epoch: ${lines
      .map((l) => {
        const end = records.at(-1);
        const v = end ? l.value(end) : undefined;
        return `${l.label} ends at ${v === undefined ? 'n/a' : fmt(v)}`;
      })
      .join(', ')}`,
  );
  let marked: number | null = null;
  const data: uPlot.AlignedData = [
    records.map((r) => r.epoch),
    ...lines.map((l) => records.map((r) => l.value(r) ?? null)),
  ];
  const plot = new uPlot(
    {
      title,
      width,
      height: 200,
      scales: { x: { time: false } },
      axes: [{ label: 'epoch' }, {}],
      series: [
        { label: 'epoch', value: xLegend('epoch') },
        ...lines.map((l) => ({ label: l.label, stroke: l.color, width: 2, value: legendValue })),
      ],
      hooks: { draw: [(u) => marked !== null && dashedLine(u, marked, '#888')] },
    },
    data,
    host,
  );
  return {
    host,
    mark(epoch) {
      marked = epoch;
      plot.redraw(false);
    },
  };
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

export interface StepSeries {
  label: string;
  color: string;
  steps: number[];
  values: (number | null)[];
}

export interface StepChart extends LineChart {
  /** Replaces the data (a live run's new points), keeping the smoothing. */
  update(series: StepSeries[], epochSteps: number[]): void;
  smoothing(weight: number): void;
}

/** Aligns several series on the union of their steps (uPlot needs one x array). */
function align(series: StepSeries[]): { xs: number[]; ys: (number | null)[][] } {
  const xs = [...new Set(series.flatMap((s) => s.steps))].sort((a, b) => a - b);
  const at = new Map(xs.map((x, i) => [x, i]));
  const ys = series.map((s) => {
    const out: (number | null)[] = new Array<number | null>(xs.length).fill(null);
    s.steps.forEach((x, i) => (out[at.get(x) ?? 0] = s.values[i] ?? null));
    return out;
  });
  return { xs, ys };
}

/**
 * Per-step curves with a smoothing weight; faint raw lines under the smoothed ones; dashed lines at
 * the steps where epochs ended (and a darker one at the epoch `mark` names).
 */
export function stepChart(
  title: string,
  series: StepSeries[],
  epochSteps: number[],
  width = 480,
  initialWeight = 0.6,
  /** Faint unsmoothed lines under the smoothed ones (off for a handful of points, e.g. evaluations). */
  raw = true,
): StepChart {
  const host = chartHost(
    `${title} per step: ${series.map((s) => `${s.label} ends at ${fmtLast(s.values)}`).join(', ')}`,
  );
  let weight = initialWeight;
  let current = series;
  let epochs = epochSteps;
  let marked: number | null = null;
  const dataOf = (): uPlot.AlignedData => {
    const { xs, ys } = align(current);
    return [xs, ...ys.map((y) => smooth(y, weight)), ...(raw ? ys : [])];
  };
  const build = () =>
    new uPlot(
      {
        title,
        width,
        height: 220,
        scales: { x: { time: false } },
        axes: [{ label: 'step' }, {}],
        series: [
          { label: 'step', value: xLegend('step') },
          ...current.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: 2,
            value: legendValue,
            spanGaps: true,
          })),
          ...(raw ? current : []).map((s) => ({
            label: `${s.label} (raw)`,
            stroke: `${s.color}40`,
            width: 1,
            spanGaps: true,
            show: true,
            value: legendValue,
          })),
        ],
        legend: { show: true },
        hooks: {
          draw: [
            (u) => {
              for (const [i, st] of epochs.entries()) dashedLine(u, st, marked === i + 1 ? '#555' : '#ccc');
            },
          ],
        },
      },
      dataOf(),
      host,
    );
  let plot = build();
  host.dataset['series'] = String(current.length);
  host.dataset['points'] = String(current.reduce((n, s) => n + s.steps.length, 0));
  return {
    host,
    mark(epoch) {
      marked = epoch;
      plot.redraw(false);
    },
    smoothing(w) {
      weight = w;
      plot.setData(dataOf());
    },
    update(next, nextEpochs) {
      epochs = nextEpochs;
      const sameShape = next.length === current.length && next.every((s, i) => s.label === current[i]?.label);
      current = next;
      host.dataset['series'] = String(current.length);
      host.dataset['points'] = String(current.reduce((n, s) => n + s.steps.length, 0));
      host.setAttribute(
        'aria-label',
        `${title} per step: ${current.map((s) => `${s.label} ends at ${fmtLast(s.values)}`).join(', ')}`,
      );
      if (sameShape) plot.setData(dataOf());
      else {
        plot.destroy();
        plot = build();
      }
    },
  };
}

function fmtLast(values: (number | null)[]): string {
  const v = lastOf(values);
  return v === null ? 'n/a' : fmt(v);
}

/** The losses of curve.json as step series. */
export function lossSeries(
  points: CurvePoint[],
  prefix = '',
  colors: [string, string] = ['#1f77b4', '#ff7f0e'],
): StepSeries[] {
  const steps = points.map((p) => p.step);
  return [
    { label: `${prefix}discriminator`, color: colors[0], steps, values: points.map((p) => p.lossD) },
    { label: `${prefix}generator`, color: colors[1], steps, values: points.map((p) => p.lossG) },
  ];
}

/** A smoothing slider for step charts (0 = raw … 0.99). */
export function smoothingControl(charts: () => StepChart[], initial = 0.6): HTMLElement {
  const wrap = document.createElement('label');
  wrap.className = 'smoothing';
  const input = document.createElement('input');
  Object.assign(input, { type: 'range', min: '0', max: '0.99', step: '0.01', value: String(initial) });
  input.id = 'smoothing';
  const out = document.createElement('output');
  out.textContent = initial.toFixed(2);
  input.addEventListener('input', () => {
    const w = Number(input.value);
    out.textContent = w.toFixed(2);
    for (const c of charts()) c.smoothing(w);
  });
  wrap.append('Smoothing ', input, ' ', out);
  return wrap;
}

/** The evaluation metrics recorded in metrics.json, in first-seen order, skipping counts and spreads. */
export function evalMetrics(records: MetricsRecord[]): MetricInfo[] {
  const keys = [...new Set(records.flatMap((r) => Object.keys(r.extra ?? {})))];
  return keys.map(metricInfo).filter((m): m is MetricInfo => m !== null);
}

/** One small chart per metric, each on its own y scale, titled in words with its direction. */
export function metricCharts(records: MetricsRecord[], width: number): LineChart[] {
  const scored = records.filter((r) => r.extra && Object.keys(r.extra).length > 0);
  return evalMetrics(scored).map((m, i) => {
    const chart = lineChart(
      m.name,
      scored,
      [{ label: m.name, color: COLORS[i % COLORS.length] ?? '#333', value: (r) => r.extra?.[m.key] }],
      width,
    );
    chart.host.classList.add('metric-chart');
    chart.host.dataset['metric'] = m.key;
    // As wide as its canvas, so the note under it wraps there.
    chart.host.style.width = `${width}px`;
    const note = document.createElement('p');
    note.className = 'metric-note';
    note.textContent = `${betterText(m)[0]?.toUpperCase() ?? ''}${betterText(m).slice(1)}: ${m.explain}; scored in ${m.evaluator}.`;
    chart.host.append(note);
    return chart;
  });
}
