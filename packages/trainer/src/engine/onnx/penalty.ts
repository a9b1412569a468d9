/**
 * The gradient penalty λ·mean((‖∇ₓD(x̂)‖ − 1)²) and its gradient with respect to D's weights, for
 * critics made of Dense and Conv layers and piecewise-linear activations (the WGAN-GP critics, which
 * have no BatchNorm). The penalty differentiates D's input gradient: that gradient is a chain of
 * linear maps — the transposed weights, the activations' slopes — and the slopes are constant almost
 * everywhere (their own derivative is zero, as TF.js computes it), so the second pass is one more
 * chain. Per Dense layer y = xW: the input gradient v = uWᵀ, and for the penalty's adjoint a of v,
 * ∂/∂W = aᵀu and the adjoint of u is aW. Per Conv: v = ConvT(u, W), ∂/∂W is the Conv weight
 * gradient of input a and output gradient u, and the adjoint of u is Conv(a, W).
 */
import { convForward, convInputGrad, filterGrad } from './conv-graph';
import type { Graph } from './graph';
import { UncompilableError, type Net } from './net';
import type { Forward } from './rules';

export function gradientPenaltyGrads(
  g: Graph,
  net: Net,
  w: (i: number) => string,
  fwd: Forward,
  batch: number,
  lambda: number,
): { penalty: string; grads: Map<number, string> } {
  for (const op of net.ops) {
    const linear = op.kind === 'act' && (op.act === 'relu' || op.act === 'leaky' || op.act === 'linear');
    const reshape = (op.kind === 'flatten' || op.kind === 'toImage') && (op.c === 1 || op.folded);
    if (op.kind !== 'dense' && op.kind !== 'conv' && !linear && !reshape) {
      throw new UncompilableError(
        `the gradient penalty compiles for critics of Dense and Conv layers and ReLU/LeakyReLU (this one has ${op.kind === 'act' ? op.act : op.kind}); it trains on TF.js`,
      );
    }
  }
  // First order: d(Σ D(x̂))/dx̂, keeping each Dense layer's upstream gradient and each slope.
  const upstream = new Map<number, string>();
  const slopes = new Map<number, string>();
  const shapes = new Map<number, number[]>();
  let d = g.op('Expand', [g.scalar(1), g.ints([batch, ...net.output])]);
  for (let i = net.ops.length - 1; i >= 0; i--) {
    const op = net.ops[i]!;
    switch (op.kind) {
      case 'dense':
        upstream.set(i, d);
        d = g.op('Gemm', [d, w(op.kernel)], { transB: { i: 1 } });
        break;
      case 'conv':
        upstream.set(i, d);
        d = convInputGrad(g, op, d, w(op.kernel));
        break;
      case 'act': {
        if (op.act === 'linear') break;
        const y = fwd.tape[i]!.y!;
        const positive = g.op('Greater', [y, g.scalar(0)]);
        const slope = g.op('Where', [positive, g.scalar(1), g.scalar(op.act === 'leaky' ? op.alpha : 0)]);
        slopes.set(i, slope);
        d = g.mul(d, slope);
        break;
      }
      case 'flatten':
        shapes.set(i, [batch, op.h * op.w * op.c]);
        d = g.reshape(d, [batch, op.c, op.h, op.w]);
        break;
      case 'toImage':
        shapes.set(i, [batch, op.c, op.h, op.w]);
        d = g.reshape(d, [batch, op.h * op.w * op.c]);
        break;
      default:
        throw new Error('unreachable');
    }
  }
  const rank = net.input.length + 1;
  const axes = [...Array(rank - 1).keys()].map((k) => k + 1);
  const norm = g.op('Sqrt', [g.add(g.sum(g.mul(d, d), axes), g.scalar(1e-12))]);
  const off = g.sub(norm, g.scalar(1));
  const penalty = g.scale(g.mean(g.mul(off, off), [0]), lambda);
  // Its gradient with respect to the input gradient: λ·2(‖g‖ − 1)/‖g‖ · g / N.
  const perExample = g.div(g.scale(off, (2 * lambda) / batch), norm);
  let a = g.mul(d, g.reshape(perExample, [batch, ...net.input.map(() => 1)]));
  // Second order, through the same chain in forward order.
  const grads = new Map<number, string>();
  net.ops.forEach((op, i) => {
    switch (op.kind) {
      case 'dense':
        grads.set(op.kernel, g.op('Gemm', [a, upstream.get(i)!], { transA: { i: 1 } }));
        a = g.op('MatMul', [a, w(op.kernel)]);
        break;
      case 'conv':
        grads.set(op.kernel, filterGrad(g, op, a, upstream.get(i)!, batch, false));
        a = convForward(g, op, a, w(op.kernel), batch);
        break;
      case 'act':
        if (slopes.has(i)) a = g.mul(a, slopes.get(i)!);
        break;
      case 'flatten':
      case 'toImage':
        a = g.reshape(a, shapes.get(i)!);
        break;
      default:
        break;
    }
  });
  return { penalty, grads };
}
