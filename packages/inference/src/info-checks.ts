/**
 * What describeModel checks besides the shapes it reads: that the model is a generator at all (not an
 * image classifier or a discriminator), that one sample fits a call, and how many classes a conditional
 * generator has.
 */
import { ModelInfoError } from './errors';
import { MAX_VALUES_PER_CALL } from './limits';
import type { ModelProto, ValueInfo } from './onnx';
import { squareImage } from './info-output';
import { describe, isKnown, product, type Dim } from './value-info';
import type { ClassInfo, InfoSource } from './types';

/** [N,C,H,W], [N,H,W,C] or [N,H,W] with sides of 8 or more: a picture, not a latent like [N,100,1,1]. */
function isImageShape(rest: Dim[]): boolean {
  if (!isKnown(rest)) return false;
  const channels = (d: number) => d === 1 || d === 3 || d === 4;
  if (rest.length === 2) return rest[0]! >= 8 && rest[1]! >= 8;
  if (rest.length !== 3) return false;
  const [a, b, c] = rest as [number, number, number];
  return (channels(a) && b >= 8 && c >= 8) || (channels(c) && a >= 8 && b >= 8);
}

/**
 * A ModelInfoError when the graph looks like a model that scores inputs rather than generating from a
 * latent: an image in and fewer values out (a classifier, a discriminator), or a flattened image
 * ([N,784]) in and a few values out. Only asked when neither the options nor the metadata say what
 * the model makes.
 */
export function notAGenerator(
  latent: ValueInfo,
  inRest: Dim[],
  output: ValueInfo,
  outRest: Dim[],
): ModelInfoError | undefined {
  if (!isKnown(outRest) || !isKnown(inRest)) return undefined;
  const inSize = product(inRest);
  const outSize = product(outRest);
  if (outSize >= inSize) return undefined;
  const what = `its input '${latent.name}' ${describe(latent)}`;
  const out = `its output '${output.name}' ${describe(output)}`;
  const generators =
    'the SDK runs generators, which turn a latent vector (e.g. [N,100]) into an image or points';
  if (isImageShape(inRest)) {
    return new ModelInfoError(
      `this looks like an image classifier or discriminator, not a generator: ${what} is an image and ${out} has ${outSize} value${outSize === 1 ? '' : 's'} per image; ${generators}`,
      { reason: 'not-a-generator' },
    );
  }
  const flatImage = inRest.length === 1 && inSize >= 64 && squareImage(inSize) !== undefined;
  if (flatImage && outRest.length === 1 && outSize > 3 && squareImage(outSize) === undefined) {
    const [side, , channels] = squareImage(inSize)!;
    return new ModelInfoError(
      `this looks like a classifier, not a generator: ${out} has fewer values (${outSize}) than ${what} (${inSize}), which reads as a flattened ${side}x${side}${channels === 3 ? ' RGB' : ''} image; ${generators} (if this one makes ${outSize}-D points, pass kind: 'points')`,
      { reason: 'not-a-generator' },
    );
  }
  return undefined;
}

/**
 * Throws when one sample of `per` values (its latent, or its output) is over the per-call limit; `what`
 * introduces the figure ("output 'image' [N,3,8192,8192] holds").
 */
export function checkOneSampleFits(per: number, what: string): void {
  if (per > MAX_VALUES_PER_CALL) {
    throw new ModelInfoError(
      `${what} ${per} values per sample, over the SDK's limit of ${MAX_VALUES_PER_CALL} values per call: not even one sample fits, so this model cannot be run here`,
      { reason: 'too-large' },
    );
  }
}

/** Shape-preserving (or reshaping) ops a label may pass through on its way to the embedding. */
const LABEL_PASS = new Set(['Cast', 'Identity', 'Reshape', 'Squeeze', 'Unsqueeze', 'Flatten']);

/**
 * The number of classes the graph itself allows for the label input: the rows of the embedding table
 * a Gather looks the label up in, or a OneHot's depth.
 */
export function classCountFromGraph(model: ModelProto, labelName: string): number | undefined {
  const graph = model.graph;
  const init = new Map((graph.initializer ?? []).map((t) => [t.name, t]));
  const consumers = (name: string) => graph.node.filter((n) => n.input.includes(name));
  const seen = new Set<string>();
  const queue = [labelName];
  while (queue.length) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const n of consumers(name)) {
      if (n.opType === 'Gather' && n.input[1] === name) {
        const table = init.get(n.input[0] ?? '');
        const axis = Number(n.attribute?.find((a) => a.name === 'axis')?.i ?? 0);
        const rows = table?.dims?.map(Number)[axis];
        if (rows !== undefined && rows > 0) return rows;
      } else if (n.opType === 'OneHot' && n.input[0] === name) {
        const depth = init.get(n.input[1] ?? '');
        const value = depth?.int64Data?.[0] ?? depth?.floatData?.[0];
        if (value !== undefined && value > 0) return Number(value);
      } else if (LABEL_PASS.has(n.opType) && n.input[0] === name && n.output[0]) queue.push(n.output[0]);
    }
  }
  return undefined;
}

/**
 * info.classes of a conditional generator: names from the options or the metadata, the count from
 * them or the graph; both given and different is a contradiction.
 */
export function classesOf(
  model: ModelProto,
  labelName: string,
  names: string[] | undefined,
  namesSource: InfoSource | undefined,
  sources: Record<string, InfoSource>,
): ClassInfo | undefined {
  const fromGraph = classCountFromGraph(model, labelName);
  if (names && fromGraph !== undefined && names.length !== fromGraph) {
    throw new ModelInfoError(
      `${names.length} class names are given (${namesSource === 'option' ? 'classNames' : 'metadata'}), but the model's label input '${labelName}' takes ${fromGraph} classes: fix classNames`,
      { reason: 'contradiction' },
    );
  }
  if (names) {
    sources.classes = namesSource ?? 'metadata';
    return { count: names.length, names };
  }
  if (fromGraph === undefined) return undefined;
  sources.classes = 'graph';
  return { count: fromGraph };
}
