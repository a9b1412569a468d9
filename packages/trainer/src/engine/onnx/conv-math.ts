/**
 * The arithmetic of 2-D convolutions, shared by the compiled engine's convolution operations
 * (ops/conv2d.ts, ops/conv2d-transpose.ts, conv-graph.ts) and the wasm backend's native convolutions
 * (kernels/ort-conv.ts): TF.js's padding as explicit pads, how far a convolution's taps reach past
 * its input (which gives the end padding of every convolution, transposed convolution and filter
 * gradient here), stride phases, and the axis orders between TF.js's channels-last layouts and
 * ONNX's channels-first ones.
 */

/** A (height, width) pair: sizes, kernels, strides. */
export type HW = [number, number];
/** ONNX pads of a 2-D convolution: top, left, bottom, right. */
export type Pads = [number, number, number, number];

/** A 2-D convolution from `inHW` to `outHW` (a transposed one: from `inHW` up to `outHW`). */
export interface ConvGeometry {
  k: HW;
  s: HW;
  pads: Pads;
  inHW: HW;
  outHW: HW;
}

/** NHWC to NCHW, and the same for any [rows, H, W, C] view of a weight. */
export const NHWC_TO_NCHW = [0, 3, 1, 2];
export const NCHW_TO_NHWC = [0, 2, 3, 1];
/** One example's HWC to CHW. */
export const HWC_TO_CHW = [2, 0, 1];
/**
 * TF.js convolution kernels [kh, kw, in, out] to ONNX Conv's [out, in, kh, kw]; the same permutation
 * takes a transposed convolution's [kh, kw, out, in] to ConvTranspose's [in, out, kh, kw].
 */
export const HWIO_TO_OIHW = [3, 2, 0, 1];

/**
 * How many rows past the end of the `big` side the taps of a stride-`s`, size-`k` convolution read
 * to make `small` outputs, the big side padded by `padBegin` rows before its start; negative: rows at
 * its end that no tap reads. A Conv from big to small pads its end by that much; a ConvTranspose from
 * small to big makes that many rows too many, which its end padding (or negative output padding) cuts.
 */
export const overhang = (small: number, big: number, k: number, s: number, padBegin: number) =>
  s * (small - 1) + k - padBegin - big;

/** TF.js 'same' / 'valid' padding as ONNX pads for a convolution from `inHW` to `outHW`. */
export function tfPads(padding: string, inHW: HW, outHW: HW, k: HW, s: HW): Pads {
  if (padding === 'valid') return [0, 0, 0, 0];
  // 'same': the rows the taps reach past the input, the odd one at the end.
  const th = Math.max(overhang(outHW[0], inHW[0], k[0], s[0], 0), 0);
  const tw = Math.max(overhang(outHW[1], inHW[1], k[1], s[1], 0), 0);
  return [Math.floor(th / 2), Math.floor(tw / 2), th - Math.floor(th / 2), tw - Math.floor(tw / 2)];
}

/**
 * The output padding of a ConvTranspose with `pads` from `small` to `big` (the transpose of the Conv
 * from big to small): the rows its size s·(small − 1) + k − pads falls short of `big`.
 */
export function outputPadding(small: HW, big: HW, k: HW, s: HW, pads: Pads): HW {
  return [
    pads[2] - overhang(small[0], big[0], k[0], s[0], pads[0]),
    pads[3] - overhang(small[1], big[1], k[1], s[1], pads[1]),
  ];
}

/** Whether a convolution splits into stride phases: equal strides, each kernel side a whole number of strides. */
export const phased = ({ k, s }: Pick<ConvGeometry, 'k' | 's'>) =>
  s[0] === s[1] && k[0] % s[0] === 0 && k[1] % s[1] === 0;

/** The taps per phase of a phased convolution, down and across: k/s each. */
export const phaseTaps = ({ k, s }: Pick<ConvGeometry, 'k' | 's'>): HW => [k[0] / s[0], k[1] / s[0]];
