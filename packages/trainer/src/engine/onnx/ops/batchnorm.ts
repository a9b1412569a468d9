/**
 * BatchNormalization in training mode, as TF.js computes it: batch statistics with the biased
 * variance, and moving averages `m - (m - x)·(1 - momentum)` written as new values of its weights.
 */
import type { Graph } from '../graph';
import { bind, type CompiledOp, type NetOp } from './op';

export interface BatchNormOp {
  kind: 'bn';
  /** 'features': [N, F] batches; 'channels': NCHW, statistics over N, H and W. */
  over: 'features' | 'channels';
  size: number;
  /** Elements per example each statistic averages over (H·W per channel; 1 for features). */
  perExample: number;
  /** Spatial size of 'channels' inputs. */
  hw: [number, number];
  eps: number;
  momentum: number;
  /** Weight indices. */
  gamma?: number;
  beta?: number;
  mean: number;
  variance: number;
}

interface Saved {
  /** The normalised input (in the forward pass's view). */
  xhat: string;
  /** What the input gradient is scaled by: γ/σ (1/σ without γ). */
  k: string;
  /** Whether the images were normalised channels-last. */
  nhwc: boolean;
}

/**
 * How BatchNorm sees its input: [N, F] or NCHW as is, or split into groups ([G, N/G, F] or
 * [G, N/G, C, H·W]) with statistics per group; with `nhwc`, channels-last images: NHWC as is, or
 * [G, N/G·H·W, C]. Channels-last, the backward pass's sums are over the rows of [..., rows, C] and are
 * matrix products (Graph.rowSum), not reductions. The forward pass's means stay ReduceMean: onnxruntime's
 * CPU and wasm builds sum those in the same order, and their matrix products do not — a difference
 * that moved the browser's first gradient of G 0.8% away from Node's (the mean is subtracted from
 * values close to it, and the gradient through BatchNorm is a difference of nearly equal terms).
 */
interface View {
  axes: number[];
  param: number[] | undefined;
  /** Channels-last: the view is [...outer, rows, C], its statistics over the rows. */
  rows?: number;
  outer?: number[];
  to(g: Graph, t: string): string;
  from(g: Graph, t: string): string;
}

function view(op: BatchNormOp, batch: number, groups: number, nhwc: boolean): View {
  const features = op.over === 'features';
  if (nhwc) return channelsLastView(op, batch, groups);
  if (groups === 1) {
    return {
      axes: features ? [0] : [0, 2, 3],
      param: features ? undefined : [1, op.size, 1, 1],
      to: (_g: Graph, t: string) => t,
      from: (_g: Graph, t: string) => t,
    };
  }
  const per = batch / groups;
  const grouped = features ? [groups, per, op.size] : [groups, per, op.size, op.perExample];
  const flat = features ? [batch, op.size] : [batch, op.size, op.hw[0], op.hw[1]];
  return {
    axes: features ? [1] : [1, 3],
    param: features ? undefined : [1, 1, op.size, 1],
    to: (g: Graph, t: string) => g.reshape(t, grouped),
    from: (g: Graph, t: string) => g.reshape(t, flat),
  };
}

/** The channels-last view: NHWC, or [G, N/G·H·W, C] per group; the result goes out as NCHW. */
function channelsLastView(op: BatchNormOp, batch: number, groups: number): View {
  const rows = (batch / groups) * op.perExample;
  const image = [batch, op.hw[0], op.hw[1], op.size];
  return groups === 1
    ? {
        axes: [0, 1, 2],
        param: undefined,
        rows,
        to: (g: Graph, t: string) => g.nhwc(t),
        from: (g: Graph, t: string) => g.nchw(t),
      }
    : {
        axes: [1],
        param: undefined,
        rows,
        outer: [groups],
        to: (g: Graph, t: string) => g.reshape(g.nhwc(t), [groups, rows, op.size]),
        from: (g: Graph, t: string) => g.nchw(g.reshape(t, image)),
      };
}

/** The backward pass's sums over a view, shaped to broadcast against it. */
const sum = (g: Graph, op: BatchNormOp, v: View, t: string) =>
  v.rows ? g.rowSum(t, v.rows, op.size, v.outer) : g.sum(t, v.axes, true);

