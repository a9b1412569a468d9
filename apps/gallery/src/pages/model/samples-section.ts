/**
 * The generated part of a generator page: the controls, the samples (or points over the real data) drawn
 * live from the URL's options, a sample opened large, and the latent walk between two samples.
 */
import { el } from '../../dom';
import type { GeneratorClient } from '../../generator-client';
import type { ViewOptions } from '../../links';
import type { SampleResult } from '../../protocol';
import type { ImageResult } from '../../views/image-grid';
import { Lightbox } from '../../views/lightbox';
import { renderSamples } from '../../views/samples';
import { drawScatter, FAKE_COLOR, REAL_COLOR } from '../../views/scatter';
import { WalkView } from '../../views/walk';
import { sampleCommand } from './commands';
import { Controls } from './controls';
import type { Loaded, PageSource } from './loading';
import { classNames, describe, planSamples, type Plan } from './plan';
import type { StatusLine } from './status-line';

const WALK_STEPS = 24;

/** The options on screen, and the URL's bad values (said next to the result). */
export interface Shown {
  options: ViewOptions;
  errors: string[];
}

export class SamplesSection {
  readonly controls: Controls;
  /** The CLI command that draws what is on screen (the model card shows it). */
  readonly sampleCommand = el('code', { attrs: { id: 'sample-command' } });
  /** A points model: the span of the points on screen (the model card shows it). */
  readonly pointsSpan = el('span', {
    attrs: { id: 'points-span' },
    text: 'measured once the points are drawn',
  });
  private readonly output: HTMLElement;
  private readonly lightbox: Lightbox | undefined;
  private readonly walk: WalkView | undefined;
  private readonly classes: string[] | null;
  private generation = 0;
  private walkGeneration = 0;
  private drawn: { key: string; result: SampleResult; plan: Plan } | undefined;
  private walkKey = '';
  private firstImage = true;

  constructor(
    private readonly loaded: Loaded,
    private readonly source: PageSource,
    private readonly client: GeneratorClient,
    private readonly status: StatusLine,
    private readonly shown: () => Shown,
    private readonly navigate: (options: ViewOptions) => void,
    /** Called once, when the first samples are on screen. */
    private readonly onFirstImage: () => void,
  ) {
    const isImage = loaded.info.kind === 'image';
    this.classes = classNames(loaded.info, source.kind === 'run' ? source.run : undefined);
    this.controls = new Controls(isImage, this.classes, (patch) =>
      this.navigate({ ...this.shown().options, ...patch }),
    );
    if (isImage) {
      this.output = el('div', { class: 'output samples', attrs: { 'data-state': 'loading' } });
      this.lightbox = new Lightbox((end, index) => {
        const options = this.shown().options;
        const other = end === 'a' ? options.b : options.a;
        // Walking from a sample to itself shows nothing: move the other end along.
        const next = index === other ? (index + 1) % (this.drawn?.plan.count ?? 2) : other;
        this.navigate({ ...options, ...(end === 'a' ? { a: index, b: next } : { a: next, b: index }) });
      });
      this.walk = new WalkView(el('p', { class: 'walk-ends' }));
    } else {
      this.output = el('canvas', {
        class: 'output',
        attrs: { 'data-state': 'loading', role: 'img', 'aria-label': 'real and generated points' },
      });
    }
  }

  /** The controls, the samples with the walk (or `aside`) beside them, and the dialog they open in. */
  nodes(aside: () => HTMLElement | null): (HTMLElement | undefined)[] {
    const isImage = this.loaded.info.kind === 'image';
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
    return [
      this.controls.form,
      el(
        'div',
        { class: `explore ${isImage ? 'explore-images' : 'explore-points'}` },
        el('div', { class: 'explore-main' }, this.output, legend),
        this.walk?.host ?? aside(),
      ),
      this.lightbox?.dialog,
    ];
  }

