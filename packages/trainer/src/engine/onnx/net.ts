/**
 * Reads a TF.js LayersModel into the list of operations the step compiler knows, with static NCHW
 * shapes, and the layout of each weight on the native side. A conditional model is one chain with
 * its class label joined in once (the label's embedding concatenated to the features, or as an extra
 * image plane, or projected by the head). Models outside this set (other branches and merges,
 * other layer types) are refused with the reason, and the run trains on TF.js.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { HWC_TO_CHW, NHWC_TO_NCHW } from './conv-math';
import { OPS } from './ops';
import { isActivation } from './ops/activation';
import { isBatchNorm, type BatchNormOp } from './ops/batchnorm';
import { isConv2d } from './ops/conv2d';
import { isConv2dTranspose } from './ops/conv2d-transpose';
import { isDense } from './ops/dense';
import type { Layer, LayerReader, NetOp } from './ops/op';
import { isProjection } from './ops/projection';
import { isReshape } from './ops/reshape';
import { exampleShape, type ExampleShape } from './shape';

export class UncompilableError extends Error {
  override name = 'UncompilableError';
}

/** One weight of the network: where it lives in TF.js and its shape on the native side. */
export interface WeightSlot {
  /** The TF.js variable behind it. */
  variable: tfTypes.LayerVariable;
  /** Shape in the graphs (ONNX layout). */
  shape: number[];
  /**
   * How the graph's layout differs from TF.js's (undefined: it does not): the TF.js values seen as
   * an array of shape `view`, with its axes permuted by `perm`.
   */
  layout?: { view: number[]; perm: number[] };
  trainable: boolean;
}

/** Permutes a row-major array of `shape` by `perm` (out axis k = in axis perm[k]). */
export function permute(data: Float32Array, shape: number[], perm: number[]): Float32Array {
  const outShape = perm.map((p) => shape[p]!);
  const inStrides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const out = new Float32Array(data.length);
  const idx = new Array<number>(shape.length).fill(0);
  const strides = perm.map((p) => inStrides[p]!);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let k = 0; k < idx.length; k++) src += idx[k]! * strides[k]!;
    out[o] = data[src]!;
    for (let k = idx.length - 1; k >= 0; k--) {
      if (++idx[k]! < outShape[k]!) break;
      idx[k] = 0;
    }
  }
  return out;
}

const inverse = (perm: number[]) => perm.map((_, i) => perm.indexOf(i));

/** TF.js values of a weight in the graph's layout. */
export function toGraph(slot: WeightSlot, values: Float32Array): Float32Array {
  return slot.layout ? permute(values, slot.layout.view, slot.layout.perm) : values;
}

/** Graph values of a weight in TF.js's layout (a copy). */
export function toTfjs(slot: WeightSlot, values: Float32Array): Float32Array {
  if (!slot.layout) return values.slice();
  const { view, perm } = slot.layout;
  return permute(
    values,
    perm.map((p) => view[p]!),
    inverse(perm),
  );
}

export interface Net {
  /** Its operations, in order (see ops/). */
  ops: NetOp[];
  weights: WeightSlot[];
  /** One example's input shape: [F] for vectors, [C, H, W] for images. */
  input: number[];
  /** One example's output shape, the same way. */
  output: number[];
  /** Classes of the label input of a conditional network (its graphs take a one-hot [N, classes]). */
  classes?: number;
}

const inboundOf = (layer: Layer): Layer[] => {
  if (layer.inboundNodes.length !== 1)
    throw new UncompilableError(`${layer.name}: a layer used twice is not compiled`);
  return layer.inboundNodes[0]!.inboundLayers;
};

/**
 * The layers of a conditional model's label branch, from its int [N, 1] input to the layer that
 * joins it (`joins`): Embedding, Flatten and, for an image plane, a Reshape, up to a Concatenate; or
 * Embedding and Flatten up to the Dot of a projection discriminator.
 */
