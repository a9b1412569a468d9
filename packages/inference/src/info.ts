/**
 * Works out a GeneratorInfo from a decoded ONNX model: options first, then the GANForge metadata_props,
 * then what the graph's shapes and ops imply, then defaults. What none of them settles is asked for by
 * name in a ModelInfoError.
 */
import { META, INPUT_LATENT, OUTPUT_IMAGE, OUTPUT_POINTS } from '@ganforge/contracts/onnx';
import type { GeneratorKind, Layout } from '@ganforge/contracts/onnx';
import { DataType } from './onnx';
import type { ModelProto, ValueInfo } from './onnx';
import { InvalidArgumentError, ModelInfoError } from './errors';
import type { GeneratorInfo, ImageInfo, InfoSource, LoadOptions } from './types';
import { readMetadata, type Metadata } from './model-metadata';

type Dim = number | string;

export interface ModelDescription {
  info: GeneratorInfo;
  /** Set when the model's batch dimension is a fixed number rather than symbolic. */
  fixedBatch?: number;
  labelType?: 'int64' | 'int32';
  /** True when the graph has outputs besides info.outputName (runs then fetch only that one). */
  otherOutputs?: boolean;
}

const SHAPE_OPS = new Set(['Reshape', 'Transpose', 'Flatten', 'Identity', 'Squeeze', 'Unsqueeze']);

/**
 * The output's per-sample sizes are symbolic (e.g. torch.onnx.export's dynamic axes) and nothing says
 * them: one run at batch 1 tells them. Carries what that run needs.
 */
export class NeedsProbe extends ModelInfoError {
  override name = 'NeedsProbe';
  constructor(
    message: string,
    readonly probe: { inputName: string; latentShape: number[]; labelInputName?: string; outputName: string },
  ) {
    super(message);
  }
}

/** What describeModel works from: the options, the model's metadata, and where each figure came from. */
interface Context {
  options: LoadOptions;
  meta: Metadata;
  sources: Record<string, InfoSource>;
}

/** The output's per-sample dims (symbolic sizes settled by a probe), and a shape given or inferred. */
interface OutputShape {
  rest: Dim[];
  shape: number[] | undefined;
  source: InfoSource | undefined;
}

/**
 * `probed`: the output's per-sample shape from a run at batch 1, for an output whose sizes the graph
 * leaves symbolic (createGenerator catches NeedsProbe, runs the model once and calls again).
 */
export function describeModel(
  model: ModelProto,
  options: LoadOptions = {},
  probed?: readonly number[],
): ModelDescription {
  const graph = model.graph;
  if (!graph) throw new ModelInfoError('the ONNX model has no graph');
  const ctx: Context = { options, meta: readMetadata(model), sources: {} };
  const { latentInput, labelInput, inDims } = generatorInputs(graph);
  const { latentShape, latentDim } = latentOf(ctx, latentInput, inDims);
  const output =
    graph.output.find((o) => o.name === OUTPUT_IMAGE || o.name === OUTPUT_POINTS) ?? graph.output[0];
  if (!output) throw new ModelInfoError('the ONNX graph has no outputs');
  const out = outputShapeOf(ctx, output, probed, {
    inputName: latentInput.name,
    latentShape,
    ...(labelInput ? { labelInputName: labelInput.name } : {}),
    outputName: output.name,
  });
  const info: GeneratorInfo = {
    kind: kindOf(ctx, output, out),
    latentDim,
    latentShape,
    inputName: latentInput.name,
    outputName: output.name,
    outputRange: [-1, 1],
    sources: ctx.sources,
  };
  if (labelInput) info.labelInputName = labelInput.name;
  describeOutput(ctx, info, output, out);
  describeValues(ctx, info, model, output.name);

  const description: ModelDescription = { info };
  const batch = inDims[0];
  if (typeof batch === 'number' && batch > 0) description.fixedBatch = batch;
  if (labelInput) description.labelType = elemType(labelInput) === DataType.INT32 ? 'int32' : 'int64';
  if (graph.output.length > 1) description.otherOutputs = true;
  return description;
}

