/**
 * Reshape and Flatten layers between features and images: [N, H·W·C] to NCHW images ('toImage') and
 * back ('flatten'). The features are in TF.js's NHWC order unless `folded`: then the neighbouring
 * Dense was permuted to read or write them in NCHW order (net.ts's foldLayouts), and this is a reshape.
 */
import type { Graph } from '../graph';
import { exampleShape } from '../shape';
import { bind, type CompiledOp, type NetOp } from './op';

export interface ReshapeOp {
  kind: 'toImage' | 'flatten';
  h: number;
  w: number;
  c: number;
  folded?: boolean;
}

/** Features [N, H·W·C] as NCHW images (their NHWC order recorded as the channels-last form). */
function toImage(g: Graph, op: ReshapeOp, x: string, batch: number): string {
  return op.c === 1 || op.folded
    ? g.reshape(x, [batch, op.c, op.h, op.w])
    : g.nchw(g.reshape(x, [batch, op.h, op.w, op.c]));
}

/** NCHW images as features [N, H·W·C] (read channels-last). */
function toFeatures(g: Graph, op: ReshapeOp, x: string, batch: number): string {
  return op.c === 1 || op.folded
    ? g.reshape(x, [batch, op.h * op.w * op.c])
    : g.reshape(g.nhwc(x), [batch, op.h * op.w * op.c]);
}

export const reshape: CompiledOp<ReshapeOp, undefined> = {
  layers: ['Reshape', 'Flatten'],
  read(r) {
    const { shape } = r;
    const out = exampleShape(r.out);
    if (shape.length === 1 && out?.length === 3) {
      const [h, w, c] = out;
      return { ops: [bind(reshape, { kind: 'toImage', h, w, c })], shape: [c, h, w] };
    }
    if (shape.length === 3 && out?.length === 1) {
      const [c, h, w] = shape;
      return { ops: [bind(reshape, { kind: 'flatten', c, h, w })], shape: out };
    }
    if (shape.length === 1 && out?.length === 1 && shape[0] === out[0]) return { ops: [] };
    return r.refuse('this reshape is not compiled');
  },
  forward: (g, op, x, { batch }) => ({
    y: op.kind === 'toImage' ? toImage(g, op, x, batch) : toFeatures(g, op, x, batch),
    saved: undefined,
  }),
  backward: (g, op, _saved, dy, { batch }) =>
    op.kind === 'toImage' ? toFeatures(g, op, dy, batch) : toImage(g, op, dy, batch),
  penalty: {
    // Linear: the input gradient is the backward map, and the second pass the forward one.
    pass(g, op, _saved, dy, { batch }) {
      const [back, forth] = op.kind === 'toImage' ? [toFeatures, toImage] : [toImage, toFeatures];
      return { dx: back(g, op, dy, batch), second: (a) => forth(g, op, a, batch) };
    },
  },
};

export const isReshape = (op: NetOp): op is NetOp<ReshapeOp> =>
  op.kind === 'toImage' || op.kind === 'flatten';
