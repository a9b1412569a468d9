/**
 * TF.js LayersModel -> ONNX graph. Walks the model backwards from its output through each tensor's
 * producing layer call (Sequential and functional models alike) and emits nodes through the
 * converter table in registry.ts.
 */
import { INPUT_LABEL, INPUT_LATENT, OUTPUT_IMAGE, OUTPUT_POINTS } from '@ganforge/contracts/onnx';
import { DataType, GraphBuilder, type GraphProto, type ValueInfo } from '@ganforge/inference/onnx';
// The trainer's browser entry: the converter runs in a page too (src/browser.ts).
import { tf } from '@ganforge/trainer/browser';
import { UnsupportedLayerError, ExportError } from '../errors';
import { findActivation, SUPPORTED_ACTIVATIONS } from './activations';
import { Layouts, onnxAxis } from './layout';
import { findConverter, SUPPORTED_LAYERS } from './registry';
import { optimizeGraph } from './optimize';
import { weightsToFloat16 } from './fp16';
import type { Layer, LayerContext, Out, Range, Value, Weight } from './types';

type SymbolicTensor = tf.SymbolicTensor;

export interface ImageShape {
  height: number;
  width: number;
  channels: number;
}

export interface ConvertOptions {
  /** Defaults to what the output shape says: 4-D -> image, 2-D -> points. */
  kind?: 'image' | 'points';
  /** For image generators whose TF.js output is flat (e.g. [N, 784]): the image it holds. */
  image?: ImageShape;
  /** Image output layout: [N, C, H, W] (default) or TF.js's own [N, H, W, C]. */
  layout?: ImageLayout;
  /** Fold constant per-channel Mul/Add (BatchNormalization) into Conv/ConvTranspose/Gemm and drop Identity nodes (default true). */
  optimize?: boolean;
  /** Store weights as float16 (with a Cast back to float32): half the file (default false). */
  fp16?: boolean;
}

export type ImageLayout = 'NCHW' | 'NHWC';

/** How one ONNX graph input maps onto the TF.js model's inputs. */
export interface InputBinding {
  name: typeof INPUT_LATENT | typeof INPUT_LABEL;
  /** Index into model.inputs. */
  tfIndex: number;
  dtype: 'float32' | 'int64';
  /** Per-sample dims of the ONNX input (empty for the label). */
  dims: number[];
  /** Label inputs: the embedding's table size. */
  numClasses?: number;
}

export interface ConvertResult {
  graph: GraphProto;
  inputs: InputBinding[];
  output: {
    name: typeof OUTPUT_IMAGE | typeof OUTPUT_POINTS;
    kind: 'image' | 'points';
    /** Per-sample dims in ONNX order ([C, H, W] or [D]). */
    dims: number[];
    layout: ImageLayout | 'flat';
  };
  /** Output bounds when the last activation fixes them (tanh, sigmoid). */
  range?: Range;
}

/** A TF.js shape as text, the batch shown as N: [N, 28, 28, 1]. */
function fmt(shape: (number | null)[]): string {
  return `[${shape.map((d) => d ?? 'N').join(', ')}]`;
}

function tensorInfo(name: string, elemType: number, dims: number[]): ValueInfo {
  return {
    name,
    type: {
      tensorType: { elemType, shape: { dim: [{ dimParam: 'N' }, ...dims.map((d) => ({ dimValue: d }))] } },
    },
  };
}

function unsupportedLayer(layer: Layer): never {
  throw new UnsupportedLayerError(
    `layer '${layer.name}' of class ${layer.getClassName()} is not supported; supported layer classes: ${SUPPORTED_LAYERS.join(', ')}`,
  );
}

/** Finds which model input is the latent vector and which (if any) the class label feeding an Embedding. */
function bindInputs(model: tf.LayersModel): InputBinding[] {
  const inputs = model.inputs;
  const labelFor = new Map<number, number>();
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'Embedding') continue;
    const inputDim = (layer.getConfig() as { inputDim?: number }).inputDim ?? 0;
    for (const node of layer.inboundNodes) for (const t of node.inputTensors) labelFor.set(t.id, inputDim);
  }
  const describe = inputs.map((t) => fmt(t.shape)).join(', ');
  const expect = `expected a latent input [N, latentDim] and optionally a class-label input feeding an Embedding (got ${describe})`;
  if (inputs.length < 1 || inputs.length > 2)
    throw new ExportError(`model has ${inputs.length} inputs: ${expect}`);
  const bindings: InputBinding[] = [];
  inputs.forEach((t, tfIndex) => {
    const classes = labelFor.get(t.id);
    if (classes !== undefined && inputs.length === 2) {
      const ok = t.shape.length === 1 || (t.shape.length === 2 && t.shape[1] === 1);
      if (!ok) throw new ExportError(`label input ${t.name} has shape ${fmt(t.shape)}: ${expect}`);
      bindings.push({ name: INPUT_LABEL, tfIndex, dtype: 'int64', dims: [], numClasses: classes });
    } else {
      const d = t.shape[1];
      if (t.shape.length !== 2 || typeof d !== 'number')
        throw new ExportError(`input ${t.name} has shape ${fmt(t.shape)}: ${expect}`);
      bindings.push({ name: INPUT_LATENT, tfIndex, dtype: 'float32', dims: [d] });
    }
  });
  if (bindings.filter((b) => b.name === INPUT_LATENT).length !== 1)
    throw new ExportError(`model inputs: ${expect}`);
  return bindings;
}

