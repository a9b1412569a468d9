/**
 * `--fp16`: weights stored as float16 (half the file), each widened back to float32 by a Cast that
 * onnxruntime folds away at load time, so inputs, outputs and arithmetic stay float32.
 */
import {
  AttributeType,
  DataType,
  type GraphProto,
  type NodeProto,
  type TensorProto,
} from '@ganforge/inference/onnx';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 binary16 bits of a float32, rounded to nearest, ties to even. */
export function float16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0] as number;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // inf, NaN
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // too large: inf
  if (e >= 1) {
    let h = sign | (e << 10) | (mant >>> 13);
    const rest = mant & 0x1fff;
    // A carry out of the mantissa correctly bumps the exponent (up to inf).
    if (rest > 0x1000 || (rest === 0x1000 && (h & 1) === 1)) h++;
    return h;
  }
  // Subnormal half: round(1.mant * 2^(exp-127) * 2^24).
  const full = mant | 0x800000;
  const shift = 126 - exp;
  if (shift >= 32) return sign;
  let q = full >>> shift;
  const rest = full & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  if (rest > half || (rest === half && (q & 1) === 1)) q++;
  return sign | q;
}

/** float16 bits -> number (for checks). */
export function float16Value(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** Ops whose float inputs must stay float32 constants (Resize scales are not weights). */
const KEEP_FLOAT32 = new Set(['Resize']);

/** Turns every float32 weight (more than one value) into float16 + Cast. Returns how many were converted. */
export function weightsToFloat16(graph: GraphProto): number {
  const keep = new Set(graph.node.filter((n) => KEEP_FLOAT32.has(n.opType)).flatMap((n) => n.input));
  const taken = new Set([
    ...(graph.initializer ?? []).map((t) => t.name as string),
    ...graph.node.flatMap((n) => [...n.input, ...n.output, n.name ?? '']),
  ]);
  const casts: NodeProto[] = [];
  const initializers: TensorProto[] = [];
  for (const t of graph.initializer ?? []) {
    const name = t.name as string;
    const raw = t.rawData;
    if (t.dataType !== DataType.FLOAT || !raw || raw.byteLength <= 4 || keep.has(name)) {
      initializers.push(t);
      continue;
    }
    const values = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    const half = new Uint16Array(values.length);
    for (let i = 0; i < values.length; i++) half[i] = float16Bits(values[i] as number);
    let stored = `${name}/fp16`;
    for (let k = 1; taken.has(stored); k++) stored = `${name}/fp16_${k}`;
    taken.add(stored);
    initializers.push({
      name: stored,
      dims: t.dims,
      dataType: DataType.FLOAT16,
      rawData: new Uint8Array(half.buffer),
    });
    let nodeName = `${name}/Cast`;
    for (let k = 1; taken.has(nodeName); k++) nodeName = `${name}/Cast_${k}`;
    taken.add(nodeName);
    casts.push({
      name: nodeName,
      opType: 'Cast',
      input: [stored],
      output: [name],
      attribute: [{ name: 'to', type: AttributeType.INT, i: DataType.FLOAT }],
    });
  }
  graph.initializer = initializers;
  graph.node = [...casts, ...graph.node];
  return casts.length;
}
