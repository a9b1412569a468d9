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

/**
 * The slope of a ReLU (α = 0) or LeakyReLU at its output y: 1 where y > 0, α elsewhere, as TF.js's
 * x > 0 test takes it (y > 0 exactly where x > 0 for α ≥ 0; reading y, not x, lets onnxruntime fuse
 * the activation into the operation before it). y times 2²⁵⁴ (two factors: float32 saturates to ±∞)
 * is at least 1 for every positive float, denormals included, and at most 0 elsewhere, so clipped to
 * [α, 1] it is the slope: cheap element-wise passes where onnxruntime's Greater and Where take about
 * four times as long (CPU, two threads, 1.6 M values: 0.33 against 1.3 ms with the product by dy),
 * and the browser's wasm step is no slower for it (a Greater/Cast mask cost its MLP step a third).
 */
function slope(g: Graph, y: string, alpha: number): string {
  const scaled = g.scale(g.scale(y, 2 ** 127), 2 ** 127);
  if (alpha <= 1) return g.op('Clip', [scaled, g.scalar(alpha), g.scalar(1)]);
  const positive = g.op('Clip', [scaled, g.scalar(0), g.scalar(1)]);
  return g.add(g.scale(positive, 1 - alpha), g.scalar(alpha));
}

function slopeTimes(g: Graph, op: ActivationOp, y: string, dy: string): string {
  switch (op.act) {
    case 'relu':
      return g.mul(dy, slope(g, y, 0));
    case 'leaky':
      return g.mul(dy, slope(g, y, op.alpha));
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
      const k = slope(g, y, op.act === 'leaky' ? op.alpha : 0);
      return { dx: g.mul(dy, k), second: (a) => g.mul(a, k) };
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