function labelBranch(model: tfTypes.LayersModel): { branch: Layer[]; source: Layer; joins: Layer } {
  const input = model.inputs[1]!;
  if (input.dtype !== 'int32' || input.shape.length !== 2 || input.shape[1] !== 1) {
    throw new UncompilableError(`${model.name}: a second input other than a class label is not compiled`);
  }
  const source = input.sourceLayer as Layer;
  const branch: Layer[] = [];
  let at = source;
  for (;;) {
    const users = model.layers.filter((l) => l.inboundNodes.some((n) => n.inboundLayers.includes(at)));
    if (users.length !== 1) throw new UncompilableError(`${at.name}: a label used twice is not compiled`);
    const user = users[0]!;
    if (user.getClassName() === 'Concatenate' || user.getClassName() === 'Dot') {
      if (branch.length < 2 || (user.getClassName() === 'Dot' && branch.length !== 2)) break;
      return { branch, source, joins: user };
    }
    const expected = ['Embedding', 'Flatten', 'Reshape'][branch.length];
    if (user.getClassName() !== expected || inboundOf(user).length !== 1) {
      throw new UncompilableError(`${user.name}: this use of the label is not compiled`);
    }
    branch.push(user);
    at = user;
  }
  throw new UncompilableError(`${model.name}: this use of the label is not compiled`);
}

/**
 * The model's layers in call order, refusing anything but one chain from one input to one output —
 * with, for a conditional model, the label branch joined by one Concatenate (its layers are left out:
 * the Concatenate stands for them), or a projection head: Dense(f) + Dot(f, embedding), where the Dot
 * reads the Dense's input and the Add joins the two (the Dense stands for all three).
 */
function chain(model: tfTypes.LayersModel): { layers: Layer[]; label?: Layer[] } {
  if (model.outputs.length !== 1 || model.inputs.length > 2) {
    throw new UncompilableError(`${model.name}: ${model.inputs.length} inputs are not compiled`);
  }
  const label = model.inputs.length === 2 ? labelBranch(model) : undefined;
  const skip = new Set<Layer>(label ? [label.source, ...label.branch] : []);
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer' && !skip.has(l));
  let previous: Layer | undefined;
  for (const layer of layers) {
    let from = inboundOf(layer).filter((l) => l.getClassName() !== 'InputLayer' || skip.has(l));
    if (label && layer.getClassName() === 'Concatenate') {
      const last = label.branch[label.branch.length - 1]!;
      const all = inboundOf(layer);
      // [main, label] in this order: the label's features come after the main ones.
      if (all.length !== 2 || all[1] !== last) {
        throw new UncompilableError(`${layer.name}: this Concatenate is not compiled`);
      }
      from = from.filter((l) => l !== last);
    }
    if (label?.joins === layer && layer.getClassName() === 'Dot') {
      const all = inboundOf(layer);
      const head = previous;
      if (head?.getClassName() !== 'Dense' || all.length !== 2 || all[0] !== inboundOf(head)[0]) {
        throw new UncompilableError(`${layer.name}: this projection is not compiled`);
      }
      continue;
    }
    if (label?.joins.getClassName() === 'Dot' && layer.getClassName() === 'Add') {
      const all = inboundOf(layer);
      if (all.length !== 2 || all[0] !== previous || all[1] !== label.joins) {
        throw new UncompilableError(`${layer.name}: this Add is not compiled`);
      }
      previous = layer;
      continue;
    }
    if (from.length !== (previous ? 1 : 0) || (previous && from[0] !== previous)) {
      throw new UncompilableError(`${layer.name}: branches and merges are not compiled`);
    }
    previous = layer;
  }
  return { layers, ...(label ? { label: label.branch } : {}) };
}

/** Compiles the layer list of `model`; throws UncompilableError naming the first layer it cannot take. */
export function readNet(model: tfTypes.LayersModel): Net {
  const ops: NetOp[] = [];
  const weights: WeightSlot[] = [];
  const inShape = model.inputs[0]!.shape.slice(1);
  // The shape flowing between layers, one example, in the graphs' layout ([F] or [C, H, W]).
  const tfShape = exampleShape(inShape);
  if (!tfShape) throw new UncompilableError(`${model.name}: inputs of shape [${inShape}] are not compiled`);
  const input: ExampleShape = tfShape.length === 3 ? [tfShape[2], tfShape[0], tfShape[1]] : tfShape;
  let shape = input;
  let classes: number | undefined;
  const { layers, label } = chain(model);
  for (const layer of layers) {
    const cls = layer.getClassName();
    const op = OPS.find((o) => o.layers.includes(cls));
    if (!op) throw new UncompilableError(`${layer.name}: ${cls} layers are not compiled`);
    const read = op.read(reader(layer, shape, weights, label, ops[ops.length - 1]));
    if (read.replacesLast) ops.pop();
    ops.push(...read.ops);
    shape = read.shape ?? shape;
    classes = read.classes ?? classes;
  }
  foldLayouts(ops, weights);
  return { ops, weights, input, output: shape, ...(classes !== undefined ? { classes } : {}) };
}

