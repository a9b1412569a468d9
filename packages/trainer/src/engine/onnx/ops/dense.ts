/** Dense layers: y = x·W (+ b), [N, in] to [N, units]; their activation follows as its own operation. */
import type { Graph } from '../graph';
import { activationOf, activationOps } from './activation';
import { bind, type BackwardContext, type CompiledOp, type NetOp } from './op';

export interface DenseOp {
  kind: 'dense';
  inF: number;
  units: number;
  /** Weight indices of the kernel [inF, units] and of the bias. */
  kernel: number;
  bias?: number;
}

/** Its input, for the kernel's gradient. */
interface Saved {
  x: string;
}

export const dense: CompiledOp<DenseOp, Saved> = {
  layers: ['Dense'],
  read(r) {
    const { shape, cfg } = r;
    if (shape.length !== 1) return r.refuse('Dense on images is not compiled');
    const [inF] = shape;
    const units = Number(cfg.units);
    const kernel = r.slot(r.weight('kernel'), [inF, units]);
    const bias = cfg.useBias ? r.slot(r.weight('bias'), [units]) : undefined;
    const op: DenseOp = { kind: 'dense', inF, units, kernel, ...(bias !== undefined ? { bias } : {}) };
    return { ops: [bind(dense, op), ...activationOps(activationOf(r, cfg.activation))], shape: [units] };
  },
  forward: (g, op, x, ctx) => ({ y: denseForward(g, op, x, ctx.w), saved: { x } }),
  backward(g, op, { x }, dy, ctx) {
    if (ctx.weights) denseWeightGrads(g, op, x, dy, ctx);
    return ctx.needDx ? denseInputGrad(g, op, dy, ctx.w) : dy;
  },
  penalty: {
    // Its input gradient v = u·Wᵀ; for the adjoint a of v, ∂/∂W = aᵀu and u's adjoint is a·W.
    pass(g, op, _saved, dy, ctx) {
      return {
        dx: denseInputGrad(g, op, dy, ctx.w),
        second(a) {
          ctx.grads.set(op.kernel, g.op('Gemm', [a, dy], { transA: { i: 1 } }));
          return g.op('MatMul', [a, ctx.w(op.kernel)]);
        },
      };
    },
  },
};

export function denseForward(g: Graph, op: DenseOp, x: string, w: (i: number) => string): string {
  return g.op(op.bias !== undefined ? 'Gemm' : 'MatMul', [
    x,
    w(op.kernel),
    ...(op.bias !== undefined ? [w(op.bias)] : []),
  ]);
}

/** xᵀ·dy for the kernel, the batch's sum of dy for the bias (Graph.rowSum). */
export function denseWeightGrads(g: Graph, op: DenseOp, x: string, dy: string, ctx: BackwardContext): void {
  ctx.grads.set(op.kernel, g.op('Gemm', [x, dy], { transA: { i: 1 } }));
  if (op.bias !== undefined) ctx.grads.set(op.bias, g.reshape(g.rowSum(dy, ctx.batch, op.units), [op.units]));
}

export const denseInputGrad = (g: Graph, op: DenseOp, dy: string, w: (i: number) => string) =>
  g.op('Gemm', [dy, w(op.kernel)], { transB: { i: 1 } });

export const isDense = (op: NetOp): op is NetOp<DenseOp> => op.kind === 'dense';