  /** Draws the options on screen (generating only when the samples change), then the walk. */
  async render(): Promise<void> {
    const { info } = this.loaded;
    const output = this.output;
    const { options, errors } = this.shown();
    this.controls.set(options);
    const { plan, problems } = planSamples(options, info, this.classes);
    const key = JSON.stringify([plan.seed, plan.truncation, plan.count, plan.labels]);
    const notes = [...errors, ...problems];
    if (this.drawn?.key !== key) {
      const generation = ++this.generation;
      output.setAttribute('data-state', 'loading');
      this.status.show('Generating…');
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
        this.draw(output, result, plan);
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
          this.onFirstImage();
        }
      } catch (e) {
        if (generation !== this.generation) return;
        output.setAttribute('data-state', 'error');
        this.status.error(e);
        return;
      }
    }
    const what = info.kind === 'image' ? `${plan.count} samples` : `${plan.count} points`;
    const trunc = plan.truncation !== null ? `, truncation ${plan.truncation}` : '';
    if (notes.length > 0) this.status.error(`${notes.join('; ')}; showing seed ${plan.seed}`);
    else this.status.show(`${what}, seed ${plan.seed}${trunc}`);
    this.sampleCommand.textContent = sampleCommand(this.source, plan, info.kind);
    if (this.walk && this.drawn?.result.kind === 'image')
      await this.renderWalk(this.drawn.result, this.drawn.plan);
  }

  private draw(output: HTMLElement, result: SampleResult, plan: Plan): void {
    if (result.kind === 'points') {
      this.pointsSpan.textContent = spanText(result.points, plan.count, plan.seed);
      drawScatter(output as HTMLCanvasElement, [
        ...(this.loaded.realPoints ? [{ points: this.loaded.realPoints, color: REAL_COLOR }] : []),
        { points: result.points, color: FAKE_COLOR },
      ]);
      return;
    }
    renderSamples(
      output,
      result,
      plan.rows,
      (i) => describe(i, plan, this.classes),
      (i) => this.openSample(result, i, plan),
      plan.heading ?? null,
    );
  }

  private openSample(result: ImageResult, index: number, plan: Plan): void {
    const trunc = plan.truncation !== null ? `, truncation ${plan.truncation}` : '';
    const stem = this.source.kind === 'run' ? this.source.run.name : 'model';
    this.lightbox?.open({
      result,
      index,
      caption: `${describe(index, plan, this.classes)}, seed ${plan.seed}${trunc}`,
      fileName: `${stem}-seed${plan.seed}-${index + 1}.png`,
    });
  }

  private async renderWalk(result: ImageResult, plan: Plan): Promise<void> {
    const walk = this.walk;
    if (!walk) return;
    const { options } = this.shown();
    const last = plan.count - 1;
    const a = Math.min(options.a, last);
    let b = Math.min(options.b, last);
    if (a === b && plan.count > 1) b = a === last ? 0 : a + 1;
    const key = JSON.stringify([this.drawn?.key, a, b]);
    if (key === this.walkKey) return;
    this.walkKey = key;
    const ends = walk.host.querySelector('.walk-ends');
    ends?.replaceChildren(`From ${describe(a, plan, this.classes)} to ${describe(b, plan, this.classes)}.`);
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
      walk.setFrames(frames, describe(a, plan, this.classes), describe(b, plan, this.classes));
    } catch (e) {
      if (generation === this.walkGeneration) this.status.error(e);
    }
  }

  dispose(): void {
    this.generation++;
    this.walkGeneration++;
    this.walk?.stop();
  }
}

/** "x from −5.12 to 10.3, y from … (the 1000 points of seed 0)": the span of 2-D points. */
export function spanText(points: ArrayLike<number>, count: number, seed: number): string {
  const lo = [Infinity, Infinity];
  const hi = [-Infinity, -Infinity];
  for (let i = 0; i + 1 < points.length; i += 2) {
    for (const d of [0, 1]) {
      const v = points[i + d]!;
      if (!Number.isFinite(v)) continue;
      lo[d] = Math.min(lo[d]!, v);
      hi[d] = Math.max(hi[d]!, v);
    }
  }
  const f = (v: number) => (Number.isFinite(v) ? String(Number(v.toPrecision(3))).replace('-', '−') : '?');
  return `x from ${f(lo[0]!)} to ${f(hi[0]!)}, y from ${f(lo[1]!)} to ${f(hi[1]!)} (the ${count} points of seed ${seed} on screen)`;
}
