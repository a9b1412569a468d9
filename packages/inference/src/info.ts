/**
 * Works out a GeneratorInfo from a decoded ONNX model: options first, then the GANForge metadata_props,
 * then what the graph's shapes and ops imply, then defaults. What none of them settles is asked for by
 * name in a ModelInfoError.
 */
import { META, INPUT_LATENT, OUTPUT_IMAGE, OUTPUT_POINTS } from '@ganforge/contracts/onnx';
import type { GeneratorKind } from '@ganforge/contracts/onnx';
import { DataType } from './onnx';
import type { ModelProto, ValueInfo } from './onnx';
import { InvalidArgumentError, ModelInfoError } from './errors';
import { MAX_VALUES_PER_CALL } from './limits';
import type { GeneratorInfo, InfoSource, LoadOptions } from './types';
import { readMetadata, type Metadata } from './model-metadata';
import { checkSize, flatError, imageInfo, rangeFromGraph, squareImage } from './info-output';
import { checkOneSampleFits, classesOf, notAGenerator } from './info-checks';
import { inferShape } from './shapes';
import {
  describe,
  dims,
  elemType,
  isKnown,
  positiveInt,
  positiveInts,
  product,
  range,
  sameShape,
  type Dim,
} from './value-info';

export interface ModelDescription {
  info: GeneratorInfo;
  /** Set when the model's batch dimension is a fixed number rather than symbolic. */
  fixedBatch?: number;
  labelType?: 'int64' | 'int32';
  /** True when the graph has outputs besides info.outputName (runs then fetch only that one). */
  otherOutputs?: boolean;
}

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
  model: ModelProto;
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
  const ctx: Context = { model, options, meta: readMetadata(model), sources: {} };
  const { latentInput, labelInput, inDims } = generatorInputs(graph);
  const output =
    graph.output.find((o) => o.name === OUTPUT_IMAGE || o.name === OUTPUT_POINTS) ?? graph.output[0];
  if (!output) throw new ModelInfoError('the ONNX graph has no outputs', { reason: 'unsupported' });
  const said = options.kind ?? options.outputShape ?? ctx.meta.kind ?? ctx.meta.outputShape;
  const refusal =
    said === undefined && notAGenerator(latentInput, inDims.slice(1), output, dims(output).slice(1));
  if (refusal) throw refusal;
  const { latentShape, latentDim } = latentOf(ctx, latentInput, inDims);
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
    maxCount: 0,
    sources: ctx.sources,
  };
  if (labelInput) info.labelInputName = labelInput.name;
  describeOutput(ctx, info, output, out);
  describeValues(ctx, info, model, output.name);
  if (labelInput) {
    const namesSource = ctx.sources.classNames;
    const classes = classesOf(model, labelInput.name, info.classNames, namesSource, ctx.sources);
    if (classes) info.classes = classes;
  }
  const perSample = info.image ? info.image.height * info.image.width * info.image.channels : info.pointDims!;
  checkOneSampleFits(perSample, `output '${output.name}' ${describe(output)} holds`);
  info.maxCount = Math.floor(MAX_VALUES_PER_CALL / Math.max(perSample, latentDim));

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
      { reason: 'unsupported' },
    );
  }
  const latentInput = floats.find((i) => i.name === INPUT_LATENT) ?? (floats[0] as ValueInfo);
  const inDims = dims(latentInput);
  if (inDims.length < 2) {
    throw new ModelInfoError(
      `latent input '${latentInput.name}' has shape ${describe(latentInput)}: expected [N, latentDim] or [N, latentDim, 1, 1]`,
      { reason: 'unsupported' },
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
  checkOneSampleFits(latentDim, `latent input '${latentInput.name}' ${describe(latentInput)} holds`);
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
  { model, options, meta, sources }: Context,
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
    if (!probed) {
      // Read off the graph first where it can be: a model whose one sample is too large is refused
      // before the probe runs it (a probe of such a model can take gigabytes).
      const inputs = {
        [probe.inputName]: [1, ...probe.latentShape],
        ...(probe.labelInputName ? { [probe.labelInputName]: [1] } : {}),
      };
      const batch1 = inferShape(model, inputs, output.name);
      if (batch1 && batch1.length === rest.length + 1) {
        const read = `output '${output.name}' ${describe(output)} comes out as [${batch1.join(',')}] (read from the graph):`;
        checkOneSampleFits(product(batch1.slice(1)), read);
      }
      throw new NeedsProbe(`output '${output.name}' ${describe(output)} has symbolic sizes`, probe);
    }
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
