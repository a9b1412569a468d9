/**
 * Small ONNX generator graphs built with encodeModel, and float64 references of what they compute,
 * for the tests. Weights come from a fixed LCG so every run builds the same models.
 */
import { AttributeType, DataType, encodeModel } from '../onnx';
import type { NodeProto, TensorProto, ValueInfo } from '../onnx';

export function weights(seed: number, n: number, scale = 0.5): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 4294967296 - 0.5) * 2 * scale;
  }
  return out;
}

export function floatTensor(name: string, dims: number[], data: Float32Array): TensorProto {
  return { name, dims, dataType: DataType.FLOAT, rawData: new Uint8Array(data.buffer.slice(0)) };
}

export function int64Tensor(name: string, values: number[]): TensorProto {
  return { name, dims: [values.length], dataType: DataType.INT64, int64Data: values };
}

export function value(name: string, elemType: number, shape: (number | string)[]): ValueInfo {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

export function node(opType: string, input: string[], output: string[], perm?: number[]): NodeProto {
  const n: NodeProto = { opType, input, output, name: output[0] };
  if (perm) n.attribute = [{ name: 'perm', type: AttributeType.INTS, ints: perm }];
  return n;
}

export interface Built {
  bytes: Uint8Array;
  w: Float32Array;
  b: Float32Array;
  /** Class embedding, for the conditional model. */
  emb?: Float32Array;
}

interface Spec {
  inputs: ValueInfo[];
  output: ValueInfo;
  /** Further graph outputs, after `output`. */
  extraOutputs?: ValueInfo[];
  nodes: NodeProto[];
  initializers: TensorProto[];
  metadata?: Record<string, string>;
}

export function build(spec: Spec): Uint8Array {
  return encodeModel({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'ganforge-test',
    graph: {
      name: 'g',
      node: spec.nodes,
      initializer: spec.initializers,
      input: spec.inputs,
      output: [spec.output, ...(spec.extraOutputs ?? [])],
    },
    metadataProps: Object.entries(spec.metadata ?? {}).map(([key, v]) => ({ key, value: v })),
  });
}

/** act(z @ W + b) for each sample, float64: count x outDim, row-major. */
export function dense(
  z: Float32Array,
  w: Float32Array,
  b: Float32Array,
  inDim: number,
  act: (x: number) => number,
): Float64Array {
  const outDim = b.length;
  const count = z.length / inDim;
  const out = new Float64Array(count * outDim);
  for (let n = 0; n < count; n++) {
    for (let j = 0; j < outDim; j++) {
      let s = b[j] as number;
      for (let k = 0; k < inDim; k++) s += (z[n * inDim + k] as number) * (w[k * outDim + j] as number);
      out[n * outDim + j] = act(s);
    }
  }
  return out;
}

export const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

const F = DataType.FLOAT;

/** [N,2] -> z @ W + b -> [N,2] (no activation). With metadata the output is named 'points'. */
export function pointsModel(withMetadata: boolean): Built {
  const w = weights(1, 4, 1);
  const b = weights(2, 2, 1);
  const out = withMetadata ? 'points' : 'y';
  const bytes = build({
    inputs: [value('z', F, ['N', 2])],
    output: value(out, F, ['N', 2]),
    nodes: [node('MatMul', ['z', 'W'], ['h']), node('Add', ['h', 'B'], [out])],
    initializers: [floatTensor('W', [2, 2], w), floatTensor('B', [2], b)],
    metadata: withMetadata ? { 'ganforge.kind': 'points', 'ganforge.latent_dim': '2' } : {},
  });
  return { bytes, w, b };
}

/**
 * GANForge-style: [N,16] -> tanh(z @ W + b) as NHWC [N,4,4,3] -> Transpose -> NCHW [N,3,4,4], with
 * full metadata. Pixel (y, x, c) of sample n is dense[n][(y*4 + x)*3 + c].
 */
export function rgbModel(batch: number | string = 'N', extraOutput = false): Built {
  const w = weights(3, 16 * 48);
  const b = weights(4, 48);
  const bytes = build({
    inputs: [value('z', F, [batch, 16])],
    output: value('image', F, [batch, 3, 4, 4]),
    // With extraOutput, the pre-activation values are a second output (as a feature head would be).
    ...(extraOutput ? { extraOutputs: [value('a', F, [batch, 48])] } : {}),
    nodes: [
      node('MatMul', ['z', 'W'], ['h']),
      node('Add', ['h', 'B'], ['a']),
      node('Tanh', ['a'], ['t']),
      node('Reshape', ['t', 'shape'], ['nhwc']),
      node('Transpose', ['nhwc'], ['image'], [0, 3, 1, 2]),
    ],
    initializers: [
      floatTensor('W', [16, 48], w),
      floatTensor('B', [48], b),
      int64Tensor('shape', [-1, 4, 4, 3]),
    ],
    metadata: {
      'ganforge.kind': 'image',
      'ganforge.latent_dim': '16',
      'ganforge.output_shape': '3,4,4',
      'ganforge.layout': 'NCHW',
      'ganforge.output_range': '-1,1',
      'ganforge.preset': 'tiny',
      'ganforge.source_run': 'runs/tiny',
    },
  });
  return { bytes, w, b };
}

/**
 * PyTorch-style, no metadata: z [N,16,1,1] -> tanh(flat(z) @ W + b) -> [N,1,4,4], output 'out'. With
 * `symbolicOutput`, the output's sizes are named rather than numbered, as torch.onnx.export writes them
 * for dynamic axes ([batch, Cout, Hout, Wout]).
 */
export function torchModel(symbolicOutput = false): Built {
  const w = weights(5, 256);
  const b = weights(6, 16);
  const bytes = build({
    inputs: [value('noise', F, ['batch', 16, 1, 1])],
    output: value('out', F, symbolicOutput ? ['batch', 'Cout', 'Hout', 'Wout'] : ['batch', 1, 4, 4]),
    nodes: [
      node('Reshape', ['noise', 'flat'], ['z2']),
      node('MatMul', ['z2', 'W'], ['h']),
      node('Add', ['h', 'B'], ['a']),
      node('Tanh', ['a'], ['t']),
      node('Reshape', ['t', 'shape'], ['out']),
    ],
    initializers: [
      floatTensor('W', [16, 16], w),
      floatTensor('B', [16], b),
      int64Tensor('flat', [-1, 16]),
      int64Tensor('shape', [-1, 1, 4, 4]),
    ],
  });
  return { bytes, w, b };
}

/** No metadata, flat: [N,16] -> sigmoid(z @ W + b) -> [N,16] named 'y'; needs outputShape. */
export function flatModel(latent: number | string = 16): Built {
  const w = weights(7, 256);
  const b = weights(8, 16);
  const bytes = build({
    inputs: [value('z', F, ['N', latent])],
    output: value('y', F, ['N', 16]),
    nodes: [node('MatMul', ['z', 'W'], ['h']), node('Add', ['h', 'B'], ['a']), node('Sigmoid', ['a'], ['y'])],
    initializers: [floatTensor('W', [16, 16], w), floatTensor('B', [16], b)],
  });
  return { bytes, w, b };
}

/** No metadata, NHWC: [N,16] -> tanh(z @ W + b) -> [N,4,4,1]. */
export function nhwcModel(): Built {
  const w = weights(9, 256);
  const b = weights(10, 16);
  const bytes = build({
    inputs: [value('z', F, ['N', 16])],
    output: value('image', F, ['N', 4, 4, 1]),
    nodes: [
      node('MatMul', ['z', 'W'], ['h']),
      node('Add', ['h', 'B'], ['a']),
      node('Tanh', ['a'], ['t']),
      node('Reshape', ['t', 'shape'], ['image']),
    ],
    initializers: [
      floatTensor('W', [16, 16], w),
      floatTensor('B', [16], b),
      int64Tensor('shape', [-1, 4, 4, 1]),
    ],
  });
  return { bytes, w, b };
}

/**
 * Conditional: z [N,8] float + label [N] int64 -> tanh((z + E[label]) @ W + b) -> [N,1,2,2], with
 * class names in the metadata.
 */
export function labelModel(): Built {
  const emb = weights(11, 3 * 8, 2);
  const w = weights(12, 8 * 4);
  const b = weights(13, 4);
  const bytes = build({
    inputs: [value('z', F, ['N', 8]), value('label', DataType.INT64, ['N'])],
    output: value('image', F, ['N', 1, 2, 2]),
    nodes: [
      node('Gather', ['E', 'label'], ['e']),
      node('Add', ['z', 'e'], ['ze']),
      node('MatMul', ['ze', 'W'], ['h']),
      node('Add', ['h', 'B'], ['a']),
      node('Tanh', ['a'], ['t']),
      node('Reshape', ['t', 'shape'], ['image']),
    ],
    initializers: [
      floatTensor('E', [3, 8], emb),
      floatTensor('W', [8, 4], w),
      floatTensor('B', [4], b),
      int64Tensor('shape', [-1, 1, 2, 2]),
    ],
    metadata: { 'ganforge.class_names': JSON.stringify(['cat', 'dog', 'bird']) },
  });
  return { bytes, w, b, emb };
}
