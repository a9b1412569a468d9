/**
 * Convolutions and their gradients written as ONNX nodes, for the convolution operations
 * (ops/conv2d.ts, ops/conv2d-transpose.ts) and the gradient penalty's second-order pass.
 *
 * Every convolution here maps a larger "big" image to a smaller "small" one (a Conv), or back (a
 * ConvTranspose, and a Conv's input gradient), with one kernel. Small images with a phased kernel run
 * in both directions as one matrix product per kernel tap (conv-taps.ts), the kernel kept in "tap
 * layout" (tapLayout) so that no step transposes it; the others are onnxruntime's Conv and
 * ConvTranspose, with the kernel in ONNX's layout [small channels, big channels, kh, kw]. A weight
 * gradient is one matrix product per tap (phased kernels), or else a stride-1 convolution dilated by
 * the stride.
 */
import { outputPadding, overhang, phased, phaseTaps, type ConvGeometry, type HW } from './conv-math';
import {
  phaseConvTranspose,
  phaseFilterGrad,
  phases,
  tapConv,
  tapFilterGrad,
  thinBigSide,
  type Sides,
} from './conv-taps';
import type { Graph } from './graph';

/** A convolution of a compiled network (a transposed one maps `cin` channels up to `cout` too). */
export interface ConvParams extends ConvGeometry {
  cin: number;
  cout: number;
  /** Weight indices of the kernel and of the bias. */
  kernel: number;
  bias?: number;
  /** Whether it runs as one GEMM per tap, its kernel in tap layout (see tapLayout). */
  taps: boolean;
}

/**
 * Whether a convolution runs as tap GEMMs (conv-taps.ts), its kernel in tap layout: a phased one whose
 * small side is at most 7×7, or at most 14×14 where the big side is thin (a grey or RGB image: one
 * GEMM for all taps). Larger images run faster as onnxruntime's Conv and ConvTranspose, which work
 * image by image with their buffers in cache; at 7×7 and below those are thin per-image products,
 * and the taps' products over the whole batch are the faster — and a network's images stay
 * channels-last from one tap convolution to the next, where onnxruntime's take NCHW.
 */
export function runsOnTaps(geometry: Pick<ConvGeometry, 'k' | 's'>, bigC: number, smallHW: HW): boolean {
  const positions = smallHW[0] * smallHW[1];
  return phased(geometry) && (thinBigSide(geometry.s[0], bigC) ? positions <= 196 : positions < 64);
}

/**
 * The tap layout of a phased kernel: [(u, v), (p, q, c), o], one [s²·bigC, smallC] matrix per tap
 * (u, v) of the k/s × k/s taps per phase, its rows the big side's phases (p, q) and channels c — the
 * TF.js kernel [kh, kw, big, small] = [(u, p), (v, q), c, o] seen as `view` and permuted by `perm`.
 */
export function tapLayout(geometry: Pick<ConvGeometry, 'k' | 's'>, bigC: number, smallC: number) {
  const s = geometry.s[0];
  const [KU, KV] = phaseTaps(geometry);
  return {
    shape: [KU * KV, s * s * bigC, smallC],
    view: [KU, s, KV, s, bigC, smallC],
    perm: [0, 2, 1, 3, 4, 5],
  };
}

const convSides = (op: ConvParams): Sides => ({
  bigC: op.cin,
  bigHW: op.inHW,
  smallC: op.cout,
  smallHW: op.outHW,
});
const transposedSides = (op: ConvParams): Sides => ({
  bigC: op.cout,
  bigHW: op.outHW,
  smallC: op.cin,
  smallHW: op.inHW,
});

/** A Conv: big image `x` to the small side. */
export const convForward = (g: Graph, op: ConvParams, x: string, w: string, batch: number, bias?: string) =>
  bigToSmall(g, op, convSides(op), x, w, batch, bias);

/** A Conv's input gradient: dy on the small side back to the big image. */
export const convInputGrad = (g: Graph, op: ConvParams, dy: string, w: string, batch: number) =>
  smallToBig(g, op, convSides(op), dy, w, batch);

