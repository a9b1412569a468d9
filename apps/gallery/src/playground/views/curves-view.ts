/** Loss curves of D and G, and D's accuracy on real and on generated points, over the steps. */
import type { Snapshot } from '../protocol';
import { lineChart } from './chart';

/** Most points kept per curve; older ones are thinned (every other one dropped) past that. */
const MAX_POINTS = 600;

export class CurvesView {
  readonly canvas = document.createElement('canvas');
  private steps: number[] = [];
  private lossD: number[] = [];
  private lossG: number[] = [];
  private accReal: number[] = [];
  private accFake: number[] = [];

  constructor() {
    this.canvas.id = 'pg-curves';
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', 'Loss curves and discriminator accuracy');
    const k = Math.min(2, Math.max(1, globalThis.devicePixelRatio || 1));
    this.canvas.width = 560 * k;
    this.canvas.height = 360 * k;
  }

  reset(): void {
    for (const a of [this.steps, this.lossD, this.lossG, this.accReal, this.accFake]) a.length = 0;
  }

  add(s: Snapshot): void {
    if (!Number.isFinite(s.lossD)) return; // a snapshot before any step
    this.steps.push(s.step);
    this.lossD.push(s.lossD);
    this.lossG.push(s.lossG);
    this.accReal.push(s.accReal);
    this.accFake.push(s.accFake);
    if (this.steps.length > MAX_POINTS) {
      for (const a of [this.steps, this.lossD, this.lossG, this.accReal, this.accFake]) {
        const kept = a.filter((_, i) => i % 2 === 0 || i === a.length - 1);
        a.splice(0, a.length, ...kept);
      }
    }
  }

  draw(): void {
    const ctx = this.canvas.getContext('2d')!;
    const { width: w, height: h } = this.canvas;
    lineChart(ctx, { x: 0, y: 0, w, h: h / 2 }, 'Loss', this.steps, [
      { label: 'D', color: '#1f5fa8', values: this.lossD },
      { label: 'G', color: '#e08214', values: this.lossG },
    ]);
    lineChart(
      ctx,
      { x: 0, y: h / 2, w, h: h / 2 },
      'D accuracy',
      this.steps,
      [
        { label: 'on real', color: '#1a9850', values: this.accReal },
        { label: 'on generated', color: '#7b3fbf', values: this.accFake },
      ],
      [0, 1],
    );
  }
}
