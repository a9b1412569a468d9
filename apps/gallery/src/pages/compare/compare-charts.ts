/** The compared runs' curves overlaid: loss per step (D and G), and one chart per evaluation metric. */
import { el } from '../../dom';
import type { CurvePoint, ManifestRun, MetricsRecord } from '../../manifest';
import { evalMetrics, stepChart, type StepChart, type StepSeries } from '../../views/charts';
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
    const series = (pick: (p: CurvePoint) => number | null): StepSeries[] =>
      runs.map((r, i) => ({
        label: r.name,
        color: colorOf(i),
        steps: data[i]!.curve.map((p) => p.step),
        values: data[i]!.curve.map(pick),
      }));
    const loss: [string, StepSeries[]][] = [
      ['Discriminator loss per step', series((p) => p.lossD)],
      ['Generator loss per step', series((p) => p.lossG)],
    ];
    if (this.charts.length > 0 && this.charts.length === loss.length + metricCount(data)) {
      // A live run moved on: new points into the same charts, keeping zoom-free state and smoothing.
      loss.forEach(([, s], k) => this.charts[k]?.update(s, []));
      metricSeries(runs, data).forEach(([, s], k) => this.charts[loss.length + k]?.update(s, []));
      return;
    }
    this.charts.length = 0;
    const lossCharts = loss.map(([title, s]) => {
      const c = stepChart(title, s, [], width);
      c.host.classList.add('loss-steps');
      return c;
    });
    const metricCharts = metricSeries(runs, data).map(([m, s]) => {
      const c = stepChart(m.name, s, [], Math.min(width, 380), 0, false);
      c.host.classList.add('metric-chart');
      c.host.dataset['metric'] = m.key;
      c.host.style.width = `${Math.min(width, 380)}px`;
      c.host.append(
        el('p', {
          class: 'metric-note',
          text: `${capital(betterText(m))}; ${m.explain}. Scored in ${m.evaluator}.`,
        }),
      );
      return c;
    });
    this.charts.push(...lossCharts, ...metricCharts);
    this.host.replaceChildren(
      el('div', { class: 'chart-row' }, ...lossCharts.map((c) => c.host)),
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
  }
}

function metricCount(data: RunData[]): number {
  return evalMetrics(data.flatMap((d) => d.metrics)).length;
}

/** One overlaid chart per evaluation metric any run recorded, drawn against the step. */
function metricSeries(runs: ManifestRun[], data: RunData[]) {
  return evalMetrics(data.flatMap((d) => d.metrics)).map((m) => {
    const s: StepSeries[] = runs.map((r, i) => {
      const scored = data[i]!.metrics.filter((rec) => rec.extra?.[m.key] !== undefined);
      return {
        label: r.name,
        color: colorOf(i),
        steps: scored.map((x) => x.step),
        values: scored.map((x) => x.extra?.[m.key] ?? null),
      };
    });
    return [m, s] as const;
  });
}
