/** Real against generated points on the plane; in drawing mode the user adds real points here. */
import type { Bounds } from '../protocol';
import { COLORS, Plane } from './plane';

export class SamplesView {
  readonly plane = new Plane('Real and generated points', 'pg-samples');
  private real: ArrayLike<number> = [];
  private fake: ArrayLike<number> = [];

  setReal(real: ArrayLike<number>, bounds: Bounds): void {
    this.real = real;
    this.plane.bounds = bounds;
  }

  draw(fake: ArrayLike<number> = this.fake): void {
    this.fake = fake;
    const p = this.plane;
    p.clear();
    p.axes();
    p.dots(this.real, COLORS.real, 1.6, 0.55);
    p.dots(fake, COLORS.fake, 1.6, 0.8);
    p.legend([
      ['real', COLORS.real],
      ['generated', COLORS.fake],
    ]);
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
