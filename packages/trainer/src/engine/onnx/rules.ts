/**
 * Forward (training mode) and backward rules for each operation of a compiled network, written as
 * ONNX nodes. They follow TF.js's arithmetic (batch statistics with the biased variance, moving
 * averages `m - (m - x)·(1 - momentum)`), so a compiled step matches a TF.js step. Convolutions
 * and their gradients are written by conv-graph.ts.
 */
import { convForward, convInputGrad, convTransposeInputGrad, filterGrad } from './conv-graph';
import type { Graph } from './graph';
import type { Net, Op } from './net';

/** What a forward pass keeps for its backward pass, one entry per operation. */
type Saved = {
  x?: string;
  y?: string;
  xhat?: string;
  k?: string;
  gammaR?: string;
  labels?: string;
  rows?: string;
};

export interface Forward {
  y: string;
  tape: Saved[];
  /** New values of the BatchNorm moving statistics, by weight index. */
  stats: Map<number, string>;
}

/**
 * `w[i]` names the value of weight i; `batch` is the (static) batch size. With `groups` > 1 the
 * batch is that many batches stacked (D's real and fake batch in one pass): BatchNorm normalises
 * each with its own statistics and moves its averages once per group, in order, as separate passes would.
 * `labels` names the one-hot labels [batch, classes] of a conditional network.
 */
export function forward(
  g: Graph,
  net: Net,
  w: (i: number) => string,
  x: string,
  batch: number,
  groups = 1,
  labels?: string,
): Forward {
  if ((net.classes !== undefined) !== (labels !== undefined)) {
    throw new Error(
      `labels ${labels ? 'given to a network without' : 'missing for a network with'} a label input`,
    );
  }
  const tape: Saved[] = [];
  const stats = new Map<number, string>();
  let h = x;
  for (const op of net.ops) {
    const saved: Saved = {};
    switch (op.kind) {
      case 'dense': {
        saved.x = h;
        const y = g.op(op.bias !== undefined ? 'Gemm' : 'MatMul', [
          h,
          w(op.kernel),
          ...(op.bias !== undefined ? [w(op.bias)] : []),
        ]);
        if (op.projection !== undefined) {
          // + ⟨h, table[label]⟩ per example.
          saved.labels = labels!;
          saved.rows = g.op('MatMul', [labels!, w(op.projection)]);
          h = g.add(y, g.sum(g.mul(h, saved.rows), [1], true));
        } else {
          h = y;
        }
        break;
      }
      case 'conv':
        saved.x = h;
        h = convForward(g, op, h, w(op.kernel), batch, op.bias !== undefined ? w(op.bias) : undefined);
        break;
      case 'convT':
        saved.x = h;
        h = g.op('ConvTranspose', [h, w(op.kernel), ...(op.bias !== undefined ? [w(op.bias)] : [])], {
          kernel_shape: { ints: op.k },
          strides: { ints: op.s },
          pads: { ints: op.pads },
          output_padding: { ints: op.outPad },
        });
        break;
      case 'bn': {
        const v = bnView(op, batch, groups);
        const hv = v.to(g, h);
        const mean = g.mean(hv, v.axes, true);
        const xc = g.sub(hv, mean);
        const variance = g.mean(g.mul(xc, xc), v.axes, true);
        const rstd = g.op('Reciprocal', [g.op('Sqrt', [g.add(variance, g.scalar(op.eps))])]);
        saved.xhat = g.mul(xc, rstd);
        let y = saved.xhat;
        if (op.gamma !== undefined) {
          saved.gammaR = g.reshape(w(op.gamma), v.param);
          y = g.mul(y, saved.gammaR);
          saved.k = g.mul(saved.gammaR, rstd);
        } else {
          saved.k = rstd;
        }
        if (op.beta !== undefined) y = g.add(y, g.reshape(w(op.beta), v.param));
        h = v.from(g, y);
        const decay = g.scalar(1 - op.momentum);
        const moving = (i: number, batchValue: string) => {
          let value = w(i);
          for (let k = 0; k < groups; k++) {
            const one =
              groups > 1
                ? g.op('Slice', [batchValue, g.ints([k]), g.ints([k + 1]), g.ints([0])])
                : batchValue;
            value = g.sub(value, g.mul(g.sub(value, g.reshape(one, [op.size])), decay));
          }
          stats.set(i, value);
        };
        moving(op.mean, mean);
        moving(op.variance, variance);
        break;
      }
      case 'act':
        h = activation(g, op, h);
        saved.y = h;
        break;
      case 'upsample': {
        // Each pixel repeated factor × factor times: [N, C, H, 1, W, 1] broadcast to [N, C, H, fh, W, fw].
        const [H, W] = op.hw;
        const [fh, fw] = op.factor;
        const wide = g.op('Expand', [
          g.reshape(h, [batch, op.c, H, 1, W, 1]),
          g.ints([batch, op.c, H, fh, W, fw]),
        ]);
        h = g.reshape(wide, [batch, op.c, H * fh, W * fw]);
        break;
      }
      case 'label': {
        // one-hot · table picks the label's row exactly (every other term is 0 · x).
        saved.x = labels!;
        const rows = g.op('MatMul', [labels!, w(op.table)]);
        const joined = op.plane ? g.reshape(rows, [batch, 1, op.plane[0], op.plane[1]]) : rows;
        h = g.op('Concat', [h, joined], { axis: { i: 1 } });
        break;
      }
      case 'toImage':
        h =
          op.c === 1 || op.folded
            ? g.reshape(h, [batch, op.c, op.h, op.w])
            : g.transpose(g.reshape(h, [batch, op.h, op.w, op.c]), [0, 3, 1, 2]);
        break;
      case 'flatten':
        h =
          op.c === 1 || op.folded
            ? g.reshape(h, [batch, op.h * op.w * op.c])
            : g.reshape(g.transpose(h, [0, 2, 3, 1]), [batch, op.h * op.w * op.c]);
        break;
    }
    tape.push(saved);
  }
  return { y: h, tape, stats };
}

