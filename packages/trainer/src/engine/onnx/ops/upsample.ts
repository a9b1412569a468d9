/** UpSampling2D layers (nearest neighbour): each pixel repeated by whole factors down and across. */
import { bind, pair, type CompiledOp } from './op';

export interface UpsampleOp {
  kind: 'upsample';
  c: number;
  hw: [number, number];
  factor: [number, number];
}

export const upsample: CompiledOp<UpsampleOp, undefined> = {
  layers: ['UpSampling2D'],
  read(r) {
    const { shape } = r;
    if (shape.length !== 3 || (r.cfg.interpolation ?? 'nearest') !== 'nearest') {
      return r.refuse('only nearest-neighbour upsampling of images is compiled');
    }
    const [c, h, w] = shape;
    const factor = pair(r.cfg.size);
    const op: UpsampleOp = { kind: 'upsample', c, hw: [h, w], factor };
    return { ops: [bind(upsample, op)], shape: [c, h * factor[0], w * factor[1]] };
  },
  forward(g, op, x, { batch }) {
    // [N, C, H, 1, W, 1] broadcast to [N, C, H, fh, W, fw].
    const [H, W] = op.hw;
    const [fh, fw] = op.factor;
    const wide = g.op('Expand', [
      g.reshape(x, [batch, op.c, H, 1, W, 1]),
      g.ints([batch, op.c, H, fh, W, fw]),
    ]);
    return { y: g.reshape(wide, [batch, op.c, H * fh, W * fw]), saved: undefined };
  },
  backward(g, op, _saved, dy, { batch, needDx }) {
    if (!needDx) return dy;
    // The sum of the gradients of the copies of each pixel.
    const [H, W] = op.hw;
    const [fh, fw] = op.factor;
    return g.sum(g.reshape(dy, [batch, op.c, H, fh, W, fw]), [3, 5]);
  },
};