/** The graph being built: the builder, the layout tracker and the ONNX value of each TF.js tensor (by id). */
interface Build {
  g: GraphBuilder;
  layouts: Layouts;
  values: Map<number, Value>;
}

export function convertLayersModel(model: tf.LayersModel, options: ConvertOptions = {}): ConvertResult {
  if (model.outputs.length !== 1) {
    throw new ExportError(
      `model has ${model.outputs.length} outputs; a generator must have exactly one (export a model whose output is the generated sample)`,
    );
  }
  const layout = options.layout ?? 'NCHW';
  const g = new GraphBuilder();
  const build: Build = { g, layouts: new Layouts(g), values: new Map() };
  const bindings = bindInputs(model);
  addInputs(build, model, bindings);
  g.reserve(OUTPUT_IMAGE);
  g.reserve(OUTPUT_POINTS);

  const { y, kind, dims } = shapeOutput(build, convertTensor(build, model.outputs[0] as SymbolicTensor), {
    ...options,
    layout,
  });
  const outName = kind === 'image' ? OUTPUT_IMAGE : OUTPUT_POINTS;
  // The last node gets the contract's output name; an output that is a graph input needs an Identity.
  if (!g.rename(y.name, outName))
    g.nodes.push({ name: `${outName}/Identity`, opType: 'Identity', input: [y.name], output: [outName] });

  const graph: GraphProto = {
    name: model.name,
    node: g.nodes,
    initializer: g.initializers,
    input: bindings.map((b) =>
      tensorInfo(b.name, b.dtype === 'int64' ? DataType.INT64 : DataType.FLOAT, b.dims),
    ),
    output: [tensorInfo(outName, DataType.FLOAT, dims)],
  };
  if (options.optimize ?? true) optimizeGraph(graph);
  if (options.fp16) weightsToFloat16(graph);
  return {
    graph,
    inputs: bindings,
    output: { name: outName, kind, dims, layout: kind === 'image' ? layout : 'flat' },
    range: y.range,
  };
}

/** The graph's inputs, as the values of the model's input tensors. */
function addInputs(build: Build, model: tf.LayersModel, bindings: InputBinding[]): void {
  const { g, values } = build;
  for (const b of bindings) {
    const t = model.inputs[b.tfIndex] as SymbolicTensor;
    g.reserve(b.name);
    let name: string = b.name;
    // The ONNX label is [N]; a TF.js label input [N, 1] gets its unit axis back inside the graph.
    if (b.name === INPUT_LABEL && t.shape.length === 2) {
      name = g.op('Unsqueeze', [b.name, g.int64('label/axes', [1])], 'label/unsqueezed');
    }
    values.set(t.id, { name, shape: t.shape, nchw: false, dtype: b.dtype });
  }
}

/** The ONNX value of tensor `t`: converts the layer call that makes it, after those that make its inputs. */
function convertTensor(build: Build, t: SymbolicTensor): Value {
  const known = build.values.get(t.id);
  if (known) return known;
  const layer = t.sourceLayer;
  const node = layer.inboundNodes[t.nodeIndex];
  if (!node || layer.getClassName() === 'InputLayer') {
    throw new ExportError(
      `tensor ${t.name} comes from no model input (is the model built from several sub-models?)`,
    );
  }
  const inputs = node.inputTensors.map((input) => convertTensor(build, input));
  convertCall(build, layer, inputs, node.outputTensors);
  return build.values.get(t.id) as Value;
}

/** One layer call through its converter; records the value of its output tensor. */
function convertCall(build: Build, layer: Layer, inputs: Value[], outputs: SymbolicTensor[]): void {
  const converter = findConverter(layer.getClassName());
  if (!converter) unsupportedLayer(layer);
  if (outputs.length !== 1) unsupportedLayer(layer);
  const out = outputs[0] as SymbolicTensor;
  const result = converter.convert(layerContext(build, layer, out), inputs);
  build.values.set(out.id, {
    name: result.name,
    shape: out.shape,
    nchw: result.nchw,
    dtype: result.dtype ?? 'float32',
    range: result.range,
  });
}

