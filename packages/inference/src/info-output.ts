/** The image an output holds, from its dims and the shape and layout given; and its value range. */
import type { Layout } from '@ganforge/contracts/onnx';
import { InvalidArgumentError, ModelInfoError } from './errors';
import type { ModelProto, ValueInfo } from './onnx';
import type { ImageInfo } from './types';
import { describe, isKnown, product, sameShape, type Dim } from './value-info';

const SHAPE_OPS = new Set(['Reshape', 'Transpose', 'Flatten', 'Identity', 'Squeeze', 'Unsqueeze']);

export function imageInfo(
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
export function squareImage(d: Dim | undefined): number[] | undefined {
  if (typeof d !== 'number' || d <= 3) return undefined;
  const side = Math.round(Math.sqrt(d));
  if (side * side === d) return [side, side, 1];
  const side3 = Math.round(Math.sqrt(d / 3));
  if (3 * side3 * side3 === d) return [side3, side3, 3];
  return undefined;
}

export function flatError(output: ValueInfo, rest: Dim[]): ModelInfoError {
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

export function checkSize(output: ValueInfo, rest: Dim[], size: number): void {
  if (isKnown(rest) && product(rest) !== size) {
    throw new ModelInfoError(
      `output '${output.name}' ${describe(output)} holds ${product(rest)} values per sample, not ${size}: fix outputShape`,
    );
  }
}

/** Walks back from the output through shape-only ops; a final Tanh or Sigmoid fixes the range. */
export function rangeFromGraph(model: ModelProto, outputName: string): [number, number] | undefined {
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
