/** Shared by the 2-D views: a square canvas that maps the data plane's bounds to pixels. */
import type { Bounds } from '../protocol';

export const COLORS = {
  real: '#1a9850',
  fake: '#7b3fbf',
  grid: '#e08214',
  ink: '#1d2330',
  muted: '#8a93a3',
};

/** Canvas pixels per CSS pixel, capped so phones with 3x screens do not draw 9x the pixels. */
const density = () => Math.min(2, Math.max(1, globalThis.devicePixelRatio || 1));

/** Canvas pixels per CSS pixel as laid out (or as designed for `designWidth` CSS pixels before layout). */
export function canvasScale(canvas: HTMLCanvasElement, designWidth: number): number {
  return canvas.width / (canvas.clientWidth || designWidth);
}

export class Plane {
  readonly canvas: HTMLCanvasElement;
  readonly ctx: CanvasRenderingContext2D;
  bounds: Bounds = [-3, 3, -3, 3];

  constructor(label: string, id: string) {
    this.canvas = document.createElement('canvas');
    this.canvas.id = id;
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', label);
    const size = Math.round(360 * density());
    this.canvas.width = size;
    this.canvas.height = size;
    this.ctx = this.canvas.getContext('2d')!;
  }

  get size(): number {
    return this.canvas.width;
  }

  px(x: number): number {
    const [x0, x1] = this.bounds;
    return ((x - x0) / (x1 - x0)) * this.size;
  }

  py(y: number): number {
    const [, , y0, y1] = this.bounds;
    return ((y1 - y) / (y1 - y0)) * this.size;
  }

  /** The plane point under a mouse or touch event. */
  toPlane(clientX: number, clientY: number): [number, number] {
    const r = this.canvas.getBoundingClientRect();
    const [x0, x1, y0, y1] = this.bounds;
    return [x0 + ((clientX - r.left) / r.width) * (x1 - x0), y1 - ((clientY - r.top) / r.height) * (y1 - y0)];
  }

  clear(fill = '#ffffff'): void {
    this.ctx.fillStyle = fill;
    this.ctx.fillRect(0, 0, this.size, this.size);
  }

  /** Light axes through the origin, when it is in view. */
  axes(): void {
    const { ctx } = this;
    ctx.strokeStyle = '#d5d9e0';
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(this.px(0), 0);
    ctx.lineTo(this.px(0), this.size);
    ctx.moveTo(0, this.py(0));
    ctx.lineTo(this.size, this.py(0));
    ctx.stroke();
  }

  dots(points: ArrayLike<number>, color: string, radius: number, alpha = 1): void {
    const { ctx } = this;
    ctx.globalAlpha = alpha;
    ctx.fillStyle = color;
    const r = radius * (this.size / 360);
    for (let i = 0; i + 1 < points.length; i += 2) {
      const x = this.px(points[i]!);
      const y = this.py(points[i + 1]!);
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      ctx.fillRect(x - r, y - r, 2 * r, 2 * r);
    }
    ctx.globalAlpha = 1;
  }

  /** A small legend in the top-left corner, its text 12 CSS pixels high however the canvas is scaled. */
  legend(entries: [string, string][]): void {
    const { ctx } = this;
    const s = canvasScale(this.canvas, 360);
    ctx.font = `${12 * s}px system-ui, sans-serif`;
    ctx.textBaseline = 'middle';
    entries.forEach(([text, color], i) => {
      const y = (12 + i * 16) * s;
      ctx.fillStyle = 'rgba(255,255,255,0.8)';
      ctx.fillRect(4 * s, y - 7 * s, ctx.measureText(text).width + 22 * s, 14 * s);
      ctx.fillStyle = color;
      ctx.fillRect(8 * s, y - 4 * s, 8 * s, 8 * s);
      ctx.fillStyle = COLORS.ink;
      ctx.fillText(text, 20 * s, y);
    });
  }
}
