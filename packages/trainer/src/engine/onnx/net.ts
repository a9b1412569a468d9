/**
 * Reads a TF.js LayersModel into the list of operations the step compiler knows, with static NCHW
 * shapes, and the layout of each weight on the native side. A conditional model is one chain with
 * its class label joined in once (the label's embedding concatenated to the features, or as an extra
 * image plane, or projected by the head). Models outside this set (other branches and merges,
 * other layer types) are refused with the reason, and the run trains on TF.js.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { HWIO_TO_OIHW, outputPadding, tfPads, type ConvGeometry } from './conv-math';

export class UncompilableError extends Error {
  override name = 'UncompilableError';
}

export type Act = 'linear' | 'relu' | 'leaky' | 'tanh' | 'sigmoid';

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

interface Conv extends ConvGeometry {
  cin: number;
  cout: number;
  kernel: number;
  bias?: number;
}

/** The operations of a compiled network; numbers index `Net.weights`. */
export type Op =
  /**
   * With `projection` (a projection discriminator's head, one unit), the label's row of the table
   * [classes, inF] dotted with the input is added to the output.
   */
  | { kind: 'dense'; inF: number; units: number; kernel: number; bias?: number; projection?: number }
  | ({ kind: 'conv' } & Conv)
  | ({ kind: 'convT'; outPad: [number, number] } & Conv)
  | {
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
      gamma?: number;
      beta?: number;
      mean: number;
      variance: number;
    }
  | { kind: 'act'; act: Act; alpha: number }
  /** Nearest-neighbour upsampling of NCHW images by whole factors (UpSampling2D). */
  | { kind: 'upsample'; c: number; hw: [number, number]; factor: [number, number] }
  /**
   * The class label joined to the features: its row of the embedding table `table` [classes, units]
   * (read as one-hot · table) concatenated after the `size` features, or, with `plane`, reshaped to
   * one image plane [1, h, w] after the `size` channels.
   */
  | { kind: 'label'; table: number; classes: number; units: number; size: number; plane?: [number, number] }
  /**
   * [N, H·W·C] to NCHW images. The features are in TF.js's NHWC order unless `folded`: then the
   * layers before were permuted to give them in NCHW order, and this is a reshape.
   */
  | { kind: 'toImage'; h: number; w: number; c: number; folded?: boolean }
  /** NCHW images to [N, H·W·C]: TF.js's NHWC order, or NCHW order where the next Dense was permuted (`folded`). */
  | { kind: 'flatten'; h: number; w: number; c: number; folded?: boolean };

export interface Net {
  ops: Op[];
  weights: WeightSlot[];
  /** One example's input shape: [F] for vectors, [C, H, W] for images. */
  input: number[];
  /** One example's output shape, the same way. */
  output: number[];
  /** Classes of the label input of a conditional network (its graphs take a one-hot [N, classes]). */
  classes?: number;
}

type Layer = tfTypes.layers.Layer;
type Shape = (number | null)[];

const ACTS: Record<string, Act> = { linear: 'linear', relu: 'relu', tanh: 'tanh', sigmoid: 'sigmoid' };

function activationOf(layer: Layer, name: unknown): Act {
  const act = ACTS[String(name ?? 'linear')];
  if (!act) throw new UncompilableError(`${layer.name}: activation "${String(name)}" is not compiled`);
  return act;
}

