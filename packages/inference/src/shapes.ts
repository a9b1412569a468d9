/**
 * Reads tensor shapes off an ONNX graph without running it: every node's output shape from its inputs'
 * shapes, its attributes and the values of small constant integer tensors (as torch.onnx.export computes
 * Reshape targets: Shape -> Gather -> Unsqueeze -> Concat). It knows the operators generators are built
 * from; a graph with any other operator on the way to the output gives `undefined`, not a guess.
 * createGenerator uses it to refuse a model whose one sample is too large before running it.
 */
import { DataType } from './onnx';
import type { Attribute, ModelProto, NodeProto, TensorProto } from './onnx';

type Shape = number[];

/** Values are kept for tensors this small: shapes, axes, indices, scales. */
const MAX_VALUES = 64;

interface State {
  shapes: Map<string, Shape>;
  values: Map<string, number[]>;
}

interface Op {
  node: NodeProto;
  /** Input i's shape, if known. */
  shape(i: number): Shape | undefined;
  /** Input i's values, if it is a small tensor whose values are known (a shape, axes, scales). */
  values(i: number): number[] | undefined;
  int(name: string, fallback: number): number;
  ints(name: string): number[] | undefined;
  /** Opset of the default domain, for operators whose inputs moved from attributes over time. */
  opset: number;
}

type Handler = (op: Op) => { shapes: (Shape | undefined)[]; values?: number[] } | Shape | undefined;

/**
 * The shape of `outputName` when the graph runs on inputs of the given shapes, or undefined where an
 * operator it does not know (or a value it cannot read) stands in the way.
 */
export function inferShape(
  model: ModelProto,
  inputs: Record<string, Shape>,
  outputName: string,
): Shape | undefined {
  const graph = model.graph;
  const state: State = { shapes: new Map(), values: new Map() };
  for (const t of graph.initializer ?? []) addTensor(state, t.name ?? '', t);
  for (const [name, shape] of Object.entries(inputs)) state.shapes.set(name, shape);
  const opset = model.opsetImport.find((o) => !o.domain)?.version ?? 17;
  for (const node of graph.node) {
    if (node.domain) continue;
    const handler = HANDLERS[node.opType];
    if (!handler) continue;
    const op = makeOp(state, node, opset);
    let result: ReturnType<Handler>;
    try {
      result = handler(op);
    } catch {
      result = undefined;
    }
    if (!result) continue;
    const outs = Array.isArray(result) ? { shapes: [result] } : result;
    outs.shapes.forEach((s, i) => {
      const name = node.output[i];
      if (name && s && s.every((d) => Number.isInteger(d) && d >= 0)) state.shapes.set(name, s);
    });
    if (outs.values && node.output[0]) state.values.set(node.output[0], outs.values);
  }
  return state.shapes.get(outputName);
}

function makeOp(state: State, node: NodeProto, opset: number): Op {
  const attr = (name: string): Attribute | undefined => node.attribute?.find((a) => a.name === name);
  const input = (i: number) => (node.input[i] ? node.input[i] : undefined);
  return {
    node,
    opset,
    shape: (i) => {
      const name = input(i);
      return name === undefined ? undefined : state.shapes.get(name);
    },
    values: (i) => {
      const name = input(i);
      return name === undefined ? undefined : state.values.get(name);
    },
    int: (name, fallback) => Number(attr(name)?.i ?? fallback),
    ints: (name) => attr(name)?.ints?.map(Number),
  };
}

function addTensor(state: State, name: string, t: TensorProto): void {
  const shape = (t.dims ?? []).map(Number);
  state.shapes.set(name, shape);
  const values = smallValues(t, shape);
  if (values) state.values.set(name, values);
}

