/**
 * The forward (training mode) and backward passes of a compiled network, written as ONNX nodes: each
 * operation's own rules (ops/) in order, and back. They follow TF.js's arithmetic, so a compiled
 * step matches a TF.js step.
 */
import type { Graph } from './graph';
import type { Net } from './net';
import type { BackwardContext, Taped } from './ops/op';

export interface Forward {
  y: string;
  /** Each operation's pass, in order, with what its backward pass needs. */
  tape: Taped[];
  /** New values of the BatchNorm moving statistics, by weight index. */
  stats: Map<number, string>;
}

/**
 * `w(i)` names the value of weight i; `batch` is the (static) batch size. With `groups` > 1 the
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
  const ctx = { w, batch, groups, labels, stats: new Map<number, string>() };
  const tape: Taped[] = [];
  let h = x;
  for (const op of net.ops) {
    const step = op.forward(g, h, ctx);
    tape.push(step);
    h = step.y;
  }
  return { y: h, tape, stats: ctx.stats };
}

export interface Backward {
  /** Gradient of the input, when asked for. */
  dx?: string;
  /** Gradients of the trainable weights, by weight index (empty when `weights` is false). */
  grads: Map<number, string>;
}

/**
 * Back-propagates `dy` through the forward pass `fwd`, in its graph. `weights: false` skips the
 * weight gradients (G's loss through D needs only D's input gradient).
 */
export function backward(
  w: (i: number) => string,
  fwd: Forward,
  dy: string,
  batch: number,
  opts: { inputGrad: boolean; weights: boolean; groups?: number },
): Backward {
  const grads = new Map<number, string>();
  const ctx = (i: number): BackwardContext => ({
    w,
    batch,
    groups: opts.groups ?? 1,
    weights: opts.weights,
    // Nothing below the first operation needs a gradient unless the input's is asked for.
    needDx: i > 0 || opts.inputGrad,
    grads,
  });
  const dx = fwd.tape.reduceRight((d, step, i) => step.backward(d, ctx(i)), dy);
  return { ...(opts.inputGrad ? { dx } : {}), grads };
}