/** What a layer converter gets: the layer, its config and weights, and the graph to emit into. */
function layerContext(build: Build, layer: Layer, out: SymbolicTensor): LayerContext {
  const { g, layouts } = build;
  const config = layer.getConfig() as Record<string, unknown>;
  const base = g.unique(layer.name);
  const weights = new Map(layer.weights.map((w) => [w.originalName.split('/').pop() as string, w]));
  const fail = (reason: string): never => {
    throw new UnsupportedLayerError(
      `layer '${layer.name}' of class ${layer.getClassName()}: unsupported ${reason}`,
    );
  };
  return {
    g,
    layer,
    config,
    outputShape: out.shape,
    base,
    hasWeight: (name) => weights.has(name),
    weight(name, perm): Weight {
      const v = weights.get(name);
      if (!v) return fail(`configuration: weight '${name}' is missing`);
      // Only the tensor goes through tidy: tidy walks what it returns, and a typed array of a
      // million weights walked element by element takes seconds.
      const t = perm ? tf.tidy(() => tf.transpose(v.read(), perm)) : v.read();
      const weight = { data: Float32Array.from(t.dataSync()), shape: t.shape };
      if (perm) t.dispose();
      return weight;
    },
    toNchw: (v) => layouts.toNchw(v),
    toTf: (v) => layouts.toTf(v),
    activation(v, name): Out {
      const def = findActivation(name);
      if (!def)
        return fail(`activation '${name}'; supported activations: ${SUPPORTED_ACTIVATIONS.join(', ')}`);
      const value: Value = { name: v.name, shape: v.shape, nchw: v.nchw, dtype: 'float32' };
      const y = def.emit(g, v.name, `${base}/${name}`, onnxAxis(value, -1));
      return { name: y, nchw: v.nchw, range: def.range ?? (y === v.name ? v.range : undefined) };
    },
    unsupported: fail,
  };
}

/** The model's output as the contract's image or points output, with its per-sample ONNX dims. */
function shapeOutput(
  build: Build,
  y: Value,
  options: ConvertOptions & { layout: ImageLayout },
): { y: Value; kind: 'image' | 'points'; dims: number[] } {
  const rank = y.shape.length;
  const kind = options.kind ?? (rank === 4 ? 'image' : rank === 2 ? 'points' : undefined);
  if (!kind) {
    throw new ExportError(
      `cannot tell what the output ${fmt(y.shape)} is: expected [N, H, W, C] (image) or [N, D] (points); pass a run directory with a model card`,
    );
  }
  if (kind === 'image') return { kind, ...imageOutput(build, y, options) };
  const d = y.shape[1];
  if (rank !== 2 || typeof d !== 'number') {
    throw new ExportError(`a points generator must output [N, D]; this model outputs ${fmt(y.shape)}`);
  }
  return { y, kind, dims: [d] };
}

/** An image output in the chosen layout; a flat output holding the image is reshaped first. */
function imageOutput(
  { g, layouts }: Build,
  y: Value,
  options: ConvertOptions & { layout: ImageLayout },
): { y: Value; dims: number[] } {
  const rank = y.shape.length;
  const [, h, w, c] = y.shape;
  const image =
    options.image ??
    (rank === 4 ? { height: h as number, width: w as number, channels: c as number } : undefined);
  if (!image) throw new ExportError(`output ${fmt(y.shape)} is not an image and no image shape was given`);
  const want = [image.height, image.width, image.channels];
  const perSample = y.shape.slice(1);
  const count = perSample.reduce<number>((a, d) => a * (d ?? NaN), 1);
  if (rank !== 4 || perSample.some((d, i) => d !== want[i])) {
    // A 4-D output must match exactly; a flat (or 3-D) one only needs the right number of values.
    if (rank === 4 || count !== image.height * image.width * image.channels) {
      throw new ExportError(
        `output ${fmt(y.shape)} does not hold a ${want.join('x')} (HxWxC) image as the model card says`,
      );
    }
    // The flat output holds the image in NHWC order.
    const tfy = layouts.toTf(y);
    const shape = g.int64('image/shape', [-1, ...want]);
    y = {
      ...tfy,
      name: g.op('Reshape', [tfy.name, shape], 'image/nhwc'),
      shape: [null, ...want],
      nchw: false,
    };
  }
  return options.layout === 'NHWC'
    ? { y: layouts.toTf(y), dims: [image.height, image.width, image.channels] }
    : { y: layouts.toNchw(y), dims: [image.channels, image.height, image.width] };
}
