/**
 * Graph passes run after conversion: drop inference-time Identity nodes and fold constant per-channel
 * Mul/Add (inference BatchNormalization, biases) into the weights of the Conv, ConvTranspose or Gemm
 * before them, so the runtime does one op where TF.js did three.
 */
import { DataType, type GraphProto, type NodeProto, type TensorProto } from '@ganforge/inference/onnx';

function floatsOf(t: TensorProto): Float32Array {
  const raw = t.rawData ?? new Uint8Array(0);
  return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
}

function setFloats(t: TensorProto, data: Float32Array, dims?: number[]): void {
  t.rawData = new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  if (dims) t.dims = dims;
}

const numel = (dims: number[]) => dims.reduce((a, b) => a * b, 1);

class GraphIndex {
  readonly inits = new Map<string, TensorProto>();
  readonly outputs: Set<string>;
  constructor(readonly graph: GraphProto) {
    for (const t of graph.initializer ?? []) this.inits.set(t.name as string, t);
    this.outputs = new Set(graph.output.map((o) => o.name));
  }
  users(name: string): NodeProto[] {
    return this.graph.node.filter((n) => n.input.includes(name));
  }
  /** A float initializer read by nothing but `node`. */
  ownedFloat(name: string | undefined, node: NodeProto): TensorProto | undefined {
    if (!name) return undefined;
    const t = this.inits.get(name);
    if (!t || t.dataType !== DataType.FLOAT) return undefined;
    return this.users(name).every((n) => n === node) ? t : undefined;
  }
  removeNode(node: NodeProto): void {
    this.graph.node.splice(this.graph.node.indexOf(node), 1);
  }
  dropUnused(): void {
    const used = new Set(this.graph.node.flatMap((n) => n.input));
    this.graph.initializer = (this.graph.initializer ?? []).filter((t) => used.has(t.name as string));
  }
}

/** Rewires the consumers of every Identity (Dropout and friends) to its input. */
export function removeIdentities(graph: GraphProto): void {
  const index = new GraphIndex(graph);
  for (const node of [...graph.node]) {
    if (node.opType !== 'Identity') continue;
    const [from] = node.input as [string];
    const [to] = node.output as [string];
    if (index.outputs.has(to)) continue; // The graph output keeps its name.
    for (const n of graph.node) n.input = n.input.map((x) => (x === to ? from : x));
    index.removeNode(node);
  }
}

interface Producer {
  node: NodeProto;
  weight: TensorProto;
  /** Output channels, and where a channel's weights sit: axis of the weight tensor holding them. */
  channels: number;
  channelAxis: number;
  /** Rank of the producer's output (4 for convolutions, 2 for Gemm). */
  rank: number;
}

function attrInt(node: NodeProto, name: string, fallback: number): number {
  const a = node.attribute?.find((x) => x.name === name);
  return a?.i ?? fallback;
}

function producer(index: GraphIndex, node: NodeProto): Producer | undefined {
  const weight = index.ownedFloat(node.input[1], node);
  if (!weight) return undefined;
  const dims = (weight.dims ?? []).map(Number);
  if (node.opType === 'Conv' && dims.length === 4)
    return { node, weight, channels: dims[0] as number, channelAxis: 0, rank: 4 };
  if (node.opType === 'ConvTranspose' && dims.length === 4 && attrInt(node, 'group', 1) === 1)
    return { node, weight, channels: dims[1] as number, channelAxis: 1, rank: 4 };
  const plainGemm =
    ['transA', 'transB'].every((a) => attrInt(node, a, 0) === 0) &&
    !node.attribute?.some((a) => a.name === 'alpha' || a.name === 'beta');
  if (node.opType === 'Gemm' && dims.length === 2 && plainGemm)
    return { node, weight, channels: dims[1] as number, channelAxis: 1, rank: 2 };
  return undefined;
}

/** The per-channel values of a constant that broadcasts over the channel axis only (or a scalar). */
function perChannel(t: TensorProto, p: Producer): Float64Array | undefined {
  const dims = (t.dims ?? []).map(Number);
  const values = floatsOf(t);
  if (dims.length > p.rank) return undefined;
  if (values.length === 1) return new Float64Array(p.channels).fill(values[0] as number);
  // Right-aligned against the output [N, C, (H, W)]: C on axis 1, ones after it, nothing but ones before.
  const want = p.rank === 4 ? [p.channels, 1, 1] : [p.channels];
  const lead = dims.length - want.length;
  if (lead < 0 || dims.slice(0, lead).some((d) => d !== 1)) return undefined;
  if (dims.slice(lead).some((d, i) => d !== want[i])) return undefined;
  return Float64Array.from(values);
}

function int64sOf(t: TensorProto): number[] {
  const raw = t.rawData ?? new Uint8Array(0);
  const a = new BigInt64Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  return Array.from(a, Number);
}

