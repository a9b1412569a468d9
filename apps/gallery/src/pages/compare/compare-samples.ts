/** Each compared run's samples at the shared seed, drawn by its own generator (or its latest picture). */
import { el, modelsUrl, runtimeUrl } from '../../dom';
import { GeneratorClient } from '../../generator-client';
import type { ManifestRun } from '../../manifest';
import { drawImageGrid } from '../../views/image-grid';
import { drawScatter, FAKE_COLOR, REAL_COLOR } from '../../views/scatter';
import { colorOf } from './colors';
import { fetchJson } from './run-files';

const PER_ROW = 8;
const POINT_COUNT = 1000;

export class CompareSamples {
  readonly host = el('div', { class: 'compare-samples' });
  private readonly clients: GeneratorClient[] = [];
  private disposed = false;

  /** One figure per run: its generator's samples at `seed`, or its latest training picture. */
  async draw(runs: ManifestRun[], seed: number): Promise<void> {
    const figures = runs.map((run, i) => {
      const figure = el('figure', {
        class: 'compare-figure',
        attrs: { 'data-run': run.name, 'data-state': 'loading' },
      });
      figure.style.setProperty('--run-color', colorOf(i));
      figure.append(el('figcaption', {}, el('strong', { text: run.name }), ' · generating…'));
      return figure;
    });
    this.host.replaceChildren(...figures);
    await Promise.all(runs.map((run, i) => this.drawOne(run, figures[i]!, seed)));
  }

  private async drawOne(run: ManifestRun, figure: HTMLElement, seed: number): Promise<void> {
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
      const { result } = await client.sample({ count, seed, ...(labels ? { labels } : {}) });
      if (this.disposed) return;
      const canvas = el('canvas', {
        class: 'compare-canvas',
        attrs: {
          role: 'img',
          'aria-label': `${count} ${result.kind === 'image' ? 'samples' : 'points'} of ${run.name} at seed ${seed}`,
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
      figure.replaceChildren(classGrid(canvas, classes), caption(`seed ${seed}`));
      figure.dataset['state'] = 'ready';
      figure.dataset['seed'] = String(seed);
    } catch (e) {
      figure.replaceChildren(
        caption('could not generate'),
        el('p', { class: 'error', text: e instanceof Error ? e.message : String(e) }),
      );
      figure.dataset['state'] = 'error';
    }
  }

  dispose(): void {
    this.disposed = true;
    for (const c of this.clients) c.dispose();
  }
}

/** A conditional run's rows are its classes: their names down the left, one per row. */
function classGrid(canvas: HTMLCanvasElement, classes: string[]): HTMLElement {
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
  return grid;
}
