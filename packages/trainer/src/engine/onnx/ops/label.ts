/**
 * A conditional model's class label joined to the features (Embedding → Flatten [→ Reshape] →
 * Concatenate): its row of the embedding table, read as one-hot · table, concatenated after the
 * features, or reshaped to one image plane after the channels.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { exampleShape } from '../shape';
import { bind, labelsOf, type CompiledOp, type LayerReader } from './op';

export interface LabelOp {
  kind: 'label';
  /** Weight index of the embedding table [classes, units]. */
  table: number;
  classes: number;
  units: number;
  /** Features (or channels) before the label's. */
  size: number;
  /** The plane's [h, w] where the label joins an image. */
  plane?: [number, number];
}

/** The one-hot labels, for the table's gradient. */
interface Saved {
  labels: string;
}

export const label: CompiledOp<LabelOp, Saved> = {
  layers: ['Concatenate'],
  read(r) {
    const { shape } = r;
    const axis = Number(r.cfg.axis ?? -1);
    if (!r.label || (axis !== -1 && axis !== r.out.length)) r.refuse('this Concatenate is not compiled');
    const { variable, classes, units } = labelEmbedding(r, 'this Concatenate is not compiled');
    const table = r.slot(variable, [classes, units]);
    if (shape.length === 1) {
      const op: LabelOp = { kind: 'label', table, classes, units, size: shape[0] };
      return { ops: [bind(label, op)], shape: [shape[0] + units], classes };
    }
    const [c, h, w] = shape;
    const plane = exampleShape(r.label?.[2]?.outputShape.slice(1) ?? []);
    if (plane?.length !== 3 || plane[0] !== h || plane[1] !== w || plane[2] !== 1) {
      r.refuse("only a label plane of the image's size is compiled");
    }
    const op: LabelOp = { kind: 'label', table, classes, units, size: c, plane: [h, w] };
    return { ops: [bind(label, op)], shape: [c + 1, h, w], classes };
  },
  forward(g, op, x, ctx) {
    // one-hot · table picks the label's row exactly (every other term is 0 · x).
    const labels = labelsOf(ctx);
    const rows = g.op('MatMul', [labels, ctx.w(op.table)]);
    const joined = op.plane ? g.reshape(rows, [ctx.batch, 1, op.plane[0], op.plane[1]]) : rows;
    return { y: g.op('Concat', [x, joined], { axis: { i: 1 } }), saved: { labels } };
  },
  backward(g, op, { labels }, dy, ctx) {
    const part = (from: number, to: number) => g.op('Slice', [dy, g.ints([from]), g.ints([to]), g.ints([1])]);
    if (ctx.weights) {
      // Each table row gathers the gradients of the examples with that label: one-hotᵀ · dy.
      const joined = part(op.size, op.size + (op.plane ? 1 : op.units));
      const rows = op.plane ? g.reshape(joined, [ctx.batch, op.units]) : joined;
      ctx.grads.set(op.table, g.op('Gemm', [labels, rows], { transA: { i: 1 } }));
    }
    return ctx.needDx ? part(0, op.size) : dy;
  },
};

/** The label branch's embedding table: its variable, the classes (rows) and units (columns). */
export function labelEmbedding(
  r: LayerReader,
  why: string,
): { variable: tfTypes.LayerVariable; classes: number; units: number } {
  const embedding = r.label?.[0];
  const variable = embedding?.weights[0];
  if (!embedding || !variable) return r.refuse(why);
  const cfg = embedding.getConfig() as Record<string, unknown>;
  return { variable, classes: Number(cfg.inputDim), units: Number(cfg.outputDim) };
}
