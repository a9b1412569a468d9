/** Accumulates ONNX nodes and initializers with unique names while the layers are walked. */
import { AttributeType, DataType, type Attribute, type NodeProto, type TensorProto } from './proto';

/** One attribute value; ints and floats are told apart explicitly because JS numbers cannot. */
export type AttrValue =
  { f: number } | { i: number } | { s: string } | { floats: number[] } | { ints: number[] };

export const attr = {
  f: (v: number): AttrValue => ({ f: v }),
  i: (v: number): AttrValue => ({ i: v }),
  s: (v: string): AttrValue => ({ s: v }),
  floats: (v: number[]): AttrValue => ({ floats: v }),
  ints: (v: number[]): AttrValue => ({ ints: v }),
};

function toAttribute(name: string, v: AttrValue): Attribute {
  if ('f' in v) return { name, type: AttributeType.FLOAT, f: v.f };
  if ('i' in v) return { name, type: AttributeType.INT, i: v.i };
  if ('s' in v) return { name, type: AttributeType.STRING, s: new TextEncoder().encode(v.s) };
  if ('floats' in v) return { name, type: AttributeType.FLOATS, floats: v.floats };
  return { name, type: AttributeType.INTS, ints: v.ints };
}

/** Copies the bytes a typed array views (not its whole buffer), little-endian as on every supported host. */
function bytesOf(a: Float32Array | BigInt64Array): Uint8Array {
  return new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
}

export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private readonly names = new Set<string>();

  /** Reserves a name (graph inputs, outputs) so generated names never collide with it. */
  reserve(name: string): string {
    this.names.add(name);
    return name;
  }

  unique(base: string): string {
    const clean = base.replace(/[^A-Za-z0-9_./-]/g, '_');
    let name = clean;
    for (let k = 1; this.names.has(name); k++) name = `${clean}_${k}`;
    this.names.add(name);
    return name;
  }

  float(base: string, data: Float32Array | number[], dims: number[]): string {
    const name = this.unique(base);
    const arr = data instanceof Float32Array ? data : Float32Array.from(data);
    const size = dims.reduce((a, b) => a * b, 1);
    if (arr.length !== size) throw new Error(`initializer ${name}: ${arr.length} values for shape [${dims}]`);
    this.initializers.push({ name, dims, dataType: DataType.FLOAT, rawData: bytesOf(arr) });
    return name;
  }

  int64(base: string, values: number[], dims: number[] = [values.length]): string {
    const name = this.unique(base);
    const arr = BigInt64Array.from(values.map((v) => BigInt(v)));
    this.initializers.push({ name, dims, dataType: DataType.INT64, rawData: bytesOf(arr) });
    return name;
  }

  /** Adds a node with one output and returns the output's name. */
  op(opType: string, inputs: string[], base: string, attrs: Record<string, AttrValue> = {}): string {
    const output = this.unique(base);
    this.nodes.push({
      name: this.unique(`${base}/${opType}`),
      opType,
      input: inputs,
      output: [output],
      attribute: Object.entries(attrs).map(([k, v]) => toAttribute(k, v)),
    });
    return output;
  }

  /** Renames a node output everywhere it appears, so the graph output carries the contract's name. */
  rename(from: string, to: string): boolean {
    const producer = this.nodes.find((n) => n.output.includes(from));
    if (!producer) return false;
    for (const n of this.nodes) {
      n.input = n.input.map((x) => (x === from ? to : x));
      n.output = n.output.map((x) => (x === from ? to : x));
    }
    return true;
  }
}
