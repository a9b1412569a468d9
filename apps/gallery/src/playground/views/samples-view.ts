/**
 * The main 2-D view, in layers that switch on and off: D's heat map, the real points, the generated
 * points, G's gradients (a short line from each generated point the way G's next update moves it) and
 * G's manifold (the latent grid's cells as G maps them, shaded by density). In slow motion it also shows
 * the step's batch and what the stage does with it; in drawing mode the user adds real points here.
 */
import { el } from '../../dom';
import type { Bounds, Snapshot, StageView } from '../protocol';
import { drawHeat, heatLegend } from './heatmap-view';
import { drawManifold } from './manifold';
import { COLORS, Plane } from './plane';

export const LAYERS = [
  ['heat', 'D’s heat map', false],
  ['real', 'real', true],
  ['fake', 'generated', true],
  ['gradients', 'G’s gradients', true],
  ['manifold', 'manifold', false],
] as const;
export type Layer = (typeof LAYERS)[number][0];

/** Generated points that get a gradient line (the first ones of the fixed latents). */
export const GRADIENT_LINES = 300;
export const GRADIENT_COLOR = '#d6336c';

/** A gradient line in data units: from a generated point, along −∂L_G/∂x scaled for display. */
export interface GradientLine {
  x: number;
  y: number;
  dx: number;
  dy: number;
}

/** Lines for the first `count` points: the longest (the 95th percentile) a tenth of the plane's width. */
export function gradientLines(
  points: ArrayLike<number>,
  grads: ArrayLike<number>,
  width: number,
  count: number,
): GradientLine[] {
  const n = Math.min(count, Math.floor(points.length / 2), Math.floor(grads.length / 2));
  const norms = Array.from({ length: n }, (_, i) => Math.hypot(grads[2 * i]!, grads[2 * i + 1]!)).filter(
    Number.isFinite,
  );
  const sorted = [...norms].sort((a, b) => a - b);
  const ref = sorted[Math.floor(sorted.length * 0.95)] ?? 0;
  const scale = ref > 0 ? (0.1 * width) / ref : 0;
  const lines: GradientLine[] = [];
  for (let i = 0; i < n; i++) {
    const [gx, gy] = [grads[2 * i]! * scale, grads[2 * i + 1]! * scale];
    const len = Math.hypot(gx, gy);
    const cap = len > 0.15 * width ? (0.15 * width) / len : 1;
    lines.push({ x: points[2 * i]!, y: points[2 * i + 1]!, dx: gx * cap, dy: gy * cap });
  }
  return lines;
}

export class SamplesView {
  readonly plane = new Plane('Real and generated points', 'pg-samples');
  readonly toggles = el('div', { class: 'pg-layers', attrs: { role: 'group', 'aria-label': 'Layers' } });
  readonly shown = new Set<Layer>(LAYERS.filter(([, , on]) => on).map(([k]) => k));
  /** The gradient lines last drawn (data units), for tests and the console. */
  lastGradients: GradientLine[] = [];
  private real: ArrayLike<number> = [];
  private last: Snapshot | undefined;
  private stage: StageView | undefined;

  constructor() {
    for (const [key, label] of LAYERS) {
      const box = el('input', { attrs: { type: 'checkbox', id: `pg-layer-${key}`, 'data-layer': key } });
      box.checked = this.shown.has(key);
      box.addEventListener('change', () => {
        if (box.checked) this.shown.add(key);
        else this.shown.delete(key);
        this.plane.canvas.dataset['layers'] = [...this.shown].join(',');
        if (this.last) this.draw(this.last);
      });
      this.toggles.append(el('label', { class: 'pg-layer' }, box, ` ${label}`));
    }
    this.plane.canvas.dataset['layers'] = [...this.shown].join(',');
  }

  setReal(real: ArrayLike<number>, bounds: Bounds): void {
    this.real = real;
    this.plane.bounds = bounds;
  }

