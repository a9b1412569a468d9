/**
 * Where G sends a grid of latent points: the square grid on z's first two axes, drawn as the mesh
 * its image makes in the data plane (folds and stretches show what G does to the latent space).
 */
import type { Bounds, Snapshot } from '../protocol';
import { COLORS, Plane } from './plane';

export class TransportView {
  readonly plane = new Plane('How the generator maps a grid of latent points', 'pg-transport');
  private real: ArrayLike<number> = [];

  setReal(real: ArrayLike<number>, bounds: Bounds): void {
    this.real = real;
    this.plane.bounds = bounds;
  }

  draw(s: Snapshot): void {
    const p = this.plane;
    const { ctx } = p;
    const n = s.gridSize;
    const at = (r: number, c: number): [number, number] => [
      p.px(s.transport[2 * (r * n + c)]!),
      p.py(s.transport[2 * (r * n + c) + 1]!),
    ];
    p.clear();
    p.axes();
    p.dots(this.real, COLORS.real, 1.2, 0.35);
    ctx.strokeStyle = COLORS.grid;
    ctx.lineWidth = Math.max(1, p.size / 360);
    ctx.globalAlpha = 0.85;
    ctx.beginPath();
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        const [x, y] = at(r, c);
        if (c + 1 < n) {
          ctx.moveTo(x, y);
          ctx.lineTo(...at(r, c + 1));
        }
        if (r + 1 < n) {
          ctx.moveTo(x, y);
          ctx.lineTo(...at(r + 1, c));
        }
      }
    }
    ctx.stroke();
    ctx.globalAlpha = 1;
    p.dots(s.transport, COLORS.grid, 2);
    p.legend([
      [
        `G(z) for a grid of z in [−${s.latentSpan ?? 2}, ${s.latentSpan ?? 2}]${(s.latentDim ?? 2) > 1 ? '²' : ''}`,
        COLORS.grid,
      ],
      ['real', COLORS.real],
    ]);
  }
}
