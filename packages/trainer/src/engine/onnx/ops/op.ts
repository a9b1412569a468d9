/**
 * What a compiled operation is: one object (a CompiledOp) that says how it is read from a TF.js layer
 * and how it is written as ONNX nodes, forward (training mode) and backward, with the tensors its
 * forward pass keeps for its backward pass declared as its own `Saved` record. ops/index.ts lists
 * them; net.ts reads a model's layers by asking that list, and binds each operation it reads to its
 * parameters (a NetOp), through which the forward and backward passes (passes.ts) run it.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Graph } from '../graph';
import type { ExampleShape } from '../shape';

export type Layer = tfTypes.layers.Layer;

/** What the parameters of every operation carry: the kind that names it. */
export interface OpParams {
  readonly kind: string;
}

/** One layer being read, with the network read so far. */
export interface LayerReader {
  readonly layer: Layer;
  /** Its config (getConfig()). */
  readonly cfg: Record<string, unknown>;
  /** One example's shape coming in, in the graphs' layout. */
  readonly shape: ExampleShape;
  /** One example's shape going out, in TF.js's layout. */
  readonly out: readonly (number | null)[];
  /** A conditional model's label branch: Embedding, Flatten and, for an image plane, Reshape. */
  readonly label: readonly Layer[] | undefined;
  /** The operation read last. */
  readonly last: NetOp | undefined;
  /** The layer's weight whose name ends in `/<suffix>`. */
  weight(suffix: string): tfTypes.LayerVariable;
  /**
   * Adds a weight to the network with its `shape` in the graphs; `perm` permutes the axes of its
   * TF.js value (seen as an array of shape `view`, by default its own) into that shape. Returns its
   * index.
   */
  slot(variable: tfTypes.LayerVariable, shape: number[], perm?: number[], view?: number[]): number;
  /** Throws the UncompilableError that names this layer and `why`. */
  refuse(why: string): never;
}

/** What a layer compiles to. */
export interface Reading {
  /** Its operations, in order (none: it passes its input through). */
  ops: NetOp[];
  /** One example's shape going out, in the graphs' layout (default: the shape coming in). */
  shape?: ExampleShape;
  /** Classes of the label input it reads. */
  classes?: number;
  /** Whether its operations replace the one read last (a projection head takes over its Dense). */
  replacesLast?: boolean;
}

export interface ForwardContext {
  /** Names the value of weight i. */
  w: (i: number) => string;
  batch: number;
  /**
   * The batch is that many batches stacked (D's real and fake batch in one pass): BatchNorm
   * normalises each with its own statistics and moves its averages once per group, in order.
   */
  groups: number;
  /** The one-hot labels [batch, classes] of a conditional network. */
  labels: string | undefined;
  /** New values of the BatchNorm moving statistics, by weight index (filled by the pass). */
  stats: Map<number, string>;
}

export interface BackwardContext {
  w: (i: number) => string;
  batch: number;
  groups: number;
  /** Whether the weight gradients are wanted. */
  weights: boolean;
  /** Whether the input gradient is wanted (not below the first operation, unless asked for). */
  needDx: boolean;
  /** Gradients of the trainable weights, by weight index (filled by the pass). */
  grads: Map<number, string>;
}

export interface PenaltyContext {
  w: (i: number) => string;
  batch: number;
  /** The penalty's gradients of the weights, by weight index (filled by the second pass). */
  grads: Map<number, string>;
}

/** One operation's share of the gradient penalty (penalty.ts). */
export interface PenaltyStep {
  /** The first order: the input gradient, given the gradient of the output. */
  dx: string;
  /**
   * The second order, run in forward order: given the penalty's adjoint `a` of the input gradient,
   * adds this operation's weight gradients to the context's and returns the adjoint of the output
   * gradient.
   */
  second: (a: string) => string;
}

/**
 * The gradient penalty through an operation whose input gradient is linear in its output gradient
 * with slopes constant almost everywhere (Dense, Conv, ReLU, LeakyReLU, plain reshapes).
 */
export interface PenaltyRule<P extends OpParams, S> {
  /** Whether these parameters qualify (default: all do). */
  accepts?: (op: P) => boolean;
  pass: (g: Graph, op: P, saved: S, dy: string, ctx: PenaltyContext) => PenaltyStep;
}

/** How an operation is read: the TF.js layer classes it takes and what it makes of one. */
export interface LayerOp {
  /** Class names (getClassName()) of the layers it reads. */
  readonly layers: readonly string[];
  read: (r: LayerReader) => Reading;
}

/** A compiled operation with parameters P whose forward pass saves S for its backward pass. */
export interface CompiledOp<P extends OpParams, S> extends LayerOp {
  forward: (g: Graph, op: P, x: string, ctx: ForwardContext) => { y: string; saved: S };
  /** The gradient of the input (when ctx.needDx; else it may return dy as it is). */
  backward: (g: Graph, op: P, saved: S, dy: string, ctx: BackwardContext) => string;
  /** The gradient penalty's pass through it, where it has one. */
  penalty?: PenaltyRule<P, S>;
}

/** An operation's forward pass written into a graph, with its backward pass ready to write there. */
export interface Taped {
  y: string;
  backward: (dy: string, ctx: BackwardContext) => string;
  penalty?: (dy: string, ctx: PenaltyContext) => PenaltyStep;
}

/** One operation of a compiled network: its parameters bound to its rules. */
export interface NetOp<P extends OpParams = OpParams> {
  readonly kind: P['kind'];
  readonly params: P;
  /** Whether the gradient penalty's second-order pass compiles through it. */
  penaltyCompiles: () => boolean;
  forward: (g: Graph, x: string, ctx: ForwardContext) => Taped;
}

/** Binds `params` to the rules of `op`. */
export function bind<P extends OpParams, S>(op: CompiledOp<P, S>, params: P): NetOp<P> {
  const rule = op.penalty;
  return {
    kind: params.kind,
    params,
    penaltyCompiles: () => rule !== undefined && (rule.accepts?.(params) ?? true),
    forward(g, x, ctx) {
      const { y, saved } = op.forward(g, params, x, ctx);
      const taped: Taped = { y, backward: (dy, bctx) => op.backward(g, params, saved, dy, bctx) };
      if (rule) taped.penalty = (dy, pctx) => rule.pass(g, params, saved, dy, pctx);
      return taped;
    },
  };
}

/** A TF.js (height, width) setting: a number or a pair. */
export const pair = (v: unknown): [number, number] =>
  Array.isArray(v) ? [Number(v[0]), Number(v[1] ?? v[0])] : [Number(v), Number(v)];

/** The labels of a conditional network's pass (passes.ts checks they are given to such a network). */
export function labelsOf(ctx: ForwardContext): string {
  if (ctx.labels === undefined) throw new Error('labels missing for a network with a label input');
  return ctx.labels;
}
