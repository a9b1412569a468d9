/**
 * One generator: a run from the manifest or a .onnx file the visitor opened. Samples are generated live
 * in a worker from the options in the URL (seed, truncation, class, count, walk ends), so the URL
 * reproduces what is on screen. Image models also get the latent walk; runs get their training timeline.
 */
import { el, modelsUrl, runtimeUrl } from '../dom';
import { GeneratorClient } from '../generator-client';
import { keepOffline } from '../offline';
import { fetchRunFile } from '../offline-protocol';
import { runFiles, type CurvePoint, type ManifestRun, type MetricsRecord } from '../manifest';
import type { GeneratorInfo, LoadTimings, ModelSummary, SampleResult } from '../protocol';
import { DEFAULT_OPTIONS, MAX_SEED, MAX_TRUNCATION, parseSeed, type ViewOptions } from '../router';
import {
  lineChart,
  lossSeries,
  metricCharts,
  smoothingControl,
  stepChart,
  type LineChart,
  type StepChart,
} from '../views/charts';
import type { ImageResult } from '../views/image-grid';
import { Lightbox } from '../views/lightbox';
import { renderSamples, type SampleRow } from '../views/samples';
import { drawScatter, FAKE_COLOR, REAL_COLOR } from '../views/scatter';
import { timeline, type Timeline } from '../views/timeline';
import { WalkView } from '../views/walk';
import { copyable } from '../views/copy';
import { qualitySection } from '../views/quality';
import { formatDuration, STATUS_TEXT, statusOf } from '../run-facts';

const IMAGE_COUNT = 64;
const PER_CLASS = 8;
const POINT_COUNT = 1000;
const WALK_STEPS = 24;
const DEFAULT_TRUNCATION = 0.7;
/** Used when a conditional model does not name its classes. */
const UNNAMED_CLASSES = 10;

/** The worker's load timings as performance measures on the page's clock (`ganforge:*`, read by the bench). */
function recordLoad(t: LoadTimings): void {
  const at = (epoch: number) => Math.max(0, epoch - performance.timeOrigin);
  const span = (name: string, s: { start: number; end: number }) =>
    performance.measure(`ganforge:${name}`, { start: at(s.start), end: at(s.end) });
  performance.mark('ganforge:worker-start', { startTime: at(t.workerStart) });
  performance.mark('ganforge:load-received', { startTime: at(t.received) });
  span('model-fetch', t.fetch);
  if (t.runtime) span('runtime', t.runtime);
  for (const f of t.files) {
    performance.measure(`ganforge:file:${f.name}`, {
      start: at(f.start),
      end: at(f.end),
      detail: { bytes: f.bytes },
    });
  }
  span('model-open', t.open);
  span('model-summary', t.summary);
  performance.mark('ganforge:loaded');
}

/** A model load started before the page was built (see startEarlyLoad). */
export interface EarlyLoad {
  url: string;
  client: GeneratorClient;
  loading: ReturnType<GeneratorClient['load']>;
}

/**
 * Starts the worker and the model download for a run page straight away, while the manifest is still
 * loading: starting the runtime is most of a first visit's wait.
 */
export function startEarlyLoad(onnxPath: string): EarlyLoad {
  const client = new GeneratorClient();
  const url = modelsUrl(onnxPath);
  performance.mark('ganforge:load-start');
  const loading = client.load({ url }, runtimeUrl());
  loading.catch(() => undefined); // the page reports failures, if it is ever built
  return { url, client, loading };
}

export type PageSource =
  { kind: 'run'; run: ManifestRun } | { kind: 'file'; name: string; bytes: ArrayBuffer };

interface Loaded {
  info: GeneratorInfo;
  summary: ModelSummary;
  realPoints: Float32Array | null;
}

/** What one grid of samples is: drawing it again with the same plan gives the same pixels. */
interface Plan {
  seed: number;
  truncation: number | null;
  count: number;
  labels: number[] | undefined;
  rows: SampleRow[];
  /** Above the grid: the one class picked (rows of classes carry their names instead). */
  heading?: string | null;
}

