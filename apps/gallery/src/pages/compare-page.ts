/**
 * Several runs side by side: samples from each generator at the same seed, their loss curves and
 * evaluation metrics overlaid (one colour per run), and the settings in which they differ.
 */
import { el, modelsUrl, runtimeUrl } from '../dom';
import { GeneratorClient } from '../generator-client';
import { fetchRunFile } from '../offline-protocol';
import type { CurvePoint, Manifest, ManifestRun, MetricsRecord } from '../manifest';
import { compareHash, MAX_SEED, modelHash, parseSeed } from '../router';
import {
  duration,
  formatDuration,
  formatNumber,
  formatValue,
  headline,
  STATUS_TEXT,
  statusOf,
} from '../run-facts';
import {
  COLORS,
  evalMetrics,
  smoothingControl,
  stepChart,
  type StepChart,
  type StepSeries,
} from '../views/charts';
import { drawImageGrid } from '../views/image-grid';
import { betterText } from '../views/metric-names';
import { drawScatter, FAKE_COLOR, REAL_COLOR } from '../views/scatter';

const PER_ROW = 8;
const POINT_COUNT = 1000;
const MAX_RUNS = 6;

interface RunData {
  curve: CurvePoint[];
  metrics: MetricsRecord[];
}

async function fetchJson<T>(path: string | null, empty: T): Promise<T> {
  if (!path) return empty;
  const res = await fetchRunFile(modelsUrl(path), path);
  if (!res.ok) throw new Error(`could not load ${path} (HTTP ${res.status})`);
  return (await res.json()) as T;
}

const capital = (t: string) => `${t.charAt(0).toUpperCase()}${t.slice(1)}`;

function colorOf(i: number): string {
  return COLORS[i % COLORS.length] ?? '#333';
}

// Through the style object: the Content-Security-Policy refuses style="" attributes.
function swatch(color: string): HTMLElement {
  const s = el('span', { class: 'swatch', attrs: { 'aria-hidden': 'true' } });
  s.style.backgroundColor = color;
  return s;
}

/** The config keys whose values are not the same in every run (the run's folder left out). */
export function differingKeys(runs: ManifestRun[]): string[] {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.config ?? {})))].filter((k) => k !== 'out');
  return keys.filter((k) => new Set(runs.map((r) => JSON.stringify(r.config?.[k] ?? null))).size > 1);
}

export class ComparePage {
  private readonly clients: GeneratorClient[] = [];
  private readonly charts: StepChart[] = [];
  private readonly chartsHost = el('div', { class: 'compare-charts' });
  private readonly samplesHost = el('div', { class: 'compare-samples' });
  private readonly status = el('p', { class: 'status', attrs: { role: 'status' } });
  private runs: ManifestRun[];
  private progress = '';
  private disposed = false;
  private seed: number;

  constructor(
    root: HTMLElement,
    manifest: Manifest,
    names: string[],
    seed: number,
    errors: string[],
    private readonly navigate: (hash: string) => void,
  ) {
    this.seed = seed;
    const missing = names.filter((n) => !manifest.runs.some((r) => r.name === n));
    this.runs = names.flatMap((n) => manifest.runs.filter((r) => r.name === n)).slice(0, MAX_RUNS);
    document.title = `Compare ${this.runs.map((r) => r.name).join(', ')} · GANForge gallery`;
    const problems = [
      ...errors,
      ...missing.map((n) => `no run named "${n}" in this gallery`),
      ...(names.length > MAX_RUNS ? [`showing the first ${MAX_RUNS} of ${names.length} runs`] : []),
      ...(this.runs.length < 2 ? ['pick two or more runs in the table to compare them'] : []),
    ];
    if (problems.length > 0) {
      this.status.className = 'status error';
      this.status.textContent = problems.join('; ');
    }
    root.replaceChildren(
      el('nav', {}, el('a', { attrs: { href: '#/' }, text: '← all runs' })),
      el('h1', { text: `Comparing ${this.runs.length} runs` }),
      this.legend(),
      this.status,
      el(
        'section',
        { class: 'compare-section' },
        el('h2', { text: 'Samples' }),
        this.seedForm(),
        this.samplesHost,
      ),
      el(
        'section',
        { class: 'compare-section' },
        el('h2', { text: 'Training curves' }),
        smoothingControl(() => this.charts.filter((c) => c.host.classList.contains('loss-steps'))),
        this.chartsHost,
      ),
      el('section', { class: 'compare-section' }, el('h2', { text: 'Settings' }), this.settingsTable()),
    );
    this.progress = this.progressKey(this.runs);
    void this.drawSamples();
    void this.drawCharts();
  }

