/**
 * A projection discriminator's head: Dense(1) on the features plus ⟨features, table[label]⟩, the Dot
 * of the features with the label's embedding, joined by an Add. The Dot takes over the Dense read
 * before it; the Add is its sum.
 */
import { denseForward, denseInputGrad, denseWeightGrads, isDense, type DenseOp } from './dense';
import { labelEmbedding } from './label';
import { bind, labelsOf, type CompiledOp, type NetOp } from './op';

export interface ProjectionOp {
  kind: 'projection';
  /** The head's Dense, with one unit. */
  dense: DenseOp;
  /** Weight index of the embedding table [classes, dense.inF]. */
  table: number;
  classes: number;
}

interface Saved {
  /** The features. */
  x: string;
  /** The one-hot labels and the table rows they pick. */
  labels: string;
  rows: string;
}

export const projection: CompiledOp<ProjectionOp, Saved> = {
  layers: ['Dot', 'Add'],
  read(r) {
    // The Add is the head's sum, taken with the Dot (net.ts's chain checked it joins the two).
    if (r.layer.getClassName() === 'Add') return { ops: [] };
    const why = 'this projection is not compiled';
    const { variable, classes, units } = labelEmbedding(r, why);
    const { last } = r;
    if (!last || !isDense(last) || last.params.units !== 1 || units !== last.params.inF || r.cfg.normalize) {
      return r.refuse(why);
    }
    const dense = last.params;
    const op: ProjectionOp = {
      kind: 'projection',
      dense,
      table: r.slot(variable, [classes, dense.inF]),
      classes,
    };
    return { ops: [bind(projection, op)], replacesLast: true, classes };
  },
  forward(g, op, x, ctx) {
    const y = denseForward(g, op.dense, x, ctx.w);
    // + ⟨x, table[label]⟩ per example.
    const labels = labelsOf(ctx);
    const rows = g.op('MatMul', [labels, ctx.w(op.table)]);
    return { y: g.add(y, g.sum(g.mul(x, rows), [1], true)), saved: { x, labels, rows } };
  },
  backward(g, op, { x, labels, rows }, dy, ctx) {
    if (ctx.weights) {
      denseWeightGrads(g, op.dense, x, dy, ctx);
      // The table's: one-hotᵀ · (dy · x).
      ctx.grads.set(op.table, g.op('Gemm', [labels, g.mul(x, dy)], { transA: { i: 1 } }));
    }
    if (!ctx.needDx) return dy;
    return g.add(denseInputGrad(g, op.dense, dy, ctx.w), g.mul(dy, rows));
  },
};

export const isProjection = (op: NetOp): op is NetOp<ProjectionOp> => op.kind === 'projection';