/** A small int64, int32 or float32 tensor's values (from int64Data, int32Data, floatData or rawData). */
function smallValues(t: TensorProto & { int32Data?: number[] }, shape: Shape): number[] | undefined {
  const size = shape.reduce((a, b) => a * b, 1);
  const type = t.dataType;
  if (size > MAX_VALUES || (type !== DataType.INT64 && type !== DataType.INT32 && type !== DataType.FLOAT)) {
    return undefined;
  }
  const listed = type === DataType.INT64 ? t.int64Data : type === DataType.INT32 ? t.int32Data : t.floatData;
  if (listed?.length) return listed.map(Number);
  const raw = t.rawData;
  if (!raw) return size === 0 ? [] : undefined;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const width = type === DataType.INT64 ? 8 : 4;
  if (raw.byteLength !== size * width) return undefined;
  return Array.from({ length: size }, (_, i) =>
    type === DataType.INT64
      ? Number(view.getBigInt64(i * 8, true))
      : type === DataType.INT32
        ? view.getInt32(i * 4, true)
        : view.getFloat32(i * 4, true),
  );
}

const product = (s: Shape) => s.reduce((a, b) => a * b, 1);
const axis = (a: number, rank: number) => (a < 0 ? a + rank : a);

/** Numpy-style broadcast of several shapes. */
function broadcast(...shapes: (Shape | undefined)[]): Shape | undefined {
  if (shapes.some((s) => !s)) return undefined;
  const rank = Math.max(...shapes.map((s) => s!.length));
  const out: Shape = [];
  for (let i = 0; i < rank; i++) {
    const dims = shapes.map((s) => s![s!.length - rank + i] ?? 1);
    const big = Math.max(...dims);
    if (dims.some((d) => d !== 1 && d !== big)) return undefined;
    out.push(dims.includes(0) ? 0 : big);
  }
  return out;
}

const same: Handler = (op) => op.shape(0);

/** Element-wise ops, with their integer arithmetic for shape computations. */
function elementwise(f?: (a: number, b: number) => number): Handler {
  return (op) => {
    const shapes = op.node.input.map((_, i) => op.shape(i));
    const shape = broadcast(...shapes);
    const [a, b] = [op.values(0), op.values(1)];
    if (!shape || !f || !a || !b || op.node.input.length !== 2) return shape;
    const n = Math.max(a.length, b.length);
    if ((a.length !== n && a.length !== 1) || (b.length !== n && b.length !== 1)) return shape;
    return {
      shapes: [shape],
      values: Array.from({ length: n }, (_, i) => f(a[a.length === 1 ? 0 : i]!, b[b.length === 1 ? 0 : i]!)),
    };
  };
}

/** Output sizes of a convolution or pooling over `x` (N, C, spatial...) with kernel sizes `k`. */
function convSizes(op: Op, x: Shape, k: number[], transpose: boolean): number[] | undefined {
  const n = x.length - 2;
  const strides = op.ints('strides') ?? new Array<number>(n).fill(1);
  const dilations = op.ints('dilations') ?? new Array<number>(n).fill(1);
  const pads = op.ints('pads') ?? new Array<number>(2 * n).fill(0);
  const autoPad = new TextDecoder().decode(
    op.node.attribute?.find((a) => a.name === 'auto_pad')?.s ?? new Uint8Array(),
  );
  const outPad = op.ints('output_padding') ?? new Array<number>(n).fill(0);
  const given = op.ints('output_shape');
  if (transpose && given) return given.slice(-n);
  return x.slice(2).map((size, i) => {
    const span = (k[i]! - 1) * dilations[i]! + 1;
    const s = strides[i]!;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER')
      return transpose ? size * s : Math.ceil(size / s);
    const pad = autoPad === 'VALID' ? 0 : pads[i]! + pads[i + n]!;
    if (transpose) return s * (size - 1) + outPad[i]! + span - pad;
    const ceil = op.int('ceil_mode', 0) === 1;
    return (ceil ? Math.ceil : Math.floor)((size + pad - span) / s) + 1;
  });
}

function reduce(op: Op, axes: number[] | undefined): Shape | undefined {
  const x = op.shape(0);
  if (!x) return undefined;
  const all = axes === undefined || axes.length === 0;
  if (all && op.int('noop_with_empty_axes', 0) === 1) return x;
  const set = new Set((axes ?? []).map((a) => axis(a, x.length)));
  const keep = op.int('keepdims', 1) === 1;
  return x.flatMap((d, i) => (all || set.has(i) ? (keep ? [1] : []) : [d]));
}