  private legend(): HTMLElement {
    return el(
      'ul',
      { class: 'compare-legend' },
      ...this.runs.map((r, i) =>
        el(
          'li',
          { attrs: { 'data-run': r.name } },
          swatch(colorOf(i)),
          el('a', { attrs: { href: modelHash(r.name) }, text: r.name }),
          el('span', { class: `badge status-${statusOf(r)}`, text: STATUS_TEXT[statusOf(r)] }),
        ),
      ),
    );
  }

  private seedForm(): HTMLElement {
    const input = el('input', {
      attrs: {
        type: 'number',
        id: 'compare-seed',
        min: '0',
        max: String(MAX_SEED),
        value: String(this.seed),
      },
    });
    const form = el(
      'form',
      { class: 'controls' },
      el(
        'div',
        { class: 'field' },
        el('label', { attrs: { for: 'compare-seed' }, text: 'seed, shared by every run' }),
        input,
        el('button', { attrs: { type: 'submit' }, text: 'Generate' }),
      ),
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const r = parseSeed(input.value);
      if ('error' in r) {
        input.setCustomValidity(r.error);
        input.reportValidity();
      } else
        this.navigate(
          compareHash(
            this.runs.map((x) => x.name),
            r.seed,
          ),
        );
    });
    input.addEventListener('input', () => input.setCustomValidity(''));
    return form;
  }

  /** One figure per run: its generator's samples at the shared seed, or its latest training picture. */
  private async drawSamples(): Promise<void> {
    const figures = this.runs.map((run, i) => {
      const figure = el('figure', {
        class: 'compare-figure',
        attrs: { 'data-run': run.name, 'data-state': 'loading' },
      });
      figure.style.setProperty('--run-color', colorOf(i));
      figure.append(el('figcaption', {}, el('strong', { text: run.name }), ' · generating…'));
      return figure;
    });
    this.samplesHost.replaceChildren(...figures);
    await Promise.all(this.runs.map((run, i) => this.drawOne(run, figures[i]!)));
  }

  private async drawOne(run: ManifestRun, figure: HTMLElement): Promise<void> {
    const caption = (text: string) => el('figcaption', {}, el('strong', { text: run.name }), ` · ${text}`);
    if (!run.files.onnx) {
      if (run.thumbnail) {
        figure.replaceChildren(
          el('img', {
            class: 'compare-picture',
            attrs: { src: modelsUrl(run.thumbnail), alt: `latest training samples of ${run.name}` },
          }),
          caption(`not exported yet: the trainer's picture after epoch ${run.card.epochs}`),
        );
      } else figure.replaceChildren(caption('not exported yet, no pictures'));
      figure.dataset['state'] = 'picture';
      return;
    }
    const client = new GeneratorClient();
    this.clients.push(client);
    try {
      const { info } = await client.load({ url: modelsUrl(run.files.onnx) }, runtimeUrl());
      const classes = info.labelInputName ? (info.classNames ?? run.card.classNames ?? []) : [];
      const count =
        info.kind === 'image'
          ? classes.length > 0
            ? classes.length * PER_ROW
            : PER_ROW * PER_ROW
          : POINT_COUNT;
      const labels =
        classes.length > 0 ? Array.from({ length: count }, (_, k) => Math.floor(k / PER_ROW)) : undefined;
      const { result } = await client.sample({ count, seed: this.seed, ...(labels ? { labels } : {}) });
      if (this.disposed) return;
      const canvas = el('canvas', {
        class: 'compare-canvas',
        attrs: {
          role: 'img',
          'aria-label': `${count} ${result.kind === 'image' ? 'samples' : 'points'} of ${run.name} at seed ${this.seed}`,
        },
      });
      if (result.kind === 'image') drawImageGrid(canvas, result, PER_ROW);
      else {
        const real = await fetchJson<{ points: [number, number][] } | null>(run.files.realPoints, null);
        drawScatter(canvas, [
          ...(real ? [{ points: Float32Array.from(real.points.flat()), color: REAL_COLOR }] : []),
          { points: result.points, color: FAKE_COLOR },
        ]);
      }
      // A conditional run's rows are its classes: their names down the left, one per row.
      const grid =
        classes.length > 0
          ? el(
              'div',
              { class: 'class-grid' },
              el(
                'div',
                { class: 'class-names' },
                ...classes.map((c) => el('span', { class: 'row-label', text: c })),
              ),
              canvas,
            )
          : canvas;
      grid.style.setProperty('--rows', String(classes.length || 1));
      figure.replaceChildren(grid, caption(`seed ${this.seed}`));
      figure.dataset['state'] = 'ready';
      figure.dataset['seed'] = String(this.seed);
    } catch (e) {
      figure.replaceChildren(
        caption('could not generate'),
        el('p', { class: 'error', text: e instanceof Error ? e.message : String(e) }),
      );
      figure.dataset['state'] = 'error';
    }
  }

  private async drawCharts(): Promise<void> {
    let data: RunData[];
    try {
      data = await Promise.all(
        this.runs.map(async (r) => ({
          curve: await fetchJson<CurvePoint[]>(r.files.curve, []),
          metrics: await fetchJson<MetricsRecord[]>(r.files.metrics, []),
        })),
      );
    } catch (e) {
      this.chartsHost.replaceChildren(
        el('p', { class: 'error', text: e instanceof Error ? e.message : String(e) }),
      );
      return;
    }
    if (this.disposed) return;
    const width = Math.max(260, Math.min(580, window.innerWidth - 48));
    const series = (pick: (p: CurvePoint) => number | null): StepSeries[] =>
      this.runs.map((r, i) => ({
        label: r.name,
        color: colorOf(i),
        steps: data[i]!.curve.map((p) => p.step),
        values: data[i]!.curve.map(pick),
      }));
    const loss: [string, StepSeries[]][] = [
      ['Discriminator loss per step', series((p) => p.lossD)],
      ['Generator loss per step', series((p) => p.lossG)],
    ];
    if (this.charts.length > 0 && this.charts.length === loss.length + this.metricCount(data)) {
      // A live run moved on: new points into the same charts, keeping zoom-free state and smoothing.
      loss.forEach(([, s], k) => this.charts[k]?.update(s, []));
      this.metricSeries(data).forEach(([, s], k) => this.charts[loss.length + k]?.update(s, []));
      return;
    }
    this.charts.length = 0;
    const lossCharts = loss.map(([title, s]) => {
      const c = stepChart(title, s, [], width);
      c.host.classList.add('loss-steps');
      return c;
    });
    const metricCharts = this.metricSeries(data).map(([m, s]) => {
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
    this.chartsHost.replaceChildren(
      el('div', { class: 'chart-row' }, ...lossCharts.map((c) => c.host)),
      ...(metricCharts.length > 0
        ? [
            el('h3', { text: 'Quality during training' }),
            el('div', { class: 'metric-charts' }, ...metricCharts.map((c) => c.host)),
          ]
        : []),
    );
  }

  private metricCount(data: RunData[]): number {
    return evalMetrics(data.flatMap((d) => d.metrics)).length;
  }

  /** One overlaid chart per evaluation metric any run recorded, drawn against the step. */
  private metricSeries(data: RunData[]) {
    return evalMetrics(data.flatMap((d) => d.metrics)).map((m) => {
      const s: StepSeries[] = this.runs.map((r, i) => {
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

  private settingsTable(): HTMLElement {
    const keys = differingKeys(this.runs);
    const rows: [string, (r: ManifestRun) => string][] = [
      ['preset', (r) => r.card.preset],
      ['dataset', (r) => r.card.dataset.name],
      ['status', (r) => STATUS_TEXT[statusOf(r)]],
      ['epochs / steps', (r) => `${r.card.epochs} / ${r.card.steps.toLocaleString('en')}`],
      ['duration', (r) => formatDuration(duration(r))],
      [
        'quality',
        (r) =>
          headline(r)
            .map((f) => `${f.short} ${formatNumber(f.value)}`)
            .join(', ') || 'not scored',
      ],
      ...keys
        .filter((k) => k !== 'preset' && k !== 'dataset')
        .map((k): [string, (r: ManifestRun) => string] => [
          k,
          (r) => (r.config && k in r.config ? formatValue(r.config[k]) : '—'),
        ]),
    ];
    const note =
      keys.length === 0
        ? el('p', { class: 'hint', text: 'These runs were trained with the same settings.' })
        : el('p', {
            class: 'hint',
            text: `${keys.length} settings differ; rows below the line are config keys.`,
          });
    return el(
      'div',
      { class: 'table-wrap' },
      note,
      el(
        'table',
        { class: 'compare-table' },
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            el('th', { attrs: { scope: 'col' }, text: 'setting' }),
            ...this.runs.map((r) => el('th', { attrs: { scope: 'col' }, text: r.name })),
          ),
        ),
        el(
          'tbody',
          {},
          ...rows.map(([name, value], i) =>
            el(
              'tr',
              { class: i === 5 ? 'facts-end' : '', attrs: { 'data-key': name } },
              el('th', { attrs: { scope: 'row' }, text: name }),
              ...this.runs.map((r) => el('td', { text: value(r) })),
            ),
          ),
        ),
      ),
    );
  }

  private progressKey(runs: ManifestRun[]): string {
    return JSON.stringify(runs.map((r) => [r.name, r.progress, r.status]));
  }

  /** A newer manifest (live): redraw the curves of runs that moved on. */
  update(manifest: Manifest): void {
    const runs = this.runs.map((r) => manifest.runs.find((m) => m.name === r.name) ?? r);
    const key = this.progressKey(runs);
    if (key === this.progress) return;
    this.progress = key;
    this.runs = runs;
    void this.drawCharts();
  }

  dispose(): void {
    this.disposed = true;
    for (const c of this.clients) c.dispose();
  }
}
