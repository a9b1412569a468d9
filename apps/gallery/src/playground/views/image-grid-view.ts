/** A grid of small grayscale images in [-1, 1] (NHWC, one channel), drawn pixel for pixel, enlarged. */

const COLUMNS = 8;
const GAP = 2;

export class ImageGridView {
  readonly canvas = document.createElement('canvas');

  constructor(id: string, label: string) {
    this.canvas.id = id;
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', label);
    this.canvas.width = 8;
    this.canvas.height = 8;
  }

  /** Draws `values` (count x h x w x 1) as an 8-column grid, white gaps between the images. */
  draw(values: ArrayLike<number>, shape: [number, number, number]): void {
    const [h, w] = shape;
    const count = Math.floor(values.length / (h * w));
    const rows = Math.ceil(count / COLUMNS);
    const W = COLUMNS * w + (COLUMNS + 1) * GAP;
    const H = rows * h + (rows + 1) * GAP;
    if (this.canvas.width !== W || this.canvas.height !== H) {
      this.canvas.width = W;
      this.canvas.height = H;
    }
    const ctx = this.canvas.getContext('2d')!;
    const img = ctx.createImageData(W, H);
    img.data.fill(255);
    for (let n = 0; n < count; n++) {
      const x0 = GAP + (n % COLUMNS) * (w + GAP);
      const y0 = GAP + Math.floor(n / COLUMNS) * (h + GAP);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const v = values[n * h * w + y * w + x]!;
          // Fashion-MNIST is light clothes on black: drawn as stored.
          const g = Math.round(Math.min(1, Math.max(0, (v + 1) / 2)) * 255);
          const at = ((y0 + y) * W + x0 + x) * 4;
          img.data[at] = g;
          img.data[at + 1] = g;
          img.data[at + 2] = g;
        }
      }
    }
    ctx.putImageData(img, 0, 0);
  }
}