const pair = (v: unknown): [number, number] =>
  Array.isArray(v) ? [Number(v[0]), Number(v[1] ?? v[0])] : [Number(v), Number(v)];

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
  const ops: Op[] = [];
  const weights: WeightSlot[] = [];
  const slot = (v: tfTypes.LayerVariable, shape: number[], perm?: number[]) => {
    const layout = perm ? { view: v.shape as number[], perm } : undefined;
    weights.push({ variable: v, shape, ...(layout ? { layout } : {}), trainable: v.trainable });
    return weights.length - 1;
  };
  const inShape = model.inputs[0]!.shape.slice(1) as number[];
  // The shape flowing between layers, one example, in the graph's layout ([F] or [C, H, W]).
  let shape: number[] = inShape.length === 3 ? [inShape[2]!, inShape[0]!, inShape[1]!] : [...inShape];
  if (inShape.length !== 1 && inShape.length !== 3) {
    throw new UncompilableError(`${model.name}: inputs of shape [${inShape}] are not compiled`);
  }
  const act = (a: Act, alpha = 0) => {
    if (a !== 'linear') ops.push({ kind: 'act', act: a, alpha });
  };
  const { layers, label } = chain(model);
  let classes: number | undefined;
  for (const layer of layers) {
    const cls = layer.getClassName();
    const cfg = layer.getConfig() as Record<string, unknown>;
    const out = (layer.outputShape as Shape).slice(1) as number[];
    const byName = (suffix: string) => {
      const v = layer.weights.find((w) => w.originalName.endsWith(`/${suffix}`));
      if (!v) throw new UncompilableError(`${layer.name}: no ${suffix} weight`);
      return v;
    };
    switch (cls) {
      case 'Dense': {
        if (shape.length !== 1) throw new UncompilableError(`${layer.name}: Dense on images is not compiled`);
        const units = Number(cfg.units);
        const kernel = slot(byName('kernel'), [shape[0]!, units]);
        const bias = cfg.useBias ? slot(byName('bias'), [units]) : undefined;
        ops.push({ kind: 'dense', inF: shape[0]!, units, kernel, ...(bias !== undefined ? { bias } : {}) });
        act(activationOf(layer, cfg.activation));
        shape = [units];
        break;
      }
      case 'Conv2D':
      case 'Conv2DTranspose': {
        if (shape.length !== 3) throw new UncompilableError(`${layer.name}: needs images`);
        if (cfg.dataFormat !== 'channelsLast' || pair(cfg.dilationRate ?? 1).some((d) => d !== 1)) {
          throw new UncompilableError(
            `${layer.name}: only channels-last, undilated convolutions are compiled`,
          );
        }
        const k = pair(cfg.kernelSize);
        const s = pair(cfg.strides);
        const cin = shape[0]!;
        const cout = Number(cfg.filters);
        const inHW: [number, number] = [shape[1]!, shape[2]!];
        const outHW: [number, number] = [out[0]!, out[1]!];
        const transpose = cls === 'Conv2DTranspose';
        // A transposed convolution pads like the forward convolution it is the gradient of.
        const pads = transpose
          ? tfPads(String(cfg.padding), outHW, inHW, k, s)
          : tfPads(String(cfg.padding), inHW, outHW, k, s);
        // TF.js kernels: conv [kh, kw, in, out]; transposed [kh, kw, out, in]. ONNX: [out, in, kh, kw]
        // for Conv and [in, out, kh, kw] for ConvTranspose: both are the permutation [3, 2, 0, 1].
        const kernel = slot(
          byName('kernel'),
          transpose ? [cin, cout, k[0], k[1]] : [cout, cin, k[0], k[1]],
          HWIO_TO_OIHW,
        );
        const bias = cfg.useBias ? slot(byName('bias'), [cout]) : undefined;
        const conv = { cin, cout, k, s, pads, inHW, outHW, kernel, ...(bias !== undefined ? { bias } : {}) };
        if (transpose) {
          const outPad = outputPadding(inHW, outHW, k, s, pads);
          if (outPad.some((p, i) => p < 0 || p >= s[i]!)) {
            throw new UncompilableError(
              `${layer.name}: this transposed convolution's padding is not compiled`,
            );
          }
          ops.push({ kind: 'convT', outPad, ...conv });
        } else {
          ops.push({ kind: 'conv', ...conv });
        }
        act(activationOf(layer, cfg.activation));
        shape = [cout, outHW[0], outHW[1]];
        break;
      }
      case 'BatchNormalization': {
        const axis = Number(cfg.axis ?? -1);
        if (axis !== -1 && axis !== out.length) {
          throw new UncompilableError(`${layer.name}: BatchNormalization over axis ${axis} is not compiled`);
        }
        const size = shape[0]!;
        const gamma = cfg.scale ? slot(byName('gamma'), [size]) : undefined;
        const beta = cfg.center ? slot(byName('beta'), [size]) : undefined;
        ops.push({
          kind: 'bn',
          over: shape.length === 1 ? 'features' : 'channels',
          size,
          perExample: shape.length === 1 ? 1 : shape[1]! * shape[2]!,
          hw: shape.length === 1 ? [1, 1] : [shape[1]!, shape[2]!],
          eps: Number(cfg.epsilon),
          momentum: Number(cfg.momentum),
          ...(gamma !== undefined ? { gamma } : {}),
          ...(beta !== undefined ? { beta } : {}),
          mean: slot(byName('moving_mean'), [size]),
          variance: slot(byName('moving_variance'), [size]),
        });
        break;
      }
      case 'ReLU':
        if (cfg.maxValue != null) throw new UncompilableError(`${layer.name}: a capped ReLU is not compiled`);
        act('relu');
        break;
      case 'LeakyReLU':
        // Its gradient reads the sign of the output, which is the input's only for alpha >= 0.
        if (!(Number(cfg.alpha) >= 0))
          throw new UncompilableError(`${layer.name}: a negative LeakyReLU slope is not compiled`);
        act('leaky', Number(cfg.alpha));
        break;
      case 'Activation':
        act(activationOf(layer, cfg.activation));
        break;
      case 'Reshape':
      case 'Flatten': {
        if (shape.length === 1 && out.length === 3) {
          ops.push({ kind: 'toImage', h: out[0]!, w: out[1]!, c: out[2]! });
          shape = [out[2]!, out[0]!, out[1]!];
        } else if (shape.length === 3 && out.length === 1) {
          ops.push({ kind: 'flatten', c: shape[0]!, h: shape[1]!, w: shape[2]! });
          shape = [out[0]!];
        } else if (!(shape.length === 1 && out.length === 1 && shape[0] === out[0])) {
          throw new UncompilableError(`${layer.name}: this reshape is not compiled`);
        }
        break;
      }
      case 'UpSampling2D': {
        if (shape.length !== 3 || (cfg.interpolation ?? 'nearest') !== 'nearest') {
          throw new UncompilableError(
            `${layer.name}: only nearest-neighbour upsampling of images is compiled`,
          );
        }
        const factor = pair(cfg.size);
        ops.push({ kind: 'upsample', c: shape[0]!, hw: [shape[1]!, shape[2]!], factor });
        shape = [shape[0]!, shape[1]! * factor[0], shape[2]! * factor[1]];
        break;
      }
      case 'Dot': {
        const last = ops[ops.length - 1];
        const embedding = label![0]!;
        const ecfg = embedding.getConfig() as Record<string, unknown>;
        if (
          last?.kind !== 'dense' ||
          last.units !== 1 ||
          Number(ecfg.outputDim) !== last.inF ||
          cfg.normalize
        ) {
          throw new UncompilableError(`${layer.name}: this projection is not compiled`);
        }
        classes = Number(ecfg.inputDim);
        last.projection = slot(embedding.weights[0]!, [classes, last.inF]);
        break;
      }
      case 'Add':
        // The projection head's sum, folded into its Dense (chain checked it).
        break;
      case 'Concatenate': {
        const axis = Number(cfg.axis ?? -1);
        if (!label || (axis !== -1 && axis !== out.length)) {
          throw new UncompilableError(`${layer.name}: this Concatenate is not compiled`);
        }
        const embedding = label[0]!;
        const ecfg = embedding.getConfig() as Record<string, unknown>;
        classes = Number(ecfg.inputDim);
        const units = Number(ecfg.outputDim);
        const table = slot(embedding.weights[0]!, [classes, units]);
        if (shape.length === 1) {
          ops.push({ kind: 'label', table, classes, units, size: shape[0]! });
          shape = [shape[0]! + units];
        } else {
          const plane = (label[2]?.outputShape as Shape | undefined)?.slice(1) as number[] | undefined;
          if (!plane || plane[0] !== shape[1] || plane[1] !== shape[2] || plane[2] !== 1) {
            throw new UncompilableError(`${layer.name}: only a label plane of the image's size is compiled`);
          }
          ops.push({ kind: 'label', table, classes, units, size: shape[0]!, plane: [shape[1]!, shape[2]!] });
          shape = [shape[0]! + 1, shape[1]!, shape[2]!];
        }
        break;
      }
      default:
        throw new UncompilableError(`${layer.name}: ${cls} layers are not compiled`);
    }
  }
  foldLayouts(ops, weights);
  return {
    ops,
    weights,
    input: inShape.length === 3 ? [inShape[2]!, inShape[0]!, inShape[1]!] : inShape,
    output: shape,
    ...(classes !== undefined ? { classes } : {}),
  };
}