/** The latent input (one float32) and the label input (at most one int), or what is wrong with them. */
function generatorInputs(graph: NonNullable<ModelProto['graph']>): {
  latentInput: ValueInfo;
  labelInput: ValueInfo | undefined;
  inDims: Dim[];
} {
  // Older IR versions also list initializers as inputs.
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name));
  const inputs = graph.input.filter((i) => !initializers.has(i.name));
  const floats = inputs.filter((i) => elemType(i) === DataType.FLOAT);
  const ints = inputs.filter((i) => elemType(i) === DataType.INT64 || elemType(i) === DataType.INT32);
  const listed = inputs.map((i) => `${i.name} ${describe(i)}`).join(', ');
  if (
    floats.length === 0 ||
    floats.length > 1 ||
    ints.length > 1 ||
    floats.length + ints.length !== inputs.length
  ) {
    throw new ModelInfoError(
      `unsupported generator inputs (${listed}): expected one float32 latent input and optionally one int64 label input`,
    );
  }
  const latentInput = floats.find((i) => i.name === INPUT_LATENT) ?? (floats[0] as ValueInfo);
  const inDims = dims(latentInput);
  if (inDims.length < 2) {
    throw new ModelInfoError(
      `latent input '${latentInput.name}' has shape ${describe(latentInput)}: expected [N, latentDim] or [N, latentDim, 1, 1]`,
    );
  }
  return { latentInput, labelInput: ints[0], inDims };
}

/** The per-sample latent shape and size: from the options, the graph, or the metadata's latent dim. */
function latentOf(
  { options, meta, sources }: Context,
  latentInput: ValueInfo,
  inDims: Dim[],
): { latentShape: number[]; latentDim: number } {
  const graphLatent = inDims.slice(1);
  let latentShape: number[];
  if (options.latentShape) {
    latentShape = positiveInts(options.latentShape, 'latentShape');
    if (isKnown(graphLatent) && !sameShape(graphLatent, latentShape)) {
      throw new ModelInfoError(
        `latentShape [${latentShape}] does not match the model's latent input '${latentInput.name}' ${describe(latentInput)}`,
      );
    }
    sources.latentShape = 'option';
  } else if (isKnown(graphLatent)) {
    latentShape = graphLatent;
    sources.latentShape = 'graph';
  } else {
    const dim = options.latentDim ?? meta.latentDim;
    const symbolic = graphLatent.filter((d) => typeof d !== 'number').length;
    const fixed = product(graphLatent.filter((d): d is number => typeof d === 'number'));
    if (dim === undefined || symbolic !== 1 || dim % fixed !== 0) {
      throw new ModelInfoError(
        `latent input '${latentInput.name}' has shape ${describe(latentInput)} with an unknown size: pass latentDim (e.g. latentDim: 100)` +
          (graphLatent.length > 1 ? ' or latentShape (e.g. latentShape: [100, 1, 1])' : ''),
      );
    }
    latentShape = graphLatent.map((d) => (typeof d === 'number' ? d : dim / fixed));
    sources.latentShape = options.latentDim !== undefined ? 'option' : 'metadata';
  }
  const latentDim = product(latentShape);
  if (options.latentDim !== undefined && positiveInt(options.latentDim, 'latentDim') !== latentDim) {
    throw new ModelInfoError(
      `latentDim ${options.latentDim} does not match the model's latent input '${latentInput.name}' ${describe(latentInput)}`,
    );
  }
  if (meta.latentDim !== undefined && meta.latentDim !== latentDim) {
    throw new ModelInfoError(
      `metadata ${META.latentDim}=${meta.latentDim} contradicts latent input '${latentInput.name}' ${describe(latentInput)}`,
    );
  }
  sources.latentDim =
    options.latentDim !== undefined
      ? 'option'
      : meta.latentDim !== undefined
        ? 'metadata'
        : sources.latentShape;
  return { latentShape, latentDim };
}

