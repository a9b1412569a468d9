/**
 * Loss curves of D and G, and D's accuracy on real and on generated points, over the steps: two of the
 * gallery's shared charts (titled axes, log scale, zoom, step or wall-time axis, CSV/JSON), which follow
 * the width of their box.
 */
import { el } from '../../dom';
import { Chart } from '../../views/chart/chart';
import type { Snapshot } from '../protocol';

/** Most points kept per curve; older ones are thinned (every other one dropped) past that. */
const MAX_POINTS = 600;

export class CurvesView {
  readonly host = el('div', { class: 'pg-curves' });
  private steps: number[] = [];
  private wall: number[] = [];
  private lossD: number[] = [];
  private lossG: number[] = [];
  private accReal: number[] = [];
  private accFake: number[] = [];
  private start = performance.now();
  private readonly loss = new Chart({
    title: 'Loss',
    x: { label: 'step', integer: true },
    y: { label: 'loss', unit: 'mean per step' },
    series: [],
    width: 560,
    height: 200,
    canvasId: 'pg-curves',
  });
  private readonly accuracy = new Chart({
    title: 'D accuracy',
    x: { label: 'step', integer: true },
    y: { label: 'accuracy', unit: '0–1', range: [0, 1] },
    series: [],
    width: 560,
    height: 180,
    canvasId: 'pg-accuracy-curve',
  });

  constructor() {
    this.host.append(this.loss.host, this.accuracy.host);
  }

  reset(): void {
    for (const a of this.arrays()) a.length = 0;
    this.start = performance.now();
  }

  private arrays(): number[][] {
    return [this.steps, this.wall, this.lossD, this.lossG, this.accReal, this.accFake];
  }

  add(s: Snapshot): void {
    if (!Number.isFinite(s.lossD) && !Number.isFinite(s.lossG)) return; // a snapshot before any step
    this.steps.push(s.step);
    this.wall.push((performance.now() - this.start) / 1000);
    this.lossD.push(s.lossD);
    this.lossG.push(s.lossG);
    this.accReal.push(s.accReal);
    this.accFake.push(s.accFake);
    if (this.steps.length > MAX_POINTS) {
      for (const a of this.arrays()) {
        const kept = a.filter((_, i) => i % 2 === 0 || i === a.length - 1);
        a.splice(0, a.length, ...kept);
      }
    }
  }

  draw(): void {
    const at = (label: string, color: string, y: number[]) => ({
      label,
      color,
      x: [...this.steps],
      y: y.map((v) => (Number.isFinite(v) ? v : null)),
      wall: [...this.wall],
    });
    this.loss.update([at('D', '#1f5fa8', this.lossD), at('G', '#e08214', this.lossG)]);
    this.accuracy.update([
      at('on real', '#1a9850', this.accReal),
      at('on generated', '#7b3fbf', this.accFake),
    ]);
  }
}