/** The only consumer of `name`, unless it is a graph output or read twice. */
function soleUser(index: GraphIndex, name: string): NodeProto | undefined {
  if (index.outputs.has(name)) return undefined;
  const users = index.users(name);
  return users.length === 1 ? users[0] : undefined;
}

/**
 * Gemm -> Reshape [-1, ..., C] -> per-channel constant: the BatchNormalization of a DCGAN's first
 * block, applied to the reshaped Dense output. Column j of the Gemm is channel j % C after the
 * Reshape, so the constant folds into the Gemm repeated over the columns.
 */
function throughReshape(index: GraphIndex, p: Producer, reshape: NodeProto): Producer | undefined {
  if (p.node.opType !== 'Gemm' || reshape.opType !== 'Reshape') return undefined;
  const shape = index.inits.get(reshape.input[1] as string);
  if (!shape || shape.dataType !== DataType.INT64) return undefined;
  const channels = int64sOf(shape).at(-1);
  if (!channels || channels < 1 || p.channels % channels !== 0) return undefined;
  return { ...p, channels, rank: 2 };
}

/** Folds one constant Mul or Add that follows `p` into its weights; false if the pattern does not fit. */
function foldInto(index: GraphIndex, p: Producer): boolean {
  const out = p.node.output[0] as string;
  let next = soleUser(index, out);
  let input = out;
  // The constant's view of the output: the Gemm's own columns, or the channels after a Reshape.
  let view: Producer = p;
  let reshape: NodeProto | undefined;
  if (next?.opType === 'Reshape') {
    const after = soleUser(index, next.output[0] as string);
    const v = throughReshape(index, p, next);
    if (!after || !v) return false;
    reshape = next;
    input = next.output[0] as string;
    next = after;
    view = v;
  }
  if (!next || (next.opType !== 'Mul' && next.opType !== 'Add')) return false;
  const constName = next.input.find((x) => x !== input);
  if (!constName || next.input.length !== 2 || next.input[0] === next.input[1]) return false;
  const constant = index.inits.get(constName);
  if (!constant || constant.dataType !== DataType.FLOAT) return false;
  const viewed = perChannel(constant, view);
  if (!viewed) return false;
  const v = new Float64Array(p.channels);
  for (let j = 0; j < p.channels; j++) v[j] = viewed[j % view.channels] as number;
  const biasName = p.node.input[2];
  const bias = biasName ? index.ownedFloat(biasName, p.node) : undefined;
  if (biasName && !bias) return false;

  // Computed in float64, stored as float32.
  const b = bias ? Float64Array.from(floatsOf(bias)) : new Float64Array(p.channels);
  if (next.opType === 'Mul') {
    const w = floatsOf(p.weight);
    const dims = (p.weight.dims ?? []).map(Number);
    // Elements of the weight tensor: index = ((outer * channels) + c) * inner + k.
    const inner = numel(dims.slice(p.channelAxis + 1));
    const scaled = new Float32Array(w.length);
    for (let i = 0; i < w.length; i++) {
      const c = Math.floor(i / inner) % p.channels;
      scaled[i] = (w[i] as number) * (v[c] as number);
    }
    setFloats(p.weight, scaled);
    for (let c = 0; c < p.channels; c++) b[c] = (b[c] as number) * (v[c] as number);
  } else {
    for (let c = 0; c < p.channels; c++) b[c] = (b[c] as number) + (v[c] as number);
  }
  const b32 = Float32Array.from(b);
  if (bias) {
    setFloats(bias, b32, [p.channels]);
  } else if (next.opType === 'Add') {
    // A bias-free producer gets the Add's constant as its bias.
    let name = `${p.node.output[0]}/bias`;
    const taken = new Set([...index.inits.keys(), ...index.graph.node.flatMap((n) => n.output)]);
    for (let k = 1; taken.has(name); k++) name = `${p.node.output[0]}/bias_${k}`;
    const t: TensorProto = { name, dims: [p.channels], dataType: DataType.FLOAT };
    setFloats(t, b32);
    index.graph.initializer?.push(t);
    index.inits.set(name, t);
    p.node.input = [...p.node.input.slice(0, 2), name];
  }
  if (reshape) reshape.output = [...next.output];
  else p.node.output = [...next.output];
  index.removeNode(next);
  return true;
}

export function foldConstantsIntoWeights(graph: GraphProto): void {
  const index = new GraphIndex(graph);
  for (let changed = true; changed;) {
    changed = false;
    for (const node of [...graph.node]) {
      const p = producer(index, node);
      if (p && foldInto(index, p)) changed = true;
    }
  }
  index.dropUnused();
}

export function optimizeGraph(graph: GraphProto): void {
  removeIdentities(graph);
  foldConstantsIntoWeights(graph);
}
