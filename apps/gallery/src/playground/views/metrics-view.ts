/**
 * The live distance between the real and generated sets: the project's 2-D metrics (Fréchet
 * distance of the Gaussian fits, Jensen-Shannon divergence on a 20x20 grid), and for the d2l Gaussian
 * the generated mean and covariance next to the targets b and AᵀA. Mode collapse shows as a grid JS
 * that stays high while the Fréchet distance looks fine.
 */
import { el } from '../../dom';
import type { Snapshot } from '../protocol';
import { lineChart } from './chart';

const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '–');

export class MetricsView {
  readonly host = el('div', { class: 'pg-metrics', attrs: { id: 'pg-metrics' } });
  private readonly numbers = el('dl', { class: 'pg-numbers' });
  private readonly gaussian = el('p', { class: 'pg-gaussian', attrs: { id: 'pg-gaussian' } });
  private readonly canvas = document.createElement('canvas');
  private steps: number[] = [];
  private frechet: number[] = [];
  private gridJs: number[] = [];
  /** The d2l targets b and AᵀA (row-major), when the data is the d2l Gaussian. */
  gaussianTarget: { mean: number[]; cov: number[] } | null = null;

  constructor() {
    this.canvas.id = 'pg-metric-curve';
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', 'Fréchet-2d and grid JS over the steps');
    const k = Math.min(2, Math.max(1, globalThis.devicePixelRatio || 1));
    this.canvas.width = 560 * k;
    this.canvas.height = 360 * k;
    this.host.append(this.numbers, this.gaussian, this.canvas);
  }

  reset(): void {
    this.steps = [];
    this.frechet = [];
    this.gridJs = [];
  }

  update(s: Snapshot): void {
    this.steps.push(s.step);
    this.frechet.push(s.frechet);
    this.gridJs.push(s.gridJs);
    if (this.steps.length > 600) {
      const keep = (a: number[]) => a.filter((_, i) => i % 2 === 0 || i === a.length - 1);
      [this.steps, this.frechet, this.gridJs] = [keep(this.steps), keep(this.frechet), keep(this.gridJs)];
    }
    const item = (name: string, value: string, id: string) => [
      el('dt', { text: name }),
      el('dd', { text: value, attrs: { id } }),
    ];
    this.numbers.replaceChildren(
      ...item('Step', `${s.step} (G ${s.gSteps})`, 'pg-step'),
      ...item('Fréchet-2d', f3(s.frechet), 'pg-frechet'),
      ...item('Grid JS (bits)', f3(s.gridJs), 'pg-gridjs'),
      ...item('Steps/s', s.stepsPerSecond ? s.stepsPerSecond.toFixed(0) : '–', 'pg-rate'),
    );
    const t = this.gaussianTarget;
    if (t) {
      this.gaussian.textContent =
        `Generated mean (${f3(s.mean[0])}, ${f3(s.mean[1])}) vs b (${t.mean.map(f3).join(', ')}); ` +
        `covariance [${f3(s.cov[0])} ${f3(s.cov[1])}; ${f3(s.cov[1])} ${f3(s.cov[2])}] vs AᵀA [${t.cov.map(f3).join(' ')}]`;
    }
    this.gaussian.hidden = !t;
    const ctx = this.canvas.getContext('2d')!;
    const { width: w, height: h } = this.canvas;
    lineChart(
      ctx,
      { x: 0, y: 0, w, h: h / 2 },
      'Fréchet-2d (log scale)',
      this.steps,
      [{ label: '', color: '#1f5fa8', values: this.frechet }],
      undefined,
      true,
    );
    lineChart(
      ctx,
      { x: 0, y: h / 2, w, h: h / 2 },
      'Grid JS (bits)',
      this.steps,
      [{ label: '', color: '#c0392b', values: this.gridJs }],
      [0, 1],
    );
  }
}