/**
 * γ or β shaped to broadcast over the view: as they are where the channels are the last axis
 * (features, channels-last images), reshaped to `param` where they are not.
 */
const perChannel = (g: Graph, param: number[] | undefined, t: string) => (param ? g.reshape(t, param) : t);

export const batchNorm: CompiledOp<BatchNormOp, Saved> = {
  layers: ['BatchNormalization'],
  read(r) {
    const { shape, cfg } = r;
    const axis = Number(cfg.axis ?? -1);
    if (axis !== -1 && axis !== r.out.length) {
      r.refuse(`BatchNormalization over axis ${axis} is not compiled`);
    }
    const size = shape[0];
    const gamma = cfg.scale ? r.slot(r.weight('gamma'), [size]) : undefined;
    const beta = cfg.center ? r.slot(r.weight('beta'), [size]) : undefined;
    const op: BatchNormOp = {
      kind: 'bn',
      over: shape.length === 1 ? 'features' : 'channels',
      size,
      perExample: shape.length === 1 ? 1 : shape[1] * shape[2],
      hw: shape.length === 1 ? [1, 1] : [shape[1], shape[2]],
      eps: Number(cfg.epsilon),
      momentum: Number(cfg.momentum),
      ...(gamma !== undefined ? { gamma } : {}),
      ...(beta !== undefined ? { beta } : {}),
      mean: r.slot(r.weight('moving_mean'), [size]),
      variance: r.slot(r.weight('moving_variance'), [size]),
    };
    return { ops: [bind(batchNorm, op)] };
  },
  forward(g, op, x, { w, batch, groups, stats }) {
    // Images that have a channels-last form (a tap convolution's output) stay channels-last.
    const nhwc = op.over === 'channels' && g.hasNhwc(x);
    const v = view(op, batch, groups, nhwc);
    const xv = v.to(g, x);
    const mean = g.mean(xv, v.axes, true);
    const xc = g.sub(xv, mean);
    const variance = g.mean(g.mul(xc, xc), v.axes, true);
    const rstd = g.op('Reciprocal', [g.op('Sqrt', [g.add(variance, g.scalar(op.eps))])]);
    const xhat = g.mul(xc, rstd);
    let y = xhat;
    let k = rstd;
    if (op.gamma !== undefined) {
      const gamma = perChannel(g, v.param, w(op.gamma));
      y = g.mul(y, gamma);
      k = g.mul(gamma, rstd);
    }
    if (op.beta !== undefined) y = g.add(y, perChannel(g, v.param, w(op.beta)));
    const out = v.from(g, y);
    const decay = g.scalar(1 - op.momentum);
    const moving = (i: number, batchValue: string) => {
      let value = w(i);
      for (let n = 0; n < groups; n++) {
        const one =
          groups > 1 ? g.op('Slice', [batchValue, g.ints([n]), g.ints([n + 1]), g.ints([0])]) : batchValue;
        value = g.sub(value, g.mul(g.sub(value, g.reshape(one, [op.size])), decay));
      }
      stats.set(i, value);
    };
    moving(op.mean, mean);
    moving(op.variance, variance);
    return { y: out, saved: { xhat, k, nhwc } };
  },
  backward(g, op, { xhat, k, nhwc }, dy, ctx) {
    const { batch, groups, grads } = ctx;
    const v = view(op, batch, groups, nhwc);
    const dv = v.to(g, dy);
    const count = (batch / groups) * op.perExample;
    const s1 = sum(g, op, v, dv);
    const s2 = sum(g, op, v, g.mul(dv, xhat));
    if (ctx.weights) {
      const total = (t: string) => (groups > 1 ? g.sum(t, [0]) : t);
      if (op.beta !== undefined) grads.set(op.beta, g.reshape(total(s1), [op.size]));
      if (op.gamma !== undefined) grads.set(op.gamma, g.reshape(total(s2), [op.size]));
    }
    if (!ctx.needDx) return dy;
    const centred = g.sub(dv, g.add(g.scale(s1, 1 / count), g.mul(xhat, g.scale(s2, 1 / count))));
    return v.from(g, g.mul(centred, k));
  },
};

export const isBatchNorm = (op: NetOp): op is NetOp<BatchNormOp> => op.kind === 'bn';