  /** Slow motion's stage to show over the layers (undefined: none). */
  setStage(stage: StageView | undefined): void {
    this.stage = stage;
  }

  draw(s: Snapshot): void {
    this.last = s;
    const p = this.plane;
    const on = (l: Layer) => this.shown.has(l);
    p.clear();
    if (on('heat') && s.heatSize > 0) drawHeat(p, s);
    p.axes();
    if (on('manifold') && s.gridSize > 0) {
      drawManifold(p, {
        transport: s.transport,
        gridSize: s.gridSize,
        span: s.latentSpan ?? 2,
        latentDim: s.latentDim ?? 2,
        noise: s.noise ?? 'gaussian',
      });
    }
    if (on('real')) p.dots(this.real, COLORS.real, 1.6, 0.55);
    if (on('fake')) p.dots(s.fake, COLORS.fake, 1.6, 0.8);
    this.lastGradients = [];
    if (on('gradients') && s.gradients) {
      const width = p.bounds[1] - p.bounds[0];
      this.lastGradients = gradientLines(s.fake, s.gradients, width, GRADIENT_LINES);
      this.lines(this.lastGradients, GRADIENT_COLOR, 0.7);
    }
    if (this.stage) this.drawStage(this.stage);
    p.legend([
      ...(on('heat') ? heatLegend(s) : []),
      ...(on('real') ? ([['real', COLORS.real]] as [string, string][]) : []),
      ...(on('fake') ? ([['generated', COLORS.fake]] as [string, string][]) : []),
      ...(on('gradients')
        ? ([['G’s gradient: where G moves it', GRADIENT_COLOR]] as [string, string][])
        : []),
      ...(on('manifold') ? ([['G’s manifold (dark: dense)', COLORS.grid]] as [string, string][]) : []),
    ]);
  }

  private lines(lines: GradientLine[], color: string, alpha: number): void {
    const { ctx } = this.plane;
    const p = this.plane;
    ctx.save();
    ctx.strokeStyle = color;
    ctx.globalAlpha = alpha;
    ctx.lineWidth = Math.max(1, p.size / 360);
    ctx.beginPath();
    for (const l of lines) {
      ctx.moveTo(p.px(l.x), p.py(l.y));
      ctx.lineTo(p.px(l.x + l.dx), p.py(l.y + l.dy));
    }
    ctx.stroke();
    ctx.restore();
  }

  /** The step's batch, larger, ringed in D's verdict from the classify stage on; its gradients in G's phase. */
  private drawStage(v: StageView): void {
    const p = this.plane;
    const { ctx } = p;
    const r = 3.2 * (p.size / 360);
    const ring = (pts: Float32Array, fill: string, belief?: Float32Array) => {
      for (let i = 0; i + 1 < pts.length; i += 2) {
        ctx.beginPath();
        ctx.arc(p.px(pts[i]!), p.py(pts[i + 1]!), r, 0, 2 * Math.PI);
        ctx.fillStyle = fill;
        ctx.fill();
        const b = belief?.[i / 2];
        ctx.strokeStyle = b === undefined ? '#1d2330' : b > 0.5 ? '#0b6e35' : '#5a1f99';
        ctx.lineWidth = b === undefined ? 1 : 2.2;
        ctx.stroke();
      }
    };
    ctx.save();
    ring(v.real, COLORS.real, v.dReal);
    ring(v.fake, COLORS.fake, v.dFake);
    ctx.restore();
    if (v.gradients) {
      const width = p.bounds[1] - p.bounds[0];
      this.lines(gradientLines(v.fake, v.gradients, width, v.fake.length / 2), GRADIENT_COLOR, 1);
    }
  }

  /** The drawing in progress, before it trains. */
  drawSketch(points: ArrayLike<number>): void {
    const p = this.plane;
    p.clear();
    p.axes();
    p.dots(points, COLORS.real, 2.5);
    p.legend([
      [points.length ? 'your points (click or drag to add)' : 'click or drag to draw points', COLORS.real],
    ]);
  }
}
