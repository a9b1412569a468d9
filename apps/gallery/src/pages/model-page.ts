/** One run: live samples from its generator (seeded, seed in the URL), its model card and curves. */
import { el, modelsUrl } from '../dom';
import { GeneratorClient } from '../generator-client';
import type { ManifestRun, MetricsRecord } from '../manifest';
import type { GeneratorInfo } from '../protocol';
import { MAX_SEED, modelHash, parseSeed } from '../router';
import { lineChart } from '../views/charts';
import { drawImageGrid } from '../views/image-grid';
import { drawScatter, FAKE_COLOR, REAL_COLOR } from '../views/scatter';

const IMAGE_COUNT = 64;
const POINT_COUNT = 1000;

async function fetchJson(path: string): Promise<unknown> {
  const res = await fetch(modelsUrl(path));
  if (!res.ok) throw new Error(`could not load ${path} (HTTP ${res.status}); rebuild the gallery`);
  return res.json();
}

function cardDetails(run: ManifestRun): HTMLElement {
  const c = run.card;
  const rows: [string, string][] = [
    ['preset', c.preset],
    ['dataset', `${c.dataset.name} (${c.dataset.examples} examples)`],
    ['latent dim', String(c.latentDim)],
    [
      'output',
      c.output.kind === 'image'
        ? `image ${c.output.height}x${c.output.width}x${c.output.channels}`
        : `points, ${c.output.dims}-D`,
    ],
    ['epochs / steps', `${c.epochs} / ${c.steps}`],
    ['parameters (G / D)', `${c.generatorParams} / ${c.discriminatorParams}`],
    ['training time', `${c.wallTimeSec.toFixed(1)} s`],
  ];
  if (c.classNames?.length) rows.push(['classes', c.classNames.join(', ')]);
  for (const [k, v] of Object.entries(c.finalMetrics)) rows.push([k, String(Number(v.toPrecision(4)))]);
  if (c.export) {
    rows.push(['ONNX', `${(c.export.bytes / 1024).toFixed(1)} KiB, opset ${c.export.opset}`]);
    if (c.export.maxAbsDiff !== null) rows.push(['export max |diff|', c.export.maxAbsDiff.toExponential(2)]);
  }
  return el(
    'section',
    { class: 'card' },
    el('h2', { text: 'Model card' }),
    el('dl', {}, ...rows.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v })])),
    el('p', {}, 'Reproduce: ', el('code', { text: c.reproduce })),
  );
}

export class ModelPage {
  private readonly client = new GeneratorClient();
  private readonly canvas = el('canvas', { class: 'output', attrs: { 'data-state': 'loading' } });
  private readonly status = el('p', {
    class: 'status',
    attrs: { role: 'status' },
    text: 'Loading the generator…',
  });
  private readonly seedInput = el('input', {
    attrs: { type: 'number', min: '0', max: String(MAX_SEED), step: '1', id: 'seed', 'aria-label': 'seed' },
  });
  private readonly ready: Promise<{ info: GeneratorInfo; realPoints: Float32Array | null }>;
  private generation = 0;

  constructor(
    root: HTMLElement,
    private readonly run: ManifestRun,
  ) {
    document.title = `${run.name} · GANForge gallery`;
    const isImage = run.card.output.kind === 'image';
    const form = el(
      'form',
      { class: 'controls' },
      el('label', { attrs: { for: 'seed' }, text: 'seed ' }),
      this.seedInput,
      el('button', { attrs: { type: 'submit' }, text: 'Generate' }),
      el('button', {
        attrs: { type: 'button', id: 'new-samples' },
        text: isImage ? 'New samples' : 'New points',
      }),
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const parsed = parseSeed(this.seedInput.value);
      if ('error' in parsed) this.showError(parsed.error);
      else location.hash = modelHash(run.name, parsed.seed);
    });
    form.querySelector('#new-samples')?.addEventListener('click', () => {
      location.hash = modelHash(run.name, Math.floor(Math.random() * MAX_SEED));
    });

    const legend = isImage
      ? null
      : el(
          'p',
          { class: 'legend' },
          el('span', { class: 'swatch real' }),
          ' real data  ',
          el('span', { class: 'swatch fake' }),
          ` ${POINT_COUNT} generated points`,
        );
    const charts = el('section', { class: 'charts' });
    root.replaceChildren(
      el('p', {}, el('a', { attrs: { href: '#/' }, text: '← all runs' })),
      el('h1', { text: run.name }),
      form,
      this.status,
      ...[this.canvas, legend, cardDetails(run), charts].filter((n) => n !== null),
    );

    this.ready = this.load();
    this.ready.catch((e: unknown) => this.showError(e));
    void this.loadCharts(charts);
  }

  private async load(): Promise<{ info: GeneratorInfo; realPoints: Float32Array | null }> {
    const { files } = this.run;
    const [info, real] = await Promise.all([
      this.client.load(modelsUrl(files.onnx), new URL('ort/', document.baseURI).href),
      files.realPoints ? fetchJson(files.realPoints) : Promise.resolve(null),
    ]);
    const points = (real as { points?: [number, number][] } | null)?.points;
    return { info, realPoints: points ? Float32Array.from(points.flat()) : null };
  }

  private async loadCharts(host: HTMLElement): Promise<void> {
    if (!this.run.files.metrics) return;
    try {
      const records = (await fetchJson(this.run.files.metrics)) as MetricsRecord[];
      if (records.length === 0) return;
      host.replaceChildren(
        el('h2', { text: 'Training' }),
        lineChart('Loss', records, [
          { key: 'lossD', label: 'discriminator', color: REAL_COLOR },
          { key: 'lossG', label: 'generator', color: FAKE_COLOR },
        ]),
        lineChart('Discriminator accuracy', records, [
          { key: 'accReal', label: 'on real', color: REAL_COLOR },
          { key: 'accFake', label: 'on generated', color: FAKE_COLOR },
        ]),
      );
    } catch (e) {
      host.replaceChildren(el('p', { class: 'error', text: e instanceof Error ? e.message : String(e) }));
    }
  }

  private showError(e: unknown): void {
    this.status.textContent = e instanceof Error ? e.message : String(e);
    this.status.className = 'status error';
  }

  /** Draws the samples for `seed`; a newer call supersedes an older one still running. */
  async show(seed: number, seedError: string | null = null): Promise<void> {
    const generation = ++this.generation;
    this.seedInput.value = String(seed);
    this.canvas.setAttribute('data-state', 'loading');
    try {
      const { realPoints } = await this.ready;
      const isImage = this.run.card.output.kind === 'image';
      const result = await this.client.sample(isImage ? IMAGE_COUNT : POINT_COUNT, seed);
      if (generation !== this.generation) return;
      if (result.kind === 'image') drawImageGrid(this.canvas, result);
      else
        drawScatter(this.canvas, [
          ...(realPoints ? [{ points: realPoints, color: REAL_COLOR }] : []),
          { points: result.points, color: FAKE_COLOR },
        ]);
      this.canvas.setAttribute('data-seed', String(seed));
      this.canvas.setAttribute('data-state', 'ready');
      if (seedError) this.showError(`${seedError}; showing seed ${seed}`);
      else {
        this.status.className = 'status';
        this.status.textContent = `seed ${seed}`;
      }
    } catch (e) {
      if (generation !== this.generation) return;
      this.canvas.setAttribute('data-state', 'error');
      this.showError(e);
    }
  }

  dispose(): void {
    this.generation++;
    this.client.dispose();
  }
}