/** Axes from an attribute (older opsets) or the second input (newer ones). */
const axesOf = (op: Op) => op.ints('axes') ?? op.values(1);

function slice(op: Op): { shapes: Shape[]; values?: number[] } | undefined {
  const x = op.shape(0);
  const old = op.opset < 10;
  const starts = old ? op.ints('starts') : op.values(1);
  const ends = old ? op.ints('ends') : op.values(2);
  if (!x || !starts || !ends) return undefined;
  const axes =
    (old ? op.ints('axes') : op.node.input[3] ? op.values(3) : undefined) ?? starts.map((_, i) => i);
  const steps = (old ? undefined : op.node.input[4] ? op.values(4) : undefined) ?? starts.map(() => 1);
  if (axes.length !== starts.length || steps.some((s) => s === 0)) return undefined;
  const out = [...x];
  let picked: number[] | undefined = x.length === 1 ? op.values(0) : undefined;
  axes.forEach((a0, i) => {
    const a = axis(a0, x.length);
    const size = x[a]!;
    const step = steps[i]!;
    const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + size : v, lo), hi);
    const start = step > 0 ? clamp(starts[i]!, 0, size) : clamp(starts[i]!, -1, size - 1);
    const end = step > 0 ? clamp(ends[i]!, 0, size) : clamp(ends[i]!, -1, size - 1);
    const idx: number[] = [];
    for (let v = start; step > 0 ? v < end : v > end; v += step) idx.push(v);
    out[a] = idx.length;
    if (picked) picked = idx.map((j) => picked![j]!);
  });
  return { shapes: [out], ...(picked ? { values: picked } : {}) };
}

