/**
 * Image mode's figures: step, steps per second, and class coverage: over the classifier's confident
 * predictions ("confident: k/10"), and by the evaluator's rule, which counts every image however unsure
 * ("classes covered k/10"), with the generated samples' spread over the ten Fashion-MNIST classes as
 * bars (the confident share dark, the unsure rest light).
 */
import { el } from '../../dom';
import type { Snapshot } from '../protocol';

export class CoverageView {
  readonly host = el('div', { class: 'pg-metrics', attrs: { id: 'pg-image-metrics' } });
  private readonly numbers = el('dl', { class: 'pg-numbers' });
  private readonly note = el('p', { class: 'pg-coverage-note', attrs: { id: 'pg-coverage-note' } });
  private readonly canvas = document.createElement('canvas');

  constructor(private readonly classNames: string[]) {
    this.canvas.id = 'pg-coverage-bars';
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', 'Generated samples per Fashion-MNIST class');
    const k = Math.min(2, Math.max(1, globalThis.devicePixelRatio || 1));
    this.canvas.width = 320 * k;
    this.canvas.height = 220 * k;
    this.host.append(this.numbers, this.note, this.canvas);
  }

  update(s: Snapshot): void {
    const c = s.coverage;
    const item = (name: string, value: string, id: string) => [
      el('dt', { text: name }),
      el('dd', { text: value, attrs: { id } }),
    ];
    this.numbers.replaceChildren(
      ...item('Step', `${s.step} (G ${s.gSteps})`, 'pg-image-step'),
      ...item('Steps/s', s.stepsPerSecond ? s.stepsPerSecond.toFixed(1) : '–', 'pg-image-rate'),
      ...item(
        'Classes covered, confident',
        c ? `${c.confident.classesPresent}/${c.classes}` : '–',
        'pg-coverage-confident',
      ),
      ...item(
        'Classes covered (evaluator)',
        c ? `${c.classesPresent}/${c.classes} (step ${c.step}, ${(c.ms / 1000).toFixed(2)} s)` : '–',
        'pg-coverage',
      ),
    );
    this.note.textContent = c
      ? `Coverage needs confident predictions: the classifier puts every image in some class, and untrained noise lands, unsurely, in one (often “Bag”). The confident count takes only images classified with a top probability of at least ${c.confident.threshold} (${c.confident.count} of ${c.count} now); the evaluator’s rule counts them all. A class counts with at least a quarter of its even share.`
      : '';
    this.bars(c?.histogram ?? [], c?.confident.histogram ?? [], c?.count ?? 0);
  }

  private bars(histogram: number[], confident: number[], count: number): void {
    const ctx = this.canvas.getContext('2d')!;
    const { width: W, height: H } = this.canvas;
    const k = W / 320;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, W, H);
    const left = 84 * k;
    const rowH = H / Math.max(1, this.classNames.length);
    const max = Math.max(1, ...histogram);
    const threshold = count / Math.max(1, histogram.length) / 4;
    ctx.font = `${12 * k}px system-ui, sans-serif`;
    ctx.textBaseline = 'middle';
    this.classNames.forEach((name, i) => {
      const y = i * rowH;
      const n = histogram[i] ?? 0;
      ctx.fillStyle = '#444';
      ctx.textAlign = 'right';
      ctx.fillText(name, left - 6 * k, y + rowH / 2);
      const sure = confident[i] ?? 0;
      ctx.fillStyle = '#c9ced6';
      const w = ((W - left - 36 * k) * n) / max;
      ctx.fillRect(left, y + rowH * 0.18, w, rowH * 0.64);
      ctx.fillStyle = sure >= threshold && sure > 0 ? '#1f5fa8' : '#7f93b0';
      ctx.fillRect(left, y + rowH * 0.18, ((W - left - 36 * k) * sure) / max, rowH * 0.64);
      ctx.fillStyle = '#444';
      ctx.textAlign = 'left';
      ctx.fillText(String(n), left + w + 4 * k, y + rowH / 2);
    });
  }
}