async function fetchJson(path: string): Promise<unknown> {
  const res = await fetchRunFile(modelsUrl(path), path);
  if (!res.ok) throw new Error(`could not load ${path} (HTTP ${res.status}); rebuild the gallery`);
  return res.json();
}

/** A run whose generator has not been exported yet: its page shows the training only. */
class NotExported extends Error {
  override name = 'NotExported';
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function kib(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(2)} MiB`
    : `${(bytes / 1024).toFixed(1)} KiB`;
}

function definitionList(rows: [string, string][]): HTMLElement {
  return el('dl', {}, ...rows.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v })]));
}

export class ModelPage {
  private readonly client: GeneratorClient;
  private readonly status = el('p', {
    class: 'status',
    attrs: { role: 'status' },
    text: 'Loading the generator…',
  });
  private readonly body = el('div', { class: 'model-body' });
  private readonly title: string;
  private readonly ready: Promise<Loaded>;
  private options: ViewOptions = DEFAULT_OPTIONS;
  private errors: string[] = [];
  private generation = 0;
  private walkGeneration = 0;
  private drawn: { key: string; result: SampleResult; plan: Plan } | undefined;
  private walkKey = '';
  private firstImage = true;
  private timeline: Timeline | undefined;
  private readonly sampleCommand = el('code', { attrs: { id: 'sample-command' } });
  private readonly meta = el('p', { class: 'run-meta' });
  /** The run as the latest manifest has it (a live run moves on). */
  private run: ManifestRun | undefined;
  /** Fetches the run's curves again and redraws them (set once the training section is built). */
  private reloadCharts: (() => Promise<void>) | undefined;
  private trainingHost: HTMLElement | undefined;

  // Built once the model is loaded (what to show depends on what the generator is).
  private output: HTMLElement | undefined;
  private controls: Controls | undefined;
  private walk: WalkView | undefined;
  private lightbox: Lightbox | undefined;

  constructor(
    root: HTMLElement,
    private readonly source: PageSource,
    private readonly navigate: (options: ViewOptions) => void,
    private readonly early?: EarlyLoad,
  ) {
    this.client = early?.client ?? GeneratorClient.take();
    this.title = source.kind === 'run' ? source.run.name : source.name;
    this.run = source.kind === 'run' ? source.run : undefined;
    document.title = `${this.title} · GANForge gallery`;
    this.renderMeta();
    root.replaceChildren(
      el(
        'nav',
        {},
        el('a', { attrs: { href: '#/' }, text: '← all runs' }),
        ' · ',
        el('a', { attrs: { href: '#/open' }, text: 'open your own .onnx' }),
      ),
      el('header', { class: 'page-head' }, el('h1', { text: this.title }), this.meta),
      this.status,
      this.body,
    );
    this.ready = this.load();
    this.ready.then(
      (loaded) => this.build(loaded),
      (e: unknown) => this.loadFailed(e),
    );
  }

  private async load(): Promise<Loaded> {
    const wasmPaths = runtimeUrl();
    // Where a first visit's time goes (read by the bench): page start to load request, then the worker.
    if (!this.early) performance.mark('ganforge:load-start');
    const timed = <T extends { timings: LoadTimings }>(loaded: T): T => {
      recordLoad(loaded.timings);
      return loaded;
    };
    if (this.source.kind === 'file') {
      const { info, summary } = timed(
        await this.client.load({ bytes: this.source.bytes, fileName: this.source.name }, wasmPaths),
      );
      return { info, summary, realPoints: null };
    }
    const { files } = this.source.run;
    const onnx = files.onnx;
    if (!onnx) throw new NotExported(`no generator.onnx yet`);
    const [{ info, summary }, real] = await Promise.all([
      (this.early?.url === modelsUrl(onnx)
        ? this.early.loading
        : this.client.load({ url: modelsUrl(onnx) }, wasmPaths)
      ).then(timed),
      files.realPoints ? fetchJson(files.realPoints) : Promise.resolve(null),
    ]);
    const points = (real as { points?: [number, number][] } | null)?.points;
    return { info, summary, realPoints: points ? Float32Array.from(points.flat()) : null };
  }

  /** Once a run has drawn, save its model and pictures so that its page also works offline. */
  private keepRunOffline(): void {
    if (this.source.kind === 'run') void keepOffline(runFiles(this.source.run).map(modelsUrl));
  }

  private loadFailed(e: unknown): void {
    if (this.source.kind === 'file') {
      this.showError(`"${this.source.name}" is not a generator this gallery can run: ${message(e)}`);
      this.body.replaceChildren(
        el('p', {}, el('a', { attrs: { href: '#/open', id: 'open-another' }, text: 'Open another file' })),
      );
    } else if (e instanceof NotExported) {
      const { run } = this.source;
      this.status.textContent = `Not exported yet, so nothing to generate here: below are the trainer's own pictures and curves${
        run.status === 'running' ? ', following the run as it trains' : ''
      }. Export it to generate samples live:`;
      this.body.replaceChildren(
        copyable(`npx ganforge export generator --run runs/${run.name}`),
        ...[qualitySection(run), this.trainingSection(run), this.cardSection(null)].filter(
          (n): n is HTMLElement => !!n,
        ),
      );
    } else {
      this.showError(e);
      this.body.replaceChildren(this.cardSection(null));
    }
  }

  /** Status, progress and time of a run, under its name. */
  private renderMeta(): void {
    const run = this.run;
    if (!run) {
      this.meta.replaceChildren('A generator you opened: it stays on this device.');
      return;
    }
    const status = statusOf(run);
    const c = run.card;
    this.meta.replaceChildren(
      el('span', {
        class: `badge status-${status}`,
        attrs: { 'data-status': status },
        text: STATUS_TEXT[status],
      }),
      ` ${c.preset} on ${c.dataset.name} · epoch ${run.progress.epoch}${
        typeof run.config?.['epochs'] === 'number' ? ` of ${run.config['epochs']}` : ''
      } · ${run.progress.step.toLocaleString('en')} steps · ${formatDuration(c.wallTimeSec)}`,
      run.error ? el('span', { class: 'error', text: ` · ${run.error}` }) : '',
    );
  }

  /** A newer manifest entry for this run (a live run moved on): status, pictures and curves. */
  refresh(run: ManifestRun): void {
    const before = this.run;
    this.run = run;
    this.renderMeta();
    if (!before || JSON.stringify(before.progress) === JSON.stringify(run.progress)) return;
    if (before.files.samples.length !== run.files.samples.length && this.trainingHost) {
      const old = this.timeline?.host;
      this.timeline?.dispose();
      this.timeline = timeline(run.files.samples, run.name, (epoch) => this.markEpoch?.(epoch));
      if (old) old.replaceWith(this.timeline.host);
      else this.trainingHost.querySelector('.training-grid')?.prepend(this.timeline.host);
    }
    void this.reloadCharts?.();
  }

  private markEpoch: ((epoch: number) => void) | undefined;
  private smoothing: HTMLElement | undefined;

  private classNames(info: GeneratorInfo): string[] | null {
    if (!info.labelInputName) return null;
    const names =
      info.classNames ?? (this.source.kind === 'run' ? this.source.run.card.classNames : undefined) ?? [];
    return names.length > 0 ? names : Array.from({ length: UNNAMED_CLASSES }, (_, i) => `class ${i}`);
  }

  private build(loaded: Loaded): void {
    const { info } = loaded;
    const isImage = info.kind === 'image';
    const classes = this.classNames(info);
    this.controls = new Controls(isImage, classes, (patch) => this.navigate({ ...this.options, ...patch }));
    if (isImage) {
      this.output = el('div', { class: 'output samples', attrs: { 'data-state': 'loading' } });
      this.lightbox = new Lightbox((end, index) => {
        const other = end === 'a' ? this.options.b : this.options.a;
        // Walking from a sample to itself shows nothing: move the other end along.
        const next = index === other ? (index + 1) % (this.drawn?.plan.count ?? 2) : other;
        this.navigate({ ...this.options, ...(end === 'a' ? { a: index, b: next } : { a: next, b: index }) });
      });
      this.walk = new WalkView(el('p', { class: 'walk-ends' }));
    } else {
      this.output = el('canvas', {
        class: 'output',
        attrs: { 'data-state': 'loading', role: 'img', 'aria-label': 'real and generated points' },
      });
    }
    const legend = isImage
      ? null
      : el(
          'p',
          { class: 'legend' },
          el('span', { class: 'swatch real' }),
          ' real data  ',
          el('span', { class: 'swatch fake' }),
          ' generated points',
        );
    this.body.replaceChildren(
      ...[
        this.controls.form,
        el(
          'div',
          { class: `explore ${isImage ? 'explore-images' : 'explore-points'}` },
          el('div', { class: 'explore-main' }, this.output, legend),
          this.walk?.host ?? (this.source.kind === 'run' ? qualitySection(this.source.run) : null),
        ),
        this.lightbox?.dialog,
        this.source.kind === 'run' && isImage ? qualitySection(this.source.run) : null,
        this.source.kind === 'run' ? this.trainingSection(this.source.run) : null,
        this.cardSection(loaded),
      ].filter((n): n is HTMLElement => !!n),
    );
  }

  /** Applies the options from the URL; `errors` are the URL's bad values, shown next to the result. */
  update(options: ViewOptions, errors: string[]): void {
    this.options = options;
    this.errors = errors;
    void this.render();
  }

  private plan(info: GeneratorInfo): { plan: Plan; problems: string[] } {
    const o = this.options;
    const problems: string[] = [];
    const classes = this.classNames(info);
    const base = { seed: o.seed, truncation: o.truncation };
    if (info.kind !== 'image') {
      const count = o.count ?? POINT_COUNT;
      return { plan: { ...base, count, labels: undefined, rows: [] }, problems };
    }
    let cls = o.cls;
    if (classes && cls !== null && cls >= classes.length) {
      problems.push(`class ${cls} does not exist (0 to ${classes.length - 1}); showing one row per class`);
      cls = null;
    }
    if (classes && cls === null) {
      // One row per class, `n` samples each.
      const per = o.count ?? PER_CLASS;
      const rows = classes.map((label, k) => ({ label, start: k * per, count: per }));
      const labels = classes.flatMap((_, k) => new Array<number>(per).fill(k));
      return { plan: { ...base, count: per * classes.length, labels, rows }, problems };
    }
    const count = o.count ?? IMAGE_COUNT;
    const cols = Math.ceil(Math.sqrt(count));
    const rows: SampleRow[] = Array.from({ length: Math.ceil(count / cols) }, (_, r) => ({
      label: null,
      start: r * cols,
      count: Math.min(cols, count - r * cols),
    }));
    const labels = classes && cls !== null ? new Array<number>(count).fill(cls) : undefined;
    const heading = classes && cls !== null ? `${classes[cls] ?? `class ${cls}`}: ${count} samples` : null;
    return { plan: { ...base, count, labels, rows, heading }, problems };
  }

  private async render(): Promise<void> {
    let loaded: Loaded;
    try {
      loaded = await this.ready;
    } catch {
      return; // loadFailed() has said why
    }
    const { info } = loaded;
    const output = this.output;
    if (!output || !this.controls) return;
    this.controls.set(this.options);
    const { plan, problems } = this.plan(info);
    const key = JSON.stringify([plan.seed, plan.truncation, plan.count, plan.labels]);
    const notes = [...this.errors, ...problems];
    if (this.drawn?.key !== key) {
      const generation = ++this.generation;
      output.setAttribute('data-state', 'loading');
      this.status.className = 'status';
      this.status.textContent = 'Generating…';
      try {
        const sampleStart = performance.now();
        const { result, ms } = await this.client.sample({
          count: plan.count,
          seed: plan.seed,
          ...(plan.truncation !== null ? { truncation: plan.truncation } : {}),
          ...(plan.labels ? { labels: plan.labels } : {}),
        });
        if (generation !== this.generation) return;
        const drawStart = performance.now();
        this.draw(output, result, plan, loaded);
        this.drawn = { key, result, plan };
        output.setAttribute('data-seed', String(plan.seed));
        output.setAttribute('data-count', String(plan.count));
        output.setAttribute('data-generate-ms', ms.toFixed(3));
        output.setAttribute('data-state', 'ready');
        if (this.firstImage) {
          this.firstImage = false;
          performance.measure('ganforge:first-sample', {
            start: sampleStart,
            end: drawStart,
            detail: { ms },
          });
          performance.measure('ganforge:draw', { start: drawStart });
          performance.mark('ganforge:first-image');
          this.keepRunOffline();
        }
      } catch (e) {
        if (generation !== this.generation) return;
        output.setAttribute('data-state', 'error');
        this.showError(e);
        return;
      }
    }
    const what = info.kind === 'image' ? `${plan.count} samples` : `${plan.count} points`;
    const trunc = plan.truncation !== null ? `, truncation ${plan.truncation}` : '';
    if (notes.length > 0) this.showError(`${notes.join('; ')}; showing seed ${plan.seed}`);
    else {
      this.status.className = 'status';
      this.status.textContent = `${what}, seed ${plan.seed}${trunc}`;
    }
    const model =
      this.source.kind === 'run' ? `runs/${this.source.run.name}/generator.onnx` : this.source.name;
    const same = plan.labels?.every((l) => l === plan.labels?.[0]);
    const labels = plan.labels ? ` --labels ${same ? plan.labels[0] : plan.labels.join(',')}` : '';
    this.sampleCommand.textContent = `npx ganforge sample --model ${model} --count ${plan.count} --seed ${plan.seed}${
      plan.truncation !== null ? ` --truncation ${plan.truncation}` : ''
    }${labels} --out samples.${info.kind === 'image' ? 'png' : 'csv'}`;
    if (this.walk && this.drawn?.result.kind === 'image')
      await this.renderWalk(this.drawn.result, this.drawn.plan);
  }

  private draw(output: HTMLElement, result: SampleResult, plan: Plan, loaded: Loaded): void {
    if (result.kind === 'points') {
      drawScatter(output as HTMLCanvasElement, [
        ...(loaded.realPoints ? [{ points: loaded.realPoints, color: REAL_COLOR }] : []),
        { points: result.points, color: FAKE_COLOR },
      ]);
      return;
    }
    renderSamples(
      output,
      result,
      plan.rows,
      (i) => this.describe(i, plan),
      (i) => this.openSample(result, i, plan),
      plan.heading ?? null,
    );
  }

  private describe(index: number, plan: Plan): string {
    const label = plan.labels?.[index];
    const classes = this.controls?.classes;
    const cls = label !== undefined && classes ? ` (${classes[label] ?? `class ${label}`})` : '';
    return `sample ${index + 1}${cls}`;
  }

  private openSample(result: ImageResult, index: number, plan: Plan): void {
    const trunc = plan.truncation !== null ? `, truncation ${plan.truncation}` : '';
    const stem = this.source.kind === 'run' ? this.source.run.name : 'model';
    this.lightbox?.open({
      result,
      index,
      caption: `${this.describe(index, plan)}, seed ${plan.seed}${trunc}`,
      fileName: `${stem}-seed${plan.seed}-${index + 1}.png`,
    });
  }

  private async renderWalk(result: ImageResult, plan: Plan): Promise<void> {
    const walk = this.walk;
    if (!walk) return;
    const last = plan.count - 1;
    const a = Math.min(this.options.a, last);
    let b = Math.min(this.options.b, last);
    if (a === b && plan.count > 1) b = a === last ? 0 : a + 1;
    const key = JSON.stringify([this.drawn?.key, a, b]);
    if (key === this.walkKey) return;
    this.walkKey = key;
    const ends = walk.host.querySelector('.walk-ends');
    ends?.replaceChildren(`From ${this.describe(a, plan)} to ${this.describe(b, plan)}.`);
    const dim = result.latents.length / result.count;
    const label = plan.labels?.[a];
    const generation = ++this.walkGeneration;
    walk.loading();
    try {
      const { result: frames } = await this.client.interpolate({
        from: result.latents.slice(a * dim, (a + 1) * dim),
        to: result.latents.slice(b * dim, (b + 1) * dim),
        steps: WALK_STEPS,
        ...(label !== undefined ? { label } : {}),
      });
      if (generation !== this.walkGeneration || frames.kind !== 'image') return;
      walk.setFrames(frames, this.describe(a, plan), this.describe(b, plan));
    } catch (e) {
      if (generation === this.walkGeneration) this.showError(e);
    }
  }

  private trainingSection(run: ManifestRun): HTMLElement | null {
    const { samples, metrics } = run.files;
    const curve = run.files.curve ?? null;
    // A live run gets its first files later: keep the section so they have a place to go.
    if (samples.length === 0 && !metrics && !curve && run.status !== 'running') return null;
    const charts = el('div', { class: 'charts' });
    const lines: LineChart[] = [];
    const steps: StepChart[] = [];
    let marked: number | null = null;
    this.markEpoch = (epoch) => {
      marked = epoch;
      for (const c of lines) c.mark(epoch);
    };
    if (samples.length > 0) this.timeline = timeline(samples, run.name, (epoch) => this.markEpoch?.(epoch));
    // Two charts beside the timeline on a wide screen, one per row below that.
    const avail = Math.min(window.innerWidth, 1240) - 48;
    const width = avail >= 1100 ? Math.floor((avail - 400) / 2) : Math.max(260, Math.min(600, avail));
    let epochsDrawn = -1;
    const load = async () => {
      const now = this.run ?? run;
      const records = now.files.metrics ? ((await fetchJson(now.files.metrics)) as MetricsRecord[]) : [];
      const points = now.files.curve ? ((await fetchJson(now.files.curve)) as CurvePoint[]) : [];
      const epochSteps = records.map((r) => r.step);
      const lossTitle = 'Loss per step';
      // Between epochs a live run only adds curve points: those go into the chart on screen.
      const stepped = steps[0];
      if (stepped && records.length === epochsDrawn && points.length > 0) {
        stepped.update(lossSeries(points), epochSteps);
        return;
      }
      epochsDrawn = records.length;
      lines.length = 0;
      steps.length = 0;
      if (points.length > 0) {
        const c = stepChart(lossTitle, lossSeries(points), epochSteps, width);
        c.host.classList.add('loss-steps');
        steps.push(c);
        lines.push(c);
      } else if (records.length > 0) {
        lines.push(
          lineChart(
            'Loss',
            records,
            [
              { label: 'discriminator', color: REAL_COLOR, value: (r) => r.lossD },
              { label: 'generator', color: FAKE_COLOR, value: (r) => r.lossG },
            ],
            width,
          ),
        );
      }
      if (records.length > 0) {
        lines.push(
          lineChart(
            'Discriminator accuracy',
            records,
            [
              { label: 'on real', color: REAL_COLOR, value: (r) => r.accReal },
              { label: 'on generated', color: FAKE_COLOR, value: (r) => r.accFake },
            ],
            width,
          ),
        );
      }
      // Three to a row beside the timeline on a wide screen.
      const metricList = metricCharts(records, Math.min(width, 260));
      lines.push(...metricList);
      for (const c of lines) c.mark(marked);
      const children: HTMLElement[] = [];
      if (steps.length > 0) children.push(this.smoothing ?? (this.smoothing = smoothingControl(() => steps)));
      children.push(...lines.filter((c) => !metricList.includes(c)).map((c) => c.host));
      if (metricList.length > 0) {
        children.push(
          el('h3', { text: 'Quality during training' }),
          el('div', { class: 'metric-charts' }, ...metricList.map((c) => c.host)),
        );
      }
      charts.replaceChildren(...children);
    };
    this.reloadCharts = () =>
      load().catch((e: unknown) => charts.replaceChildren(el('p', { class: 'error', text: message(e) })));
    void this.reloadCharts();
    this.trainingHost = el(
      'section',
      { class: 'training' },
      el('h2', { text: 'Training' }),
      el('div', { class: 'training-grid' }, this.timeline?.host, charts),
    );
    return this.trainingHost;
  }

  private cardSection(loaded: Loaded | null): HTMLElement {
    const rows: [string, string][] = [];
    const reproduce: string[] = [];
    if (this.source.kind === 'run') {
      const { run } = this.source;
      const c = run.card;
      rows.push(
        ['preset', c.preset],
        ['dataset', `${c.dataset.name} (${c.dataset.examples} examples)`],
        ['latent dim', String(c.latentDim)],
        [
          'output',
          c.output.kind === 'image'
            ? `image ${c.output.height}×${c.output.width}×${c.output.channels}, range [${c.output.range.join(', ')}]`
            : `points, ${c.output.dims}-D`,
        ],
        ['epochs / steps', `${c.epochs} / ${c.steps}`],
        [
          'parameters (G / D)',
          `${c.generatorParams.toLocaleString('en')} / ${c.discriminatorParams.toLocaleString('en')}`,
        ],
        ['training time', formatDuration(c.wallTimeSec)],
      );
      if (c.classNames?.length) rows.push(['classes', c.classNames.join(', ')]);
      if (c.evaluation) {
        // eval.* figures mean nothing without the features and reference they were measured in.
        const e = c.evaluation;
        rows.push([
          'evaluation',
          `eval.* by ${e.evaluator} against ${e.reference}, ${e.samples} samples, epoch ${e.epoch}`,
        ]);
      }
      // The final figures are under "How good is it", in words.
      if (c.export) {
        rows.push(['ONNX file', `${kib(c.export.bytes)}, opset ${c.export.opset}`]);
        rows.push([
          'export parity',
          c.export.maxAbsDiff === null
            ? 'not checked'
            : `max |TF.js − onnxruntime| = ${c.export.maxAbsDiff.toExponential(2)} at batch ${c.export.verifiedBatches.join(' and ')}`,
        ]);
      }
      reproduce.push(...c.reproduce.split('\n'), `npx ganforge export generator --run runs/${run.name}`);
    }
    if (loaded) {
      const { summary: s, info } = loaded;
      if (this.source.kind === 'file') {
        rows.push(['ONNX file', `${kib(s.bytes)}, opset ${s.opset ?? 'unknown'}`]);
        rows.push(['parameters', s.parameters.toLocaleString('en')]);
      }
      rows.push(
        ['producer', s.producer],
        ['inputs', s.inputs.map((i) => `${i.name} ${i.shape}`).join(', ')],
        ['outputs', s.outputs.map((o) => `${o.name} ${o.shape}`).join(', ')],
        ['read as', this.understood(info)],
      );
    }
    const layers = loaded?.summary.layers ?? [];
    return el(
      'section',
      { class: 'card' },
      el('h2', { text: 'Model card' }),
      el(
        'div',
        { class: 'card-grid' },
        el('div', { class: 'card-facts' }, definitionList(rows)),
        el(
          'div',
          { class: 'card-side' },
          el('h3', { text: 'How to reproduce' }),
          el(
            'div',
            { class: 'reproduce' },
            ...reproduce.map((line) =>
              line.startsWith('#')
                ? el('p', { class: 'hint versions', text: line.replace(/^#\s*/, '') })
                : copyable(line),
            ),
            loaded ? copyable(this.sampleCommand, 'sample command') : null,
          ),
          layers.length > 0
            ? el('h3', { text: `Architecture (${loaded?.summary.nodeCount} ONNX nodes)` })
            : null,
          layers.length > 0
            ? el('ol', { class: 'layers' }, ...layers.map((l) => el('li', { text: l })))
            : null,
        ),
      ),
    );
  }

  /** How the SDK understood the model, and from where (metadata, graph, defaults). */
  private understood(info: GeneratorInfo): string {
    const src = (k: string) => (info.sources[k] ? ` (${info.sources[k]})` : '');
    const parts = [`latent [${info.latentShape.join(',')}]${src('latentShape')}`];
    if (info.image) {
      parts.push(
        `image ${info.image.height}×${info.image.width}×${info.image.channels} ${info.image.layout}${src('image')}`,
      );
    } else parts.push(`${info.pointDims ?? '?'}-D points${src('kind')}`);
    parts.push(`range [${info.outputRange.join(', ')}]${src('outputRange')}`);
    if (info.labelInputName) parts.push(`class label input '${info.labelInputName}'`);
    return parts.join('; ');
  }

  private showError(e: unknown): void {
    this.status.textContent = message(e);
    this.status.className = 'status error';
  }

  dispose(): void {
    this.generation++;
    this.walkGeneration++;
    this.walk?.stop();
    this.timeline?.dispose();
    this.client.dispose();
  }
}

/** Seed box, new samples, truncation and class picker; changes go to the URL through `onChange`. */
class Controls {
  readonly form = el('form', { class: 'controls' });
  private readonly seed = el('input', {
    attrs: { type: 'number', min: '0', max: String(MAX_SEED), step: '1', id: 'seed', inputmode: 'numeric' },
  });
  private readonly truncOn = el('input', { attrs: { type: 'checkbox', id: 'trunc-on' } });
  private readonly trunc = el('input', {
    attrs: {
      type: 'range',
      id: 'truncation',
      min: '0.1',
      max: String(Math.min(2, MAX_TRUNCATION)),
      step: '0.05',
    },
  });
  private readonly truncValue = el('output', { attrs: { for: 'truncation' } });
  private readonly classSelect: HTMLSelectElement | null;
  private readonly share = el('a', { attrs: { id: 'share' }, text: 'Link to these samples' });

  constructor(
    isImage: boolean,
    readonly classes: string[] | null,
    onChange: (patch: Partial<ViewOptions>) => void,
  ) {
    const newSamples = el('button', {
      attrs: { type: 'button', id: 'new-samples' },
      text: isImage ? 'New samples' : 'New points',
    });
    this.classSelect = classes
      ? el(
          'select',
          { attrs: { id: 'class' } },
          el('option', { attrs: { value: '' }, text: 'one row per class' }),
          ...classes.map((name, i) => el('option', { attrs: { value: String(i) }, text: name })),
        )
      : null;
    const fields: (HTMLElement | null)[] = [
      el(
        'div',
        { class: 'field' },
        el('label', { attrs: { for: 'seed' }, text: 'seed' }),
        this.seed,
        el('button', { attrs: { type: 'submit' }, text: 'Generate' }),
        newSamples,
      ),
      el(
        'div',
        { class: 'field' },
        this.truncOn,
        el('label', { attrs: { for: 'trunc-on' }, text: 'truncation' }),
        this.trunc,
        this.truncValue,
      ),
      this.classSelect
        ? el(
            'div',
            { class: 'field' },
            el('label', { attrs: { for: 'class' }, text: 'class' }),
            this.classSelect,
          )
        : null,
      el('div', { class: 'field' }, this.share),
    ];
    this.form.append(...fields.filter((f): f is HTMLElement => f !== null));
    this.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const parsed = parseSeed(this.seed.value);
      if ('error' in parsed) {
        this.seed.setCustomValidity(parsed.error);
        this.seed.reportValidity();
      } else onChange({ seed: parsed.seed });
    });
    this.seed.addEventListener('input', () => this.seed.setCustomValidity(''));
    newSamples.addEventListener('click', () => onChange({ seed: Math.floor(Math.random() * MAX_SEED) }));
    this.truncOn.addEventListener('change', () =>
      onChange({ truncation: this.truncOn.checked ? Number(this.trunc.value) || DEFAULT_TRUNCATION : null }),
    );
    this.trunc.addEventListener('input', () => (this.truncValue.textContent = this.trunc.value));
    this.trunc.addEventListener('change', () => onChange({ truncation: Number(this.trunc.value) }));
    this.classSelect?.addEventListener('change', () => {
      const v = this.classSelect?.value ?? '';
      onChange({ cls: v === '' ? null : Number(v) });
    });
  }

  set(o: ViewOptions): void {
    this.seed.value = String(o.seed);
    this.truncOn.checked = o.truncation !== null;
    this.trunc.disabled = o.truncation === null;
    this.trunc.value = String(o.truncation ?? DEFAULT_TRUNCATION);
    this.truncValue.textContent = o.truncation === null ? 'off' : String(o.truncation);
    if (this.classSelect) this.classSelect.value = o.cls === null ? '' : String(o.cls);
    this.share.href = location.hash;
  }
}