const HANDLERS: Record<string, Handler> = {
  ...Object.fromEntries(
    [
      'Relu',
      'LeakyRelu',
      'Tanh',
      'Sigmoid',
      'Elu',
      'Selu',
      'Celu',
      'Softplus',
      'Softsign',
      'HardSigmoid',
      'HardSwish',
      'Gelu',
      'Erf',
      'Exp',
      'Log',
      'Neg',
      'Abs',
      'Sqrt',
      'Reciprocal',
      'Clip',
      'Floor',
      'Ceil',
      'Round',
      'Sin',
      'Cos',
      'Not',
      'Sign',
      'Mish',
      'ThresholdedRelu',
      'BatchNormalization',
      'InstanceNormalization',
      'LayerNormalization',
      'LpNormalization',
      'Softmax',
      'LogSoftmax',
      'Dropout',
    ].map((name) => [name, same]),
  ),
  Identity: (op) => ({ shapes: [op.shape(0)], ...(op.values(0) ? { values: op.values(0)! } : {}) }),
  Cast: (op) => ({ shapes: [op.shape(0)], ...(op.values(0) ? { values: op.values(0)! } : {}) }),
  Add: elementwise((a, b) => a + b),
  Sub: elementwise((a, b) => a - b),
  Mul: elementwise((a, b) => a * b),
  Div: elementwise((a, b) => (Number.isInteger(a) && Number.isInteger(b) ? Math.trunc(a / b) : a / b)),
  ...Object.fromEntries(
    [
      'Pow',
      'Max',
      'Min',
      'Sum',
      'Mean',
      'Where',
      'PRelu',
      'Equal',
      'Less',
      'Greater',
      'And',
      'Or',
      'Mod',
    ].map((name) => [name, elementwise()]),
  ),
  MatMul: (op) => {
    const [a, b] = [op.shape(0), op.shape(1)];
    if (!a || !b || a.length === 0 || b.length === 0) return undefined;
    const a2 = a.length === 1 ? [1, a[0]!] : a;
    const b2 = b.length === 1 ? [b[0]!, 1] : b;
    const batch = broadcast(a2.slice(0, -2), b2.slice(0, -2));
    if (!batch || a2.at(-1) !== b2.at(-2)) return undefined;
    return [...batch, ...(a.length > 1 ? [a2.at(-2)!] : []), ...(b.length > 1 ? [b2.at(-1)!] : [])];
  },
  Gemm: (op) => {
    const [a, b] = [op.shape(0), op.shape(1)];
    if (a?.length !== 2 || b?.length !== 2) return undefined;
    return [op.int('transA', 0) ? a[1]! : a[0]!, op.int('transB', 0) ? b[0]! : b[1]!];
  },
  Conv: (op) => {
    const [x, w] = [op.shape(0), op.shape(1)];
    if (!x || !w) return undefined;
    const sizes = convSizes(op, x, op.ints('kernel_shape') ?? w.slice(2), false);
    return sizes && [x[0]!, w[0]!, ...sizes];
  },
  ConvTranspose: (op) => {
    const [x, w] = [op.shape(0), op.shape(1)];
    if (!x || !w) return undefined;
    const sizes = convSizes(op, x, op.ints('kernel_shape') ?? w.slice(2), true);
    return sizes && [x[0]!, w[1]! * op.int('group', 1), ...sizes];
  },
  ...Object.fromEntries(
    ['MaxPool', 'AveragePool', 'LpPool'].map((name) => [
      name,
      ((op) => {
        const x = op.shape(0);
        const k = op.ints('kernel_shape');
        const sizes = x && k && convSizes(op, x, k, false);
        return sizes && [x[0]!, x[1]!, ...sizes];
      }) as Handler,
    ]),
  ),
  ...Object.fromEntries(
    ['GlobalAveragePool', 'GlobalMaxPool'].map((name) => [
      name,
      ((op) => op.shape(0)?.map((d, i) => (i < 2 ? d : 1))) as Handler,
    ]),
  ),
  Reshape: (op) => {
    const [x, target] = [op.shape(0), op.values(1)];
    if (!x || !target) return undefined;
    const allowZero = op.int('allowzero', 0) === 1;
    const out = target.map((d, i) => (d === 0 && !allowZero ? x[i]! : d));
    const known = product(out.filter((d) => d !== -1));
    const free = out.indexOf(-1);
    if (free >= 0) out[free] = known === 0 ? 0 : product(x) / known;
    return { shapes: [out], ...(op.values(0) ? { values: op.values(0)! } : {}) };
  },
  Flatten: (op) => {
    const x = op.shape(0);
    if (!x) return undefined;
    const a = axis(op.int('axis', 1), x.length);
    return [product(x.slice(0, a)), product(x.slice(a))];
  },
  Transpose: (op) => {
    const x = op.shape(0);
    const perm = op.ints('perm') ?? x?.map((_, i) => x.length - 1 - i);
    return x && perm?.map((p) => x[p]!);
  },
  Squeeze: (op) => {
    const x = op.shape(0);
    if (!x) return undefined;
    const axes = axesOf(op)?.map((a) => axis(a, x.length));
    const out = x.filter((d, i) => (axes ? !axes.includes(i) : d !== 1));
    return { shapes: [out], ...(op.values(0) ? { values: op.values(0)! } : {}) };
  },
  Unsqueeze: (op) => {
    const x = op.shape(0);
    const axes = axesOf(op);
    if (!x || !axes) return undefined;
    const rank = x.length + axes.length;
    const set = new Set(axes.map((a) => axis(a, rank)));
    const out: Shape = [];
    for (let i = 0, j = 0; i < rank; i++) out.push(set.has(i) ? 1 : x[j++]!);
    return { shapes: [out], ...(op.values(0) ? { values: op.values(0)! } : {}) };
  },
  Concat: (op) => {
    const shapes = op.node.input.map((_, i) => op.shape(i));
    if (shapes.some((s) => !s) || shapes.length === 0) return undefined;
    const a = axis(op.int('axis', 0), shapes[0]!.length);
    const out = [...shapes[0]!];
    out[a] = shapes.reduce((sum, s) => sum + s![a]!, 0);
    const vals = op.node.input.map((_, i) => op.values(i));
    return { shapes: [out], ...(vals.every(Boolean) ? { values: vals.flatMap((v) => v!) } : {}) };
  },
  Shape: (op) => {
    const x = op.shape(0);
    if (!x) return undefined;
    const end = op.node.attribute?.some((a) => a.name === 'end') ? op.int('end', x.length) : x.length;
    const values = x.slice(axis(op.int('start', 0), x.length), axis(end, x.length));
    return { shapes: [[values.length]], values };
  },
  Gather: (op) => {
    const [x, idx] = [op.shape(0), op.shape(1)];
    if (!x || !idx) return undefined;
    const a = axis(op.int('axis', 0), x.length);
    const out = [...x.slice(0, a), ...idx, ...x.slice(a + 1)];
    const [data, which] = [op.values(0), op.values(1)];
    const values =
      x.length === 1 && data && which ? which.map((i) => data[axis(i, data.length)]!) : undefined;
    return { shapes: [out], ...(values ? { values } : {}) };
  },
  Slice: slice,
  Expand: (op) => broadcast(op.shape(0), op.values(1)),
  Tile: (op) => {
    const [x, reps] = [op.shape(0), op.values(1)];
    return x && reps && reps.length === x.length ? x.map((d, i) => d * reps[i]!) : undefined;
  },
  ConstantOfShape: (op) => op.values(0),
  Constant: (op) => {
    const a = op.node.attribute?.[0];
    if (!a) return undefined;
    if (a.name === 'value' && a.t) {
      const shape = (a.t.dims ?? []).map(Number);
      const values = smallValues(a.t, shape);
      return { shapes: [shape], ...(values ? { values } : {}) };
    }
    if (a.name === 'value_ints')
      return { shapes: [[a.ints?.length ?? 0]], values: (a.ints ?? []).map(Number) };
    if (a.name === 'value_int') return { shapes: [[]], values: [Number(a.i ?? 0)] };
    if (a.name === 'value_float') return { shapes: [[]], values: [Number(a.f ?? 0)] };
    if (a.name === 'value_floats') return { shapes: [[a.floats?.length ?? 0]], values: a.floats ?? [] };
    return undefined;
  },
  Pad: (op) => {
    const x = op.shape(0);
    const pads = op.opset < 11 ? op.ints('pads') : op.values(1);
    if (!x || !pads || pads.length !== 2 * x.length || op.node.input[3]) return undefined;
    return x.map((d, i) => d + pads[i]! + pads[i + x.length]!);
  },
  Resize: (op) => {
    const x = op.shape(0);
    if (!x) return undefined;
    const sizes = op.node.input[3] ? op.values(3) : undefined;
    if (sizes) return sizes.length === x.length ? sizes : undefined;
    const scales = op.values(op.opset < 11 ? 1 : 2);
    return scales && scales.length === x.length ? x.map((d, i) => Math.floor(d * scales[i]!)) : undefined;
  },
  Upsample: (op) => {
    const x = op.shape(0);
    const scales = op.node.attribute?.find((a) => a.name === 'scales')?.floats ?? op.values(1);
    return x && scales && scales.length === x.length
      ? x.map((d, i) => Math.floor(d * scales[i]!))
      : undefined;
  },
  DepthToSpace: (op) => {
    const x = op.shape(0);
    const b = op.int('blocksize', 1);
    return x?.length === 4 ? [x[0]!, x[1]! / (b * b), x[2]! * b, x[3]! * b] : undefined;
  },
  SpaceToDepth: (op) => {
    const x = op.shape(0);
    const b = op.int('blocksize', 1);
    return x?.length === 4 ? [x[0]!, x[1]! * b * b, x[2]! / b, x[3]! / b] : undefined;
  },
  ...Object.fromEntries(
    ['ReduceMean', 'ReduceSum', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL2', 'ReduceL1'].map(
      (name) => [
        name,
        ((op) => reduce(op, op.ints('axes') ?? (op.node.input[1] ? op.values(1) : undefined))) as Handler,
      ],
    ),
  ),
};
