/**
 * Cropping2D layers: rows and columns cut off each side of an image (a Slice), their gradient the
 * output gradient padded back with zeros. A PyTorch ConvTranspose with padding p is a 'valid' one
 * followed by this with p on each side (models/rdcgan80.ts).
 */
import type { Graph } from '../graph';
import { bind, type CompiledOp } from './op';

export interface CroppingOp {
  kind: 'crop';
  /** The image coming in. */
  hw: [number, number];
  /** Rows and columns cut: top, bottom, left, right. */
  crop: [number, number, number, number];
}

const slice = (g: Graph, { hw, crop: [t, b, l, r] }: CroppingOp, x: string) =>
  g.op('Slice', [x, g.ints([t, l]), g.ints([hw[0] - b, hw[1] - r]), g.ints([2, 3])]);

const pad = (g: Graph, { crop: [t, b, l, r] }: CroppingOp, dy: string) =>
  g.op('Pad', [dy, g.ints([0, 0, t, l, 0, 0, b, r])]);

export const cropping: CompiledOp<CroppingOp, undefined> = {
  layers: ['Cropping2D'],
  read(r) {
    const { shape, cfg } = r;
    if (shape.length !== 3 || cfg.dataFormat !== 'channelsLast') {
      return r.refuse('only channels-last images are cropped in the compiled step');
    }
    const [c, h, w] = shape;
    const [[t, b], [l, rt]] = cfg.cropping as [[number, number], [number, number]];
    const op: CroppingOp = { kind: 'crop', hw: [h, w], crop: [t, b, l, rt] };
    return { ops: [bind(cropping, op)], shape: [c, h - t - b, w - l - rt] };
  },
  forward: (g, op, x) => ({ y: slice(g, op, x), saved: undefined }),
  // No gradient penalty rule: no critic crops (one that does trains its penalty on TF.js).
  backward: (g, op, _saved, dy, { needDx }) => (needDx ? pad(g, op, dy) : dy),
};