/** The output's shape: options, metadata, the graph, a probe run (NeedsProbe), or a square flat image. */
function outputShapeOf(
  { options, meta, sources }: Context,
  output: ValueInfo,
  probed: readonly number[] | undefined,
  probe: NeedsProbe['probe'],
): OutputShape {
  let rest = dims(output).slice(1);
  const shapeOpt = options.outputShape ? positiveInts(options.outputShape, 'outputShape') : undefined;
  let [shape, source]: [number[] | undefined, InfoSource | undefined] = shapeOpt
    ? [shapeOpt, 'option']
    : meta.outputShape
      ? [meta.outputShape, 'metadata']
      : [undefined, undefined];
  if (!shape && !isKnown(rest)) {
    if (!probed)
      throw new NeedsProbe(`output '${output.name}' ${describe(output)} has symbolic sizes`, probe);
    if (probed.length !== rest.length) {
      throw new ModelInfoError(
        `output '${output.name}' ${describe(output)} came out as [1,${probed.join(',')}] at batch 1: pass outputShape`,
      );
    }
    rest = rest.map((d, i) => (typeof d === 'number' ? d : (probed[i] as number)));
    sources.outputShape = 'probe';
  }
  // A flat [N, D] image output with a square D (or 3 times a square): H = W, one (or three) channels.
  const square = rest.length === 1 && !shape ? squareImage(rest[0]) : undefined;
  const wantsPoints = options.kind === 'points' || meta.kind === 'points' || output.name === OUTPUT_POINTS;
  if (square && !wantsPoints) {
    [shape, source] = [square, 'inferred'];
  }
  return { rest, shape, source };
}

/** Image or points: the option, the metadata, the output's name, or its shape. */
function kindOf({ options, meta, sources }: Context, output: ValueInfo, out: OutputShape): GeneratorKind {
  let kind: GeneratorKind;
  if (options.kind !== undefined) {
    if (options.kind !== 'image' && options.kind !== 'points') {
      throw new InvalidArgumentError(`kind must be 'image' or 'points', got ${String(options.kind)}`);
    }
    [kind, sources.kind] = [options.kind, 'option'];
  } else if (meta.kind) [kind, sources.kind] = [meta.kind, 'metadata'];
  else if (output.name === OUTPUT_POINTS) [kind, sources.kind] = ['points', 'graph'];
  else if (output.name === OUTPUT_IMAGE || out.rest.length >= 2 || out.shape)
    [kind, sources.kind] = ['image', out.source === 'inferred' ? 'inferred' : 'graph'];
  // A 2-D output of width <= 3 is point data (e.g. the 2-D Gaussian toy); wider is a flat image.
  else if (out.rest.length === 1 && typeof out.rest[0] === 'number' && out.rest[0] <= 3) {
    [kind, sources.kind] = ['points', 'graph'];
  } else throw flatError(output, out.rest);
  return kind;
}

/** info.pointDims, or info.image with its layout. */
function describeOutput(
  { options, meta, sources }: Context,
  info: GeneratorInfo,
  output: ValueInfo,
  out: OutputShape,
): void {
  if (info.kind === 'points') {
    const d = out.shape ? product(out.shape) : isKnown(out.rest) ? product(out.rest) : undefined;
    if (d === undefined) {
      throw new ModelInfoError(
        `output '${output.name}' has shape ${describe(output)} with an unknown size: pass outputShape: [dims] (e.g. [2])`,
      );
    }
    checkSize(output, out.rest, d);
    info.pointDims = d;
    sources.pointDims = out.source ?? sources.outputShape ?? 'graph';
  } else {
    info.image = imageInfo(output, out.rest, out.shape, options.layout ?? meta.layout);
    sources.image = out.source ?? sources.outputShape ?? 'graph';
    sources.layout = options.layout ? 'option' : meta.layout ? 'metadata' : 'graph';
  }
}

