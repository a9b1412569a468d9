/**
 * The live distance between the real and generated sets: the project's 2-D metrics (Fréchet
 * distance of the Gaussian fits, Jensen-Shannon divergence on a 20x20 grid), and for the d2l Gaussian
 * the generated mean and covariance next to the targets b and AᵀA. Mode collapse shows as a grid JS
 * that stays high while the Fréchet distance looks fine.
 */
import { el } from '../../dom';
import { Chart } from '../../views/chart/chart';
import type { Snapshot } from '../protocol';

const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '–');

export class MetricsView {
  readonly host = el('div', { class: 'pg-metrics', attrs: { id: 'pg-metrics' } });
  private readonly numbers = el('dl', { class: 'pg-numbers' });
  private readonly modes = el('p', { class: 'pg-modes', attrs: { id: 'pg-modes' } });
  private readonly gaussian = el('p', { class: 'pg-gaussian', attrs: { id: 'pg-gaussian' } });
  private steps: number[] = [];
  private wall: number[] = [];
  private frechet: number[] = [];
  private gridJs: number[] = [];
  private start = performance.now();
  private readonly frechetChart = new Chart({
    title: 'Fréchet-2d',
    x: { label: 'step', integer: true },
    y: { label: 'Fréchet-2d', log: true },
    series: [],
    width: 560,
    height: 180,
    canvasId: 'pg-metric-curve',
  });
  private readonly gridChart = new Chart({
    title: 'Grid JS',
    x: { label: 'step', integer: true },
    y: { label: 'grid JS', unit: 'bits', range: [0, 1] },
    series: [],
    width: 560,
    height: 180,
    canvasId: 'pg-gridjs-curve',
  });
  /** The d2l targets b and AᵀA (row-major), when the data is the d2l Gaussian. */
  gaussianTarget: { mean: number[]; cov: number[] } | null = null;

  constructor() {
    this.host.append(this.numbers, this.modes, this.gaussian, this.frechetChart.host, this.gridChart.host);
  }

  reset(): void {
    this.steps = [];
    this.wall = [];
    this.frechet = [];
    this.gridJs = [];
    this.start = performance.now();
  }

  update(s: Snapshot): void {
    // Another snapshot of the same step (a slow-motion stage) replaces the step's point.
    if (this.steps.at(-1) === s.step)
      for (const a of [this.steps, this.wall, this.frechet, this.gridJs]) a.pop();
    this.steps.push(s.step);
    this.wall.push((performance.now() - this.start) / 1000);
    this.frechet.push(s.frechet);
    this.gridJs.push(s.gridJs);
    if (this.steps.length > 600) {
      const keep = (a: number[]) => a.filter((_, i) => i % 2 === 0 || i === a.length - 1);
      [this.steps, this.wall, this.frechet, this.gridJs] = [
        this.steps,
        this.wall,
        this.frechet,
        this.gridJs,
      ].map(keep) as [number[], number[], number[], number[]];
    }
    const item = (name: string, value: string, id: string) => [
      el('dt', { text: name }),
      el('dd', { text: value, attrs: { id } }),
    ];
    this.numbers.replaceChildren(
      ...item('Step', `${s.step} (G ${s.gSteps})`, 'pg-step'),
      ...item('Fréchet-2d', f3(s.frechet), 'pg-frechet'),
      ...item('Grid JS (bits)', f3(s.gridJs), 'pg-gridjs'),
      ...(s.modes ? item('Modes covered', `${s.modes.covered}/${s.modes.total}`, 'pg-modes-covered') : []),
      ...item('Steps/s', s.stepsPerSecond ? s.stepsPerSecond.toFixed(0) : '–', 'pg-rate'),
    );
    this.showModes(s);
    const t = this.gaussianTarget;
    if (t) {
      this.gaussian.textContent =
        `Generated mean (${f3(s.mean[0])}, ${f3(s.mean[1])}) vs b (${t.mean.map(f3).join(', ')}); ` +
        `covariance [${f3(s.cov[0])} ${f3(s.cov[1])}; ${f3(s.cov[1])} ${f3(s.cov[2])}] vs AᵀA [${t.cov.map(f3).join(' ')}]`;
    }
    this.gaussian.hidden = !t;
    const series = (label: string, color: string, y: number[]) => [
      {
        label,
        color,
        x: [...this.steps],
        y: y.map((v) => (Number.isFinite(v) ? v : null)),
        wall: [...this.wall],
      },
    ];
    this.frechetChart.update(series('Fréchet-2d', '#1f5fa8', this.frechet));
    this.gridChart.update(series('grid JS', '#c0392b', this.gridJs));
  }

  /** Which of the data's modes the generated points reach, and a warning when Fréchet-2d hides a miss. */
  private showModes(s: Snapshot): void {
    const m = s.modes;
    this.modes.hidden = !m;
    if (!m) return;
    const rule = `a mode counts when at least a quarter of its even share of the ${m.count} generated points lies within ${m.radius} (3σ) of its centre; ${Math.round(m.near * 100)}% of them do lie near some mode`;
    this.modes.classList.toggle('pg-warning', m.covered < m.total);
    this.modes.textContent =
      m.covered < m.total
        ? `⚠ ${m.total - m.covered} of the ${m.total} modes are missed: Fréchet-2d compares only the means and covariances of the two sets, so it can read low while modes are missing (${rule}).`
        : `All ${m.total} modes covered (${rule}).`;
  }
}
