/**
 * Element-wise activations: ReLU, LeakyReLU, tanh and sigmoid, from ReLU, LeakyReLU and Activation
 * layers and from the `activation` setting of Dense and convolution layers.
 */
import type { Graph } from '../graph';
import { bind, type CompiledOp, type LayerReader, type NetOp } from './op';

export type Act = 'linear' | 'relu' | 'leaky' | 'tanh' | 'sigmoid';

export interface ActivationOp {
  kind: 'act';
  act: Act;
  /** LeakyReLU's slope below zero. */
  alpha: number;
}

/** Its output: each gradient reads the output, not the input. */
interface Saved {
  y: string;
}

const ACTS: Record<string, Act> = { linear: 'linear', relu: 'relu', tanh: 'tanh', sigmoid: 'sigmoid' };

function apply(g: Graph, op: ActivationOp, x: string): string {
  switch (op.act) {
    case 'relu':
      return g.op('Relu', [x]);
    case 'leaky':
      return g.op('LeakyRelu', [x], { alpha: { f: op.alpha } });
    case 'tanh':
      return g.op('Tanh', [x]);
    case 'sigmoid':
      return g.op('Sigmoid', [x]);
    case 'linear':
      return x;
  }
}

function gradient(g: Graph, op: ActivationOp, { y }: Saved, dy: string): string {
  if (op.act === 'linear') return dy;
  // Element-wise: channels-last where both images are (Graph.nhwc), so no transpose is made.
  if (g.hasNhwc(y) && g.hasNhwc(dy)) return g.nchw(slopeTimes(g, op, g.nhwc(y), g.nhwc(dy)));
  return slopeTimes(g, op, y, dy);
}

function slopeTimes(g: Graph, op: ActivationOp, y: string, dy: string): string {
  const zero = g.scalar(0);
  switch (op.act) {
    case 'relu':
      // y > 0 exactly where x > 0; reading y (not x) lets onnxruntime fuse the activation into the op before.
      // A Where, not a mask multiplied in: the mask (Greater, Cast, Add, Mul) made onnxruntime-web's
      // MLP step a third slower on two threads, where in Node it gained a few percent at most.
      return g.op('Where', [g.op('Greater', [y, zero]), dy, zero]);
    case 'leaky':
      return g.op('Where', [g.op('Greater', [y, zero]), dy, g.scale(dy, op.alpha)]);
    case 'tanh':
      return g.mul(dy, g.sub(g.scalar(1), g.mul(y, y)));
    case 'sigmoid':
      return g.mul(dy, g.mul(y, g.sub(g.scalar(1), y)));
    case 'linear':
      return dy;
  }
}

export const activation: CompiledOp<ActivationOp, Saved> = {
  layers: ['ReLU', 'LeakyReLU', 'Activation'],
  read(r) {
    const { cfg } = r;
    switch (r.layer.getClassName()) {
      case 'ReLU':
        if (cfg.maxValue != null) r.refuse('a capped ReLU is not compiled');
        return { ops: activationOps('relu') };
      case 'LeakyReLU':
        // Its gradient reads the sign of the output, which is the input's only for alpha >= 0.
        if (!(Number(cfg.alpha) >= 0)) r.refuse('a negative LeakyReLU slope is not compiled');
        return { ops: activationOps('leaky', Number(cfg.alpha)) };
      default:
        return { ops: activationOps(activationOf(r, cfg.activation)) };
    }
  },
  forward(g, op, x) {
    // An image with a channels-last form (a tap convolution's output) stays channels-last.
    const y = op.act !== 'linear' && g.hasNhwc(x) ? g.nchw(apply(g, op, g.nhwc(x))) : apply(g, op, x);
    return { y, saved: { y } };
  },
  backward: (g, op, saved, dy, ctx) => (ctx.needDx ? gradient(g, op, saved, dy) : dy),
  penalty: {
    // Piecewise linear: the slopes are constant almost everywhere (their derivative is zero).
    accepts: (op) => op.act === 'relu' || op.act === 'leaky' || op.act === 'linear',
    pass(g, op, { y }, dy) {
      if (op.act === 'linear') return { dx: dy, second: (a) => a };
      const positive = g.op('Greater', [y, g.scalar(0)]);
      const slope = g.op('Where', [positive, g.scalar(1), g.scalar(op.act === 'leaky' ? op.alpha : 0)]);
      return { dx: g.mul(dy, slope), second: (a) => g.mul(a, slope) };
    },
  },
};

/** The activation a layer's setting names; refuses the ones not compiled. */
export function activationOf(r: LayerReader, name: unknown): Act {
  const act = ACTS[String(name ?? 'linear')];
  if (!act) r.refuse(`activation "${String(name)}" is not compiled`);
  return act;
}

/** The operations of an activation: none for 'linear'. */
export function activationOps(act: Act, alpha = 0): NetOp[] {
  return act === 'linear' ? [] : [bind(activation, { kind: 'act', act, alpha })];
}

export const isActivation = (op: NetOp): op is NetOp<ActivationOp> => op.kind === 'act';