/**
 * Removes the NHWC<->NCHW transposes around Flatten/Reshape by permuting the neighbouring Dense
 * weights instead (once, at load), where the only operations between them act per feature: a
 * Flatten followed by a Dense reads its rows in NCHW order; a Dense (then per-feature BatchNorm and
 * activations) followed by a Reshape to an image writes its columns in NCHW order.
 */
function foldLayouts(ops: Op[], weights: WeightSlot[]): void {
  const fold = (i: number, view: number[], perm: number[]) => {
    const w = weights[i]!;
    w.layout = { view, perm };
  };
  ops.forEach((op, k) => {
    if ((op.kind !== 'flatten' && op.kind !== 'toImage') || op.c === 1) return;
    const { h, w, c } = op;
    if (op.kind === 'flatten') {
      const next = ops[k + 1];
      if (next?.kind !== 'dense') return;
      fold(next.kernel, [h, w, c, next.units], [2, 0, 1, 3]);
      // A projection head dots its input with a table row: the rows take the same order.
      if (next.projection !== undefined) {
        fold(next.projection, [weights[next.projection]!.shape[0]!, h, w, c], [0, 3, 1, 2]);
      }
      op.folded = true;
      return;
    }
    let j = k - 1;
    const between: Op[] = [];
    while (
      j >= 0 &&
      (ops[j]!.kind === 'act' || (ops[j]!.kind === 'bn' && (ops[j] as { over: string }).over === 'features'))
    ) {
      between.push(ops[j]!);
      j--;
    }
    const dense = ops[j];
    if (dense?.kind !== 'dense') return;
    fold(dense.kernel, [dense.inF, h, w, c], [0, 3, 1, 2]);
    if (dense.bias !== undefined) fold(dense.bias, [h, w, c], [2, 0, 1]);
    for (const b of between) {
      if (b.kind !== 'bn') continue;
      for (const i of [b.gamma, b.beta, b.mean, b.variance])
        if (i !== undefined) fold(i, [h, w, c], [2, 0, 1]);
    }
    op.folded = true;
  });
}
