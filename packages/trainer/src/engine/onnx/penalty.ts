/**
 * The penalties on D's input gradient — the gradient penalty λ·mean((‖∇ₓD(x̂)‖ − 1)²) and R1 — and
 * their gradients with respect to D's weights, for critics made of Dense and Conv layers and
 * piecewise-linear activations (critics without BatchNorm, whose batch statistics tie examples together). The penalty differentiates D's input gradient: that gradient is a chain of
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

/** What a penalty makes of D's input gradient d: its value, and its gradient with respect to d. */
type PenaltyOf = (d: string) => { penalty: string; a: string };

/**
 * A penalty on D's input gradient at the points of the forward pass `fwd` (its sum over the batch's
 * outputs, differentiated), and the penalty's gradient with respect to D's weights. `what` names it
 * where the critic does not compile.
 */
function inputGradientPenalty(
  g: Graph,
  net: Net,
  w: (i: number) => string,
  fwd: Forward,
  batch: number,
  what: string,
  of: PenaltyOf,
): { penalty: string; grads: Map<number, string> } {
  for (const op of net.ops) {
    if (!op.penaltyCompiles()) {
      throw new UncompilableError(
        `${what} compiles for critics of Dense and Conv layers and ReLU/LeakyReLU (this one has ${isActivation(op) ? op.params.act : op.kind === 'bn' ? 'BatchNorm' : op.kind}); it trains on TF.js`,
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
  const { penalty, a } = of(d);
  // Second order, through the same chain in forward order.
  seconds.reduce((adj, second) => second(adj), a);
  return { penalty, grads: ctx.grads };
}

/** The gradient penalty λ·mean((‖∇D(x̂)‖ − 1)²) at the points of `fwd` (WGAN-GP). */
export function gradientPenaltyGrads(
  g: Graph,
  net: Net,
  w: (i: number) => string,
  fwd: Forward,
  batch: number,
  lambda: number,
): { penalty: string; grads: Map<number, string> } {
  const axes = net.input.map((_, k) => k + 1);
  return inputGradientPenalty(g, net, w, fwd, batch, 'the gradient penalty', (d) => {
    const norm = g.op('Sqrt', [g.add(g.sum(g.mul(d, d), axes), g.scalar(1e-12))]);
    const off = g.sub(norm, g.scalar(1));
    // Its gradient with respect to the input gradient: λ·2(‖g‖ − 1)/‖g‖ · g / N.
    const perExample = g.div(g.scale(off, (2 * lambda) / batch), norm);
    return {
      penalty: g.scale(g.mean(g.mul(off, off), [0]), lambda),
      a: g.mul(d, g.reshape(perExample, [batch, ...net.input.map(() => 1)])),
    };
  });
}

/**
 * R1: weight/2 · mean ‖∇ₓD(x)‖² at the real batch, `fwd` being D's pass at it. With an augmentation
 * before D (`through`) the gradient is the clean image's: the augmentation's transpose applied to D's
 * input gradient; the penalty's gradient γ·∇/N goes back through its Jacobian into the second pass.
 */
export function r1Grads(
  g: Graph,
  net: Net,
  w: (i: number) => string,
  fwd: Forward,
  batch: number,
  weight: number,
  through?: { adjoint(d: string): string; linear(a: string): string },
): { penalty: string; grads: Map<number, string> } {
  const all = [0, ...net.input.map((_, k) => k + 1)];
  return inputGradientPenalty(g, net, w, fwd, batch, 'R1', (d) => {
    const clean = through ? through.adjoint(d) : d;
    const a = g.scale(clean, weight / batch);
    return {
      penalty: g.scale(g.sum(g.mul(clean, clean), all), weight / (2 * batch)),
      a: through ? through.linear(a) : a,
    };
  });
}