/** The output range, class names, preset and source run. */
function describeValues(
  { options, meta, sources }: Context,
  info: GeneratorInfo,
  model: ModelProto,
  outputName: string,
): void {
  if (options.outputRange) [info.outputRange, sources.outputRange] = [range(options.outputRange), 'option'];
  else if (meta.outputRange) [info.outputRange, sources.outputRange] = [meta.outputRange, 'metadata'];
  else {
    const fromGraph = rangeFromGraph(model, outputName);
    if (fromGraph) [info.outputRange, sources.outputRange] = [fromGraph, 'graph'];
    else sources.outputRange = 'default';
  }
  const classNames = options.classNames ?? meta.classNames;
  if (classNames) {
    if (!Array.isArray(classNames) || !classNames.every((c) => typeof c === 'string')) {
      throw new InvalidArgumentError('classNames must be an array of strings');
    }
    info.classNames = classNames;
    sources.classNames = options.classNames ? 'option' : 'metadata';
  }
  if (meta.preset) [info.preset, sources.preset] = [meta.preset, 'metadata'];
  if (meta.sourceRun) [info.sourceRun, sources.sourceRun] = [meta.sourceRun, 'metadata'];
}

function imageInfo(
  output: ValueInfo,
  rest: Dim[],
  given: number[] | undefined,
  layoutGiven: Layout | undefined,
): ImageInfo {
  if (layoutGiven !== undefined && !['NCHW', 'NHWC', 'flat'].includes(layoutGiven)) {
    throw new InvalidArgumentError(`layout must be 'NCHW', 'NHWC' or 'flat', got ${String(layoutGiven)}`);
  }
  const flat = rest.length === 1;
  if (flat && !given) throw flatError(output, rest);
  if (!flat && rest.length !== 2 && rest.length !== 3) {
    throw new ModelInfoError(
      `output '${output.name}' has shape ${describe(output)}: expected [N,C,H,W], [N,H,W,C], [N,H,W] or a flat [N,D]`,
    );
  }
  if (layoutGiven === 'flat' && !flat) {
    throw new ModelInfoError(`layout 'flat' needs a 2-D output, but '${output.name}' is ${describe(output)}`);
  }
  let shape: number[];
  if (given) shape = given;
  else if (isKnown(rest)) shape = rest;
  else {
    throw new ModelInfoError(
      `output '${output.name}' has shape ${describe(output)} with unknown sizes: pass outputShape (e.g. [1, 28, 28] for NCHW)`,
    );
  }
  checkSize(output, rest, product(shape));
  if (!flat && isKnown(rest) && !sameShape(rest, shape) && shape.length === rest.length) {
    throw new ModelInfoError(
      `outputShape [${shape}] does not match output '${output.name}' ${describe(output)}`,
    );
  }
  if (shape.length === 2) {
    // [H, W]: one channel, so the channel order does not matter.
    return {
      height: shape[0] as number,
      width: shape[1] as number,
      channels: 1,
      layout: flat ? 'flat' : 'NHWC',
    };
  }
  if (shape.length !== 3) {
    throw new ModelInfoError(
      `outputShape must have 2 or 3 entries ([H, W] or [H, W, C] / [C, H, W]), got [${shape}]`,
    );
  }
  let layout = layoutGiven;
  if (!layout) {
    const first = shape[0] === 1 || shape[0] === 3;
    const last = shape[2] === 1 || shape[2] === 3;
    if (flat) layout = 'flat';
    else if (first && !last) layout = 'NCHW';
    else if (last && !first) layout = 'NHWC';
    else {
      throw new ModelInfoError(
        `cannot tell the channel axis of output '${output.name}' ${describe(output)}: pass layout: 'NCHW' or 'NHWC'`,
      );
    }
  }
  const [a, b, c] = shape as [number, number, number];
  return layout === 'NCHW'
    ? { channels: a, height: b, width: c, layout }
    : { height: a, width: b, channels: c, layout };
}