/** What an operation reading `layer` sees (ops/op.ts's LayerReader); its weights go into `weights`. */
function reader(
  layer: Layer,
  shape: ExampleShape,
  weights: WeightSlot[],
  label: Layer[] | undefined,
  last: NetOp | undefined,
): LayerReader {
  const refuse = (why: string): never => {
    throw new UncompilableError(`${layer.name}: ${why}`);
  };
  return {
    layer,
    cfg: layer.getConfig() as Record<string, unknown>,
    shape,
    out: (layer.outputShape as (number | null)[]).slice(1),
    label,
    last,
    weight(suffix) {
      return (
        layer.weights.find((w) => w.originalName.endsWith(`/${suffix}`)) ?? refuse(`no ${suffix} weight`)
      );
    },
    slot(variable, graphShape, perm, view) {
      const layout = perm ? { view: view ?? (variable.shape as number[]), perm } : undefined;
      weights.push({
        variable,
        shape: graphShape,
        ...(layout ? { layout } : {}),
        trainable: variable.trainable,
      });
      return weights.length - 1;
    },
    refuse,
  };
}

/**
 * Removes the NHWC<->NCHW transposes around Flatten/Reshape by permuting the neighbouring Dense
 * weights instead (once, at load), where the only operations between them act per feature: a
 * Flatten followed by a Dense reads its rows in NCHW order; a Dense (then per-feature BatchNorm and
 * activations) followed by a Reshape to an image writes its columns in NCHW order. Not where the
 * images' side is a tap convolution (past BatchNorm and activations): those read and write images
 * channels-last, TF.js's order already, and the unfolded reshape passes them on with no transpose.
 */
function foldLayouts(ops: NetOp[], weights: WeightSlot[]): void {
  const fold = (i: number, view: number[], perm: number[]) => {
    weights[i]!.layout = { view, perm };
  };
  ops.forEach((op, k) => {
    if (!isReshape(op) || op.params.c === 1) return;
    const reshape = op.params;
    if (besideTaps(ops, k, reshape.kind === 'flatten' ? -1 : 1)) return;
    const { h, w, c } = reshape;
    if (reshape.kind === 'flatten') {
      const next = ops[k + 1];
      const head = next && isProjection(next) ? next.params : undefined;
      const dense = next && isDense(next) ? next.params : head?.dense;
      if (!dense) return;
      fold(dense.kernel, [h, w, c, dense.units], [...HWC_TO_CHW, 3]);
      // A projection head dots its input with a table row: the rows take the same order.
      if (head) fold(head.table, [head.classes, h, w, c], NHWC_TO_NCHW);
      reshape.folded = true;
      return;
    }
    let j = k - 1;
    const between: BatchNormOp[] = [];
    for (;;) {
      const before = ops[j];
      if (before && isBatchNorm(before) && before.params.over === 'features') between.push(before.params);
      else if (!before || !isActivation(before)) break;
      j--;
    }
    const before = ops[j];
    if (!before || !isDense(before)) return;
    const dense = before.params;
    fold(dense.kernel, [dense.inF, h, w, c], NHWC_TO_NCHW);
    if (dense.bias !== undefined) fold(dense.bias, [h, w, c], HWC_TO_CHW);
    for (const b of between) {
      for (const i of [b.gamma, b.beta, b.mean, b.variance])
        if (i !== undefined) fold(i, [h, w, c], HWC_TO_CHW);
    }
    reshape.folded = true;
  });
}

/** Whether the first convolution from op k on (step ±1), past BatchNorm and activations, runs on taps. */
function besideTaps(ops: NetOp[], k: number, step: 1 | -1): boolean {
  for (let j = k + step; j >= 0 && j < ops.length; j += step) {
    const op = ops[j]!;
    if (isBatchNorm(op) || isActivation(op)) continue;
    return (isConv2d(op) || isConv2dTranspose(op)) && op.params.taps;
  }
  return false;
}