/** A ConvTranspose: `x` on the small side up to the big image. */
export const convTransposeForward = (
  g: Graph,
  op: ConvParams,
  x: string,
  w: string,
  batch: number,
  bias?: string,
) => smallToBig(g, op, transposedSides(op), x, w, batch, bias);

/** A ConvTranspose's input gradient: the Conv with the same weights from dy (the big side) down. */
export const convTransposeInputGrad = (g: Graph, op: ConvParams, dy: string, w: string, batch: number) =>
  bigToSmall(g, op, transposedSides(op), dy, w, batch);

/**
 * A convolution's bias gradient: dy summed per channel — over the rows of its channels-last form
 * (Graph.rowSum) where it has one, else over the batch and positions of the NCHW image.
 */
export const biasGrad = (g: Graph, op: ConvParams, dy: string, batch: number) =>
  g.hasNhwc(dy)
    ? g.reshape(g.rowSum(g.nhwc(dy), batch * op.outHW[0] * op.outHW[1], op.cout), [op.cout])
    : g.sum(dy, [0, 2, 3]);

/**
 * The weight gradient of a Conv (or ConvTranspose), in the kernel's layout. For a Conv, x is the
 * larger ("image") side and dy the smaller; for a ConvTranspose the roles swap.
 */
export function filterGrad(
  g: Graph,
  op: ConvParams,
  x: string,
  dy: string,
  batch: number,
  transposed: boolean,
): string {
  const sides = transposed ? transposedSides(op) : convSides(op);
  const [big, small] = transposed ? [dy, x] : [x, dy];
  if (op.taps) return tapFilterGrad(g, op, sides, big, small, batch);
  return phased(op)
    ? phaseFilterGrad(g, op, sides, big, small, batch)
    : dilatedFilterGrad(g, op, sides, big, small);
}

function bigToSmall(
  g: Graph,
  op: ConvParams,
  sides: Sides,
  big: string,
  w: string,
  batch: number,
  bias?: string,
): string {
  if (op.taps) return tapConv(g, op, sides, phases(g, op, sides, big, batch), w, batch, bias);
  return g.op('Conv', [big, w, ...(bias !== undefined ? [bias] : [])], {
    kernel_shape: { ints: op.k },
    strides: { ints: op.s },
    pads: { ints: op.pads },
  });
}

function smallToBig(
  g: Graph,
  op: ConvParams,
  sides: Sides,
  small: string,
  w: string,
  batch: number,
  bias?: string,
): string {
  if (op.taps) return phaseConvTranspose(g, op, sides, small, w, batch, bias);
  // Rows the convolution never read come back as output padding.
  return g.op('ConvTranspose', [small, w, ...(bias !== undefined ? [bias] : [])], {
    kernel_shape: { ints: op.k },
    strides: { ints: op.s },
    pads: { ints: op.pads },
    output_padding: { ints: outputPadding(sides.smallHW, sides.bigHW, op.k, op.s, op.pads) },
  });
}

/** The same gradient as one stride-1 convolution dilated by the stride (any stride and kernel). */
function dilatedFilterGrad(g: Graph, op: ConvParams, x: Sides, big: string, small: string): string {
  const [top, left] = [op.pads[0], op.pads[1]];
  let image = g.transpose(big, [1, 0, 2, 3]);
  const end: HW = [
    overhang(x.smallHW[0], x.bigHW[0], op.k[0], op.s[0], top),
    overhang(x.smallHW[1], x.bigHW[1], op.k[1], op.s[1], left),
  ];
  if (end[0] < 0 || end[1] < 0) {
    // Rows of the image no tap reads: crop them instead of padding negatively.
    const keep = [x.bigHW[0] + Math.min(0, end[0]), x.bigHW[1] + Math.min(0, end[1])];
    image = g.op('Slice', [image, g.ints([0, 0]), g.ints(keep), g.ints([2, 3])]);
  }
  const out = g.op('Conv', [image, g.transpose(small, [1, 0, 2, 3])], {
    kernel_shape: { ints: [x.smallHW[0], x.smallHW[1]] },
    dilations: { ints: op.s },
    pads: { ints: [top, left, Math.max(0, end[0]), Math.max(0, end[1])] },
  });
  // [big channels, small channels, kh, kw] -> [small, big, kh, kw].
  return g.transpose(out, [1, 0, 2, 3]);
}