/** [s, s, 1] for D = s², [s, s, 3] for D = 3s² (HWC order, as flat outputs are read), for D > 3. */
function squareImage(d: Dim | undefined): number[] | undefined {
  if (typeof d !== 'number' || d <= 3) return undefined;
  const side = Math.round(Math.sqrt(d));
  if (side * side === d) return [side, side, 1];
  const side3 = Math.round(Math.sqrt(d / 3));
  if (3 * side3 * side3 === d) return [side3, side3, 3];
  return undefined;
}

function flatError(output: ValueInfo, rest: Dim[]): ModelInfoError {
  const d = rest[0];
  let example = '[28, 28, 1]';
  if (typeof d === 'number') {
    const side = Math.round(Math.sqrt(d));
    const side3 = Math.round(Math.sqrt(d / 3));
    if (side * side === d) example = `[${side}, ${side}, 1]`;
    else if (3 * side3 * side3 === d) example = `[${side3}, ${side3}, 3]`;
  }
  return new ModelInfoError(
    `output '${output.name}' ${describe(output)} is flat: pass outputShape: ${example} (H, W, C) for images, or kind: 'points' for point data`,
  );
}

function checkSize(output: ValueInfo, rest: Dim[], size: number): void {
  if (isKnown(rest) && product(rest) !== size) {
    throw new ModelInfoError(
      `output '${output.name}' ${describe(output)} holds ${product(rest)} values per sample, not ${size}: fix outputShape`,
    );
  }
}

/** Walks back from the output through shape-only ops; a final Tanh or Sigmoid fixes the range. */
function rangeFromGraph(model: ModelProto, outputName: string): [number, number] | undefined {
  const producers = new Map(model.graph.node.flatMap((n) => n.output.map((o) => [o, n] as const)));
  let node = producers.get(outputName);
  for (let hops = 0; node && hops < 32; hops++) {
    if (node.opType === 'Tanh') return [-1, 1];
    if (node.opType === 'Sigmoid') return [0, 1];
    if (!SHAPE_OPS.has(node.opType) || !node.input[0]) return undefined;
    node = producers.get(node.input[0]);
  }
  return undefined;
}

function elemType(v: ValueInfo): number | undefined {
  return v.type?.tensorType?.elemType;
}

function dims(v: ValueInfo): Dim[] {
  return (v.type?.tensorType?.shape?.dim ?? []).map((d) => d.dimValue ?? d.dimParam ?? '?');
}

function describe(v: ValueInfo): string {
  const d = dims(v);
  return `[${d.map((x, i) => (i === 0 && typeof x !== 'number' ? 'N' : String(x))).join(',')}]`;
}

function isKnown(shape: Dim[]): shape is number[] {
  return shape.every((d) => typeof d === 'number' && d > 0);
}

function sameShape(a: Dim[], b: number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function product(shape: number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

function positiveInt(n: number, name: string): number {
  if (!Number.isInteger(n) || n <= 0)
    throw new InvalidArgumentError(`${name} must be a positive integer, got ${n}`);
  return n;
}

function positiveInts(shape: number[], name: string): number[] {
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((n) => Number.isInteger(n) && n > 0)) {
    throw new InvalidArgumentError(
      `${name} must be a non-empty array of positive integers, got ${JSON.stringify(shape)}`,
    );
  }
  return [...shape];
}

function range(r: [number, number]): [number, number] {
  if (
    !Array.isArray(r) ||
    r.length !== 2 ||
    !(Number.isFinite(r[0]) && Number.isFinite(r[1]) && r[0] < r[1])
  ) {
    throw new InvalidArgumentError(`outputRange must be [lo, hi] with lo < hi, got ${JSON.stringify(r)}`);
  }
  return [r[0], r[1]];
}
