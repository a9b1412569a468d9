/** The compared runs' curves overlaid: loss per step (D and G), and one chart per evaluation metric. */
import { el } from '../../dom';
import type { CurvePoint, ManifestRun, MetricsRecord } from '../../manifest';
import { ADAPTIVE, adaptiveSeries, adaptiveTarget, adaptiveValue } from '../../views/adaptive';
import {
  evalMetrics,
  LOSS_AXIS,
  metricAxis,
  stepChart,
  wallOf,
  type ChartSeries,
  type StepChart,
} from '../../views/charts';
import { betterText } from '../../views/metric-names';
import { colorOf } from './colors';
import { fetchJson } from './run-files';

interface RunData {
  curve: CurvePoint[];
  metrics: MetricsRecord[];
}

const capital = (t: string) => `${t.charAt(0).toUpperCase()}${t.slice(1)}`;

export class CompareCharts {
  readonly host = el('div', { class: 'compare-charts' });
  private readonly charts: StepChart[] = [];
  private disposed = false;

  /** The loss charts, which the smoothing control smooths. */
  lossCharts(): StepChart[] {
    return this.charts.filter((c) => c.host.classList.contains('loss-steps'));
  }

  async draw(runs: ManifestRun[]): Promise<void> {
    let data: RunData[];
    try {
      data = await Promise.all(
        runs.map(async (r) => ({
          curve: await fetchJson<CurvePoint[]>(r.files.curve, []),
          metrics: await fetchJson<MetricsRecord[]>(r.files.metrics, []),
        })),
      );
    } catch (e) {
      this.host.replaceChildren(
        el('p', { class: 'error', text: e instanceof Error ? e.message : String(e) }),
      );
      return;
    }
    if (this.disposed) return;
    const width = Math.max(260, Math.min(580, window.innerWidth - 48));
    const series = (pick: (p: CurvePoint) => number | null): ChartSeries[] =>
      runs.map((r, i) => {
        const x = data[i]!.curve.map((p) => p.step);
        const wall = wallOf(x, data[i]!.metrics);
        return {
          label: r.name,
          color: colorOf(i),
          x,
          y: data[i]!.curve.map(pick),
          ...(wall ? { wall } : {}),
        };
      });
    const loss: [string, ChartSeries[]][] = [
      ['Discriminator loss per step', series((p) => p.lossD)],
      ['Generator loss per step', series((p) => p.lossG)],
    ];
    const adaptive = adaptiveCharts(runs, data);
    if (this.charts.length > 0 && this.charts.length === loss.length + metricCount(data) + adaptive.length) {
      // A live run moved on: new points into the same charts, keeping zoom, scales and smoothing.
      loss.forEach(([, s], k) => this.charts[k]?.update(s, []));
      metricSeries(runs, data).forEach(([, s], k) => this.charts[loss.length + k]?.update(s, []));
      const first = this.charts.length - adaptive.length;
      adaptive.forEach(([, s], k) => this.charts[first + k]?.update(s, []));
      return;
    }
    for (const c of this.charts) c.chart.dispose();
    this.charts.length = 0;
    const lossCharts = loss.map(([title, s]) => {
      const c = stepChart(title, s, [], { width, y: LOSS_AXIS });
      c.host.classList.add('loss-steps');
      return c;
    });
    const metricCharts = metricSeries(runs, data).map(([m, s]) => {
      const c = stepChart(m.name, s, [], { width: Math.min(width, 380), smoothing: null, y: metricAxis(m) });
      c.host.classList.add('metric-chart');
      c.host.dataset['metric'] = m.key;
      c.host.append(
        el('p', {
          class: 'metric-note',
          text: `${capital(betterText(m))}; ${m.explain}. Scored in ${m.evaluator}.`,
        }),
      );
      return c;
    });
    const adaptiveList = adaptive.map(([info, s, target]) => {
      const c = stepChart(info.label, s, [], {
        width: Math.min(width, 380),
        smoothing: null,
        y: { label: info.label },
        ...(target !== null ? { targets: [{ value: target, label: `target ${target}` }] } : {}),
      });
      c.host.classList.add('adaptive-chart');
      c.host.dataset['figure'] = info.key;
      return c;
    });
    this.charts.push(...lossCharts, ...metricCharts, ...adaptiveList);
    this.host.replaceChildren(
      el('div', { class: 'chart-row' }, ...lossCharts.map((c) => c.host)),
      ...(adaptiveList.length > 0
        ? [
            el('h3', { text: 'Adaptive augmentation' }),
            el('div', { class: 'metric-charts' }, ...adaptiveList.map((c) => c.host)),
          ]
        : []),
      ...(metricCharts.length > 0
        ? [
            el('h3', { text: 'Quality during training' }),
            el('div', { class: 'metric-charts' }, ...metricCharts.map((c) => c.host)),
          ]
        : []),
    );
  }

  dispose(): void {
    this.disposed = true;
    for (const c of this.charts) c.chart.dispose();
  }
}

function metricCount(data: RunData[]): number {
  return evalMetrics(data.flatMap((d) => d.metrics)).length;
}

/** One overlaid chart per evaluation metric any run recorded, drawn against the step. */
function metricSeries(runs: ManifestRun[], data: RunData[]) {
  return evalMetrics(data.flatMap((d) => d.metrics)).map((m) => {
    const s: ChartSeries[] = runs.map((r, i) => {
      const scored = data[i]!.metrics.filter((rec) => rec.extra?.[m.key] !== undefined);
      const x = scored.map((rec) => rec.step);
      const wall = wallOf(x, data[i]!.metrics);
      return {
        label: r.name,
        color: colorOf(i),
        x,
        y: scored.map((rec) => rec.extra?.[m.key] ?? null),
        ...(wall ? { wall } : {}),
      };
    });
    return [m, s] as const;
  });
}

/**
 * One overlaid chart per adaptive augmentation figure, with a line for each run that recorded it, and
 * r_t's target when those runs agree on one.
 */
function adaptiveCharts(runs: ManifestRun[], data: RunData[]) {
  return ADAPTIVE.map((a) => {
    const has = runs.flatMap((r, i) =>
      data[i]!.metrics.some((rec) => adaptiveValue(rec, a.key) !== null) ? [i] : [],
    );
    const s = has.map((i) => adaptiveSeries(data[i]!.metrics, a.key, runs[i]!.name, colorOf(i)));
    const targets = new Set(has.map((i) => adaptiveTarget(data[i]!.metrics, runs[i]!.config)));
    const only = targets.size === 1 ? [...targets][0]! : null;
    return [a, s, a.key === 'overfitSignal' ? only : null] as const;
  }).filter(([, s]) => s.length > 0);
}
