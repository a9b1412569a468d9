/**
 * The gradient penalty λ·mean((‖∇ₓD(x̂)‖ − 1)²) and its gradient with respect to D's weights, for
 * critics made of Dense and Conv layers and piecewise-linear activations (the WGAN-GP critics, which
 * have no BatchNorm). The penalty differentiates D's input gradient: that gradient is a chain of
 * linear maps — the transposed weights, the activations' slopes — and the slopes are constant almost
 * everywhere (their own derivative is zero, as TF.js computes it), so the second pass is one more
 * chain. Each operation's part is its `penalty` rule (ops/op.ts's PenaltyRule). Per Dense layer
 * y = xW: the input gradient v = uWᵀ, and for the penalty's adjoint a of v, ∂/∂W = aᵀu and the
 * adjoint of u is aW. Per Conv: v = ConvT(u, W), ∂/∂W is the Conv weight gradient of input a and
 * output gradient u, and the adjoint of u is Conv(a, W). Operations without a rule are refused.
 */
import type { Graph } from './graph';
import { UncompilableError, type Net } from './net';
import { isActivation } from './ops/activation';
import type { PenaltyContext } from './ops/op';
import type { Forward } from './passes';

export function gradientPenaltyGrads(
  g: Graph,
  net: Net,
  w: (i: number) => string,
  fwd: Forward,
  batch: number,
  lambda: number,
): { penalty: string; grads: Map<number, string> } {
  for (const op of net.ops) {
    if (!op.penaltyCompiles()) {
      throw new UncompilableError(
        `the gradient penalty compiles for critics of Dense and Conv layers and ReLU/LeakyReLU (this one has ${isActivation(op) ? op.params.act : op.kind}); it trains on TF.js`,
      );
    }
  }
  const ctx: PenaltyContext = { w, batch, grads: new Map() };
  // First order: d(Σ D(x̂))/dx̂, each operation keeping what its second-order step needs.
  const seconds: ((a: string) => string)[] = [];
  const d = fwd.tape.reduceRight(
    (dy, step) => {
      if (!step.penalty) throw new Error('an operation without a gradient penalty rule');
      const { dx, second } = step.penalty(dy, ctx);
      seconds.unshift(second);
      return dx;
    },
    g.op('Expand', [g.scalar(1), g.ints([batch, ...net.output])]),
  );
  const rank = net.input.length + 1;
  const axes = [...Array(rank - 1).keys()].map((k) => k + 1);
  const norm = g.op('Sqrt', [g.add(g.sum(g.mul(d, d), axes), g.scalar(1e-12))]);
  const off = g.sub(norm, g.scalar(1));
  const penalty = g.scale(g.mean(g.mul(off, off), [0]), lambda);
  // Its gradient with respect to the input gradient: λ·2(‖g‖ − 1)/‖g‖ · g / N.
  const perExample = g.div(g.scale(off, (2 * lambda) / batch), norm);
  const a = g.mul(d, g.reshape(perExample, [batch, ...net.input.map(() => 1)]));
  // Second order, through the same chain in forward order.
  seconds.reduce((adj, second) => second(adj), a);
  return { penalty, grads: ctx.grads };
}