type BnOp = Extract<Op, { kind: 'bn' }>;

/**
 * How BatchNorm sees its input: [N, F] or NCHW as is, or split into groups ([G, N/G, F] or
 * [G, N/G, C, H·W]) with statistics per group.
 */
function bnView(op: BnOp, batch: number, groups: number) {
  const features = op.over === 'features';
  if (groups === 1) {
    return {
      axes: features ? [0] : [0, 2, 3],
      param: features ? [1, op.size] : [1, op.size, 1, 1],
      to: (_g: Graph, t: string) => t,
      from: (_g: Graph, t: string) => t,
    };
  }
  const per = batch / groups;
  const grouped = features ? [groups, per, op.size] : [groups, per, op.size, op.perExample];
  const flat = features ? [batch, op.size] : [batch, op.size, op.hw[0], op.hw[1]];
  return {
    axes: features ? [1] : [1, 3],
    param: features ? [1, 1, op.size] : [1, 1, op.size, 1],
    to: (g: Graph, t: string) => g.reshape(t, grouped),
    from: (g: Graph, t: string) => g.reshape(t, flat),
  };
}

function activation(g: Graph, op: Extract<Op, { kind: 'act' }>, x: string): string {
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

function activationGrad(g: Graph, op: Extract<Op, { kind: 'act' }>, s: Saved, dy: string): string {
  const zero = g.scalar(0);
  switch (op.act) {
    case 'relu':
      // y > 0 exactly where x > 0; reading y (not x) lets onnxruntime fuse the activation into the op before.
      return g.op('Where', [g.op('Greater', [s.y!, zero]), dy, zero]);
    case 'leaky':
      return g.op('Where', [g.op('Greater', [s.y!, zero]), dy, g.scale(dy, op.alpha)]);
    case 'tanh':
      return g.mul(dy, g.sub(g.scalar(1), g.mul(s.y!, s.y!)));
    case 'sigmoid':
      return g.mul(dy, g.mul(s.y!, g.sub(g.scalar(1), s.y!)));
    case 'linear':
      return dy;
  }
}

export interface Backward {
  /** Gradient of the input, when asked for. */
  dx?: string;
  /** Gradients of the trainable weights, by weight index (empty when `weights` is false). */
  grads: Map<number, string>;
}

/**
 * Back-propagates `dy` through the forward pass `fwd`. `weights: false` skips the weight gradients
 * (G's loss through D needs only D's input gradient).
 */
export function backward(
  g: Graph,
  net: Net,
  w: (i: number) => string,
  fwd: Forward,
  dy: string,
  batch: number,
  opts: { inputGrad: boolean; weights: boolean; groups?: number },
): Backward {
  const groups = opts.groups ?? 1;
  const grads = new Map<number, string>();
  let d = dy;
  for (let i = net.ops.length - 1; i >= 0; i--) {
    const op = net.ops[i]!;
    const s = fwd.tape[i]!;
    // Nothing below the first operation needs a gradient unless the input's is asked for.
    const needDx = i > 0 || opts.inputGrad;
    switch (op.kind) {
      case 'dense':
        if (opts.weights) {
          grads.set(op.kernel, g.op('Gemm', [s.x!, d], { transA: { i: 1 } }));
          if (op.bias !== undefined) grads.set(op.bias, g.sum(d, [0]));
          // The projection's table: one-hotᵀ · (dy · h).
          if (op.projection !== undefined) {
            grads.set(op.projection, g.op('Gemm', [s.labels!, g.mul(s.x!, d)], { transA: { i: 1 } }));
          }
        }
        if (needDx) {
          const dx = g.op('Gemm', [d, w(op.kernel)], { transB: { i: 1 } });
          d = op.projection !== undefined ? g.add(dx, g.mul(d, s.rows!)) : dx;
        }
        break;
      case 'conv': {
        if (opts.weights) {
          grads.set(op.kernel, filterGrad(g, op, s.x!, d, batch, false));
          if (op.bias !== undefined) grads.set(op.bias, g.sum(d, [0, 2, 3]));
        }
        if (needDx) d = convInputGrad(g, op, d, w(op.kernel));
        break;
      }
      case 'convT': {
        if (opts.weights) {
          grads.set(op.kernel, filterGrad(g, op, s.x!, d, batch, true));
          if (op.bias !== undefined) grads.set(op.bias, g.sum(d, [0, 2, 3]));
        }
        if (needDx) d = convTransposeInputGrad(g, op, d, w(op.kernel), batch);
        break;
      }
      case 'bn': {
        const v = bnView(op, batch, groups);
        const dv = v.to(g, d);
        const count = (batch / groups) * op.perExample;
        const s1 = g.sum(dv, v.axes, true);
        const s2 = g.sum(g.mul(dv, s.xhat!), v.axes, true);
        if (opts.weights) {
          const total = (t: string) => (groups > 1 ? g.sum(t, [0]) : t);
          if (op.beta !== undefined) grads.set(op.beta, g.reshape(total(s1), [op.size]));
          if (op.gamma !== undefined) grads.set(op.gamma, g.reshape(total(s2), [op.size]));
        }
        if (needDx) {
          const centred = g.sub(dv, g.add(g.scale(s1, 1 / count), g.mul(s.xhat!, g.scale(s2, 1 / count))));
          d = v.from(g, g.mul(centred, s.k!));
        }
        break;
      }
      case 'act':
        if (needDx) d = activationGrad(g, op, s, d);
        break;
      case 'upsample':
        if (needDx) {
          // The sum of the gradients of the copies of each pixel.
          const [H, W] = op.hw;
          const [fh, fw] = op.factor;
          d = g.sum(g.reshape(d, [batch, op.c, H, fh, W, fw]), [3, 5]);
        }
        break;
      case 'label': {
        const part = (from: number, to: number) =>
          g.op('Slice', [d, g.ints([from]), g.ints([to]), g.ints([1])]);
        if (opts.weights) {
          // Each table row gathers the gradients of the examples with that label: one-hotᵀ · d.
          const joined = part(op.size, op.size + (op.plane ? 1 : op.units));
          const rows = op.plane ? g.reshape(joined, [batch, op.units]) : joined;
          grads.set(op.table, g.op('Gemm', [s.x!, rows], { transA: { i: 1 } }));
        }
        if (needDx) d = part(0, op.size);
        break;
      }
      case 'toImage':
        d =
          op.c === 1 || op.folded
            ? g.reshape(d, [batch, op.h * op.w * op.c])
            : g.reshape(g.transpose(d, [0, 2, 3, 1]), [batch, op.h * op.w * op.c]);
        break;
      case 'flatten':
        d =
          op.c === 1 || op.folded
            ? g.reshape(d, [batch, op.c, op.h, op.w])
            : g.transpose(g.reshape(d, [batch, op.h, op.w, op.c]), [0, 3, 1, 2]);
        break;
    }
  }
  return { ...(opts.inputGrad ? { dx: d } : {}), grads };
}
