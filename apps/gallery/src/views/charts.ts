/**
 * A run's training curves, drawn with the shared chart (views/chart/chart.ts): per-step losses from
 * curve.json (smoothed, with epoch markers), per-epoch figures from metrics.json (integer epoch ticks,
 * accuracies on 0–1), one chart per evaluation metric on its own scale, and the adaptive augmentation's
 * p and r_t with their target when the run recorded them.
 */
import type { CurvePoint, MetricsRecord } from '../manifest';
import { Chart, type AxisSpec, type ChartSeries } from './chart/chart';
import { interpolateWall } from './chart/data';
import { betterText, metricInfo, type MetricInfo } from './metric-names';

export { smooth } from './chart/data';
export type { ChartSeries } from './chart/data';

export interface Line {
  label: string;
  color: string;
  value: (r: MetricsRecord) => number | undefined | null;
}

export const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];

/** The y axes the pages use. */
export const LOSS_AXIS: AxisSpec = { label: 'loss' };
export const ACCURACY_AXIS: AxisSpec = { label: 'accuracy', unit: '0–1', range: [0, 1] };

export interface LineChart {
  host: HTMLElement;
  chart: Chart;
  /** Draws a darker vertical line at the end of `epoch` (null: none). */
  mark(epoch: number | null): void;
}

/** Seconds since the start at each step, from the epochs' recorded wall times (none: undefined). */
export function wallOf(steps: number[], records: MetricsRecord[]): number[] | undefined {
  if (records.length === 0) return undefined;
  return interpolateWall(
    steps,
    records.map((r) => ({ step: r.step, seconds: r.wallTimeSec })),
  );
}

/** Per-epoch figures of metrics.json against the epoch (whole-number ticks). */
export function epochChart(
  title: string,
  records: MetricsRecord[],
  lines: Line[],
  y: AxisSpec,
  width = 480,
): LineChart {
  const epochs = records.map((r) => r.epoch);
  const wall = records.map((r) => r.wallTimeSec);
  const chart = new Chart({
    title,
    x: { label: 'epoch', integer: true },
    y,
    width,
    height: 200,
    series: lines.map((l) => ({
      label: l.label,
      color: l.color,
      x: epochs,
      y: records.map((r) => l.value(r) ?? null),
      wall,
    })),
  });
  return { host: chart.host, chart, mark: (epoch) => chart.mark(epoch) };
}

export interface StepChart extends LineChart {
  /** Replaces the data (a live run's new points), keeping the smoothing. */
  update(series: ChartSeries[], epochSteps: number[]): void;
  smoothing(weight: number): void;
}

/**
 * Per-step curves with a smoothing weight (faint raw lines under the smoothed ones unless `smoothing`
 * is null) and dashed lines at the steps where epochs ended; mark(epoch) darkens that epoch's line.
 */
export function stepChart(
  title: string,
  series: ChartSeries[],
  epochSteps: number[],
  opts: {
    width?: number;
    y?: AxisSpec;
    smoothing?: number | null;
    targets?: { value: number; label: string }[];
  } = {},
): StepChart {
  let ends = epochSteps;
  const chart = new Chart({
    title,
    x: { label: 'step', integer: true },
    y: opts.y ?? LOSS_AXIS,
    series,
    markers: ends,
    width: opts.width ?? 480,
    ...(opts.smoothing === null ? {} : { smoothing: opts.smoothing ?? 0.6 }),
    ...(opts.targets ? { targets: opts.targets } : {}),
  });
  return {
    host: chart.host,
    chart,
    mark: (epoch) => chart.mark(epoch === null ? null : (ends[epoch - 1] ?? null)),
    smoothing: (w) => chart.smoothing(w),
    update(next, nextEnds) {
      ends = nextEnds;
      chart.update(next, { markers: nextEnds });
    },
  };
}

/** The losses of curve.json as step series (with wall times from the epochs' records, when known). */
export function lossSeries(
  points: CurvePoint[],
  prefix = '',
  colors: [string, string] = ['#1f77b4', '#ff7f0e'],
  records: MetricsRecord[] = [],
): ChartSeries[] {
  const steps = points.map((p) => p.step);
  const wall = wallOf(steps, records);
  return [
    {
      label: `${prefix}discriminator`,
      color: colors[0],
      x: steps,
      y: points.map((p) => p.lossD),
      ...(wall ? { wall } : {}),
    },
    {
      label: `${prefix}generator`,
      color: colors[1],
      x: steps,
      y: points.map((p) => p.lossG),
      ...(wall ? { wall } : {}),
    },
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

/** The y axis of a metric: its name, whole numbers for counts. */
export function metricAxis(m: MetricInfo): AxisSpec {
  return { label: m.axis ?? m.name, ...(m.integer ? { integer: true } : {}) };
}

/** A metric's note under its chart: which way is better, what it measures, where it was scored. */
export function metricNote(m: MetricInfo): HTMLElement {
  const note = document.createElement('p');
  note.className = 'metric-note';
  const better = betterText(m);
  note.textContent = `${better.charAt(0).toUpperCase()}${better.slice(1)}: ${m.explain}; scored in ${m.evaluator}.`;
  return note;
}

/**
 * One small chart per metric, each on its own y scale, titled in words with its direction. With fewer
 * than three evaluations the chart shows its points with their values.
 */
export function metricCharts(records: MetricsRecord[], width: number): LineChart[] {
  const scored = records.filter((r) => r.extra && Object.keys(r.extra).length > 0);
  return evalMetrics(scored).map((m, i) => {
    const c = epochChart(
      m.name,
      scored,
      [{ label: m.name, color: COLORS[i % COLORS.length] ?? '#333', value: (r) => r.extra?.[m.key] }],
      metricAxis(m),
      width,
    );
    c.host.classList.add('metric-chart');
    c.host.dataset['metric'] = m.key;
    c.host.append(metricNote(m));
    return c;
  });
}
