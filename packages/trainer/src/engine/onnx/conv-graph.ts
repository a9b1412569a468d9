/**
 * Convolutions and their gradients written as ONNX nodes, for the convolution operations
 * (ops/conv2d.ts, ops/conv2d-transpose.ts) and the gradient penalty's second-order pass.
 *
 * Convolution gradients are convolutions themselves: the input gradient of a Conv is a ConvTranspose
 * with the same weights (and the other way round); a weight gradient is one matrix product per kernel
 * tap over the image split into its stride phases, or else a stride-1 convolution dilated by the
 * stride, with the batch and channel axes of the input and of dy swapped.
 */
import { outputPadding, overhang, phased, phaseTaps, type ConvGeometry, type HW } from './conv-math';
import type { Graph } from './graph';

/** A convolution of a compiled network (a transposed one maps `cin` channels up to `cout` too). */
export interface ConvParams extends ConvGeometry {
  cin: number;
  cout: number;
  /** Weight indices of the kernel (ONNX layout) and of the bias. */
  kernel: number;
  bias?: number;
}

/** A Conv: one GEMM per kernel tap over the phase windows where that pays, else onnxruntime's. */
export function convForward(
  g: Graph,
  op: ConvParams,
  x: string,
  w: string,
  batch: number,
  bias?: string,
): string {
  if (tapped(op, op.cin)) {
    const P = phases(g, op, { big: x, bigC: op.cin, bigHW: op.inHW, smallHW: op.outHW }, batch);
    return tapConv(g, op, P, w, op.cout, op.cin, op.outHW, batch, bias);
  }
  return g.op('Conv', [x, w, ...(bias !== undefined ? [bias] : [])], {
    kernel_shape: { ints: op.k },
    strides: { ints: op.s },
    pads: { ints: op.pads },
  });
}

/** A Conv's input gradient: the ConvTranspose with the same weights. */
export function convInputGrad(g: Graph, op: ConvParams, dy: string, w: string): string {
  // Rows the convolution never read come back as output padding.
  return g.op('ConvTranspose', [dy, w], {
    kernel_shape: { ints: op.k },
    strides: { ints: op.s },
    pads: { ints: op.pads },
    output_padding: { ints: outputPadding(op.outHW, op.inHW, op.k, op.s, op.pads) },
  });
}

/**
 * A ConvTranspose's input gradient: the Conv with the same weights from dy (the larger side) back to
 * the input's size, that is, the forward convolution of the transposed one with its sides swapped.
 */
export function convTransposeInputGrad(
  g: Graph,
  op: ConvParams,
  dy: string,
  w: string,
  batch: number,
): string {
  const swapped = { ...op, cin: op.cout, cout: op.cin, inHW: op.outHW, outHW: op.inHW };
  return convForward(g, swapped, dy, w, batch);
}

/**
 * Whether a phased convolution over `bigC` image channels runs as a few GEMMs over its phases (see
 * tapConv). With very few channels the GEMMs are too thin to beat onnxruntime's direct Conv.
 */
const tapped = (op: ConvParams, bigC: number) => phased(op) && op.s[0] * op.s[0] * bigC >= 32;

/**
 * The weight gradient of a Conv (or ConvTranspose). For a Conv, x is the larger ("image") side and dy
 * the smaller; for a ConvTranspose the roles swap. Result: [small channels, big channels, kh, kw].
 */
export function filterGrad(
  g: Graph,
  op: ConvParams,
  x: string,
  dy: string,
  batch: number,
  transposed: boolean,
): string {
  const sides = transposed
    ? { big: dy, bigC: op.cout, bigHW: op.outHW, small: x, smallC: op.cin, smallHW: op.inHW }
    : { big: x, bigC: op.cin, bigHW: op.inHW, small: dy, smallC: op.cout, smallHW: op.outHW };
  return phased(op) ? phaseFilterGrad(g, op, sides, batch) : dilatedFilterGrad(g, op, sides);
}

interface Sides {
  big: string;
  bigC: number;
  bigHW: HW;
  small: string;
  smallC: number;
  smallHW: HW;
}

/**
 * The image side of a phased convolution cut into the windows its taps read. Padded to the rows the
 * taps reach, split into its s² phases (SpaceToDepth: depth (p·s + q)·C + c) and made channels-last,
 * the image holds, for each tap (u, v) of the k/s × k/s taps per phase, one contiguous window
 * [N·a·b, s²·C] (a × b the small side). Built once per image value: the forward Conv and its weight
 * gradient share them. (ORT's SpaceToDepth and a 4-D transpose are faster than one 6-D transpose.)
 */
function phases(g: Graph, op: ConvParams, x: Omit<Sides, 'small' | 'smallC'>, batch: number): string[] {
  const s = op.s[0];
  const [KU, KV] = phaseTaps(op);
  const [a, b] = x.smallHW;
  return [...Array(KU * KV).keys()].map((t) =>
    g.memo(`taps/${x.big}/${op.kernel}/${t}`, () => {
      const all = g.memo(`phases/${x.big}/${op.kernel}`, () => {
        // The taps read s·(a + KU − 1) rows from the top pad on.
        const [top, left] = [op.pads[0], op.pads[1]];
        const bottom = overhang(a, x.bigHW[0], op.k[0], s, top);
        const right = overhang(b, x.bigHW[1], op.k[1], s, left);
        let big = x.big;
        if (bottom < 0 || right < 0) {
          big = g.op('Slice', [
            big,
            g.ints([0, 0]),
            g.ints([x.bigHW[0] + Math.min(0, bottom), x.bigHW[1] + Math.min(0, right)]),
            g.ints([2, 3]),
          ]);
        }
        if (top || left || bottom > 0 || right > 0) {
          big = g.op('Pad', [big, g.ints([0, 0, top, left, 0, 0, Math.max(0, bottom), Math.max(0, right)])]);
        }
        return g.transpose(g.op('SpaceToDepth', [big], { blocksize: { i: s } }), [0, 2, 3, 1]);
      });
      const [u, v] = [Math.floor(t / KV), t % KV];
      const window = g.op('Slice', [all, g.ints([u, v]), g.ints([u + a, v + b]), g.ints([1, 2])]);
      return g.reshape(window, [batch * a * b, s * s * x.bigC]);
    }),
  );
}

/**
 * A phased convolution as one GEMM per tap over the image's phase windows, summed (each Gemm adds
 * the one before as its C): y[n, o, a, b] = Σ_(u,v) window_(u,v)[n·a·b, (p, q, c)] · W[o, c, u·s + p, v·s + q].
 * `w` is in Conv layout [O, C, kh, kw]; the result is NCHW [N, O, a, b].
 */
function tapConv(
  g: Graph,
  op: ConvParams,
  windows: string[],
  w: string,
  O: number,
  C: number,
  smallHW: HW,
  batch: number,
  bias?: string,
): string {
  const s = op.s[0];
  const [KU, KV] = phaseTaps(op);
  const depth = s * s * C;
  // [O, C, (u, p), (v, q)] -> [(u, v), (p, q, c), O]: one [depth, O] matrix per tap.
  const taps = g.reshape(g.transpose(g.reshape(w, [O, C, KU, s, KV, s]), [2, 4, 3, 5, 1, 0]), [
    KU * KV,
    depth,
    O,
  ]);
  let acc = bias;
  windows.forEach((window, t) => {
    const wt = g.reshape(g.op('Slice', [taps, g.ints([t]), g.ints([t + 1]), g.ints([0])]), [depth, O]);
    acc = g.op('Gemm', [window, wt, ...(acc !== undefined ? [acc] : [])]);
  });
  if (acc === undefined) throw new Error('a convolution without taps');
  return g.transpose(g.reshape(acc, [batch, smallHW[0], smallHW[1], O]), [0, 3, 1, 2]);
}

/**
 * dW[o, c, i, j] = Σ small[n, o, a, b] · bigPadded[n, c, s·a + i, s·b + j] as a few large matrix
 * products: each tap's window (see phases) against dy, one GEMM over every example and position
 * (K = N·H·W), far better shaped for the CPU than a convolution with a dilated batch-sized kernel.
 */
function phaseFilterGrad(g: Graph, op: ConvParams, x: Sides, batch: number): string {
  const s = op.s[0];
  const [KU, KV] = phaseTaps(op);
  const [a, b] = x.smallHW;
  const smallT = g.reshape(g.transpose(x.small, [1, 0, 2, 3]), [x.smallC, batch * a * b]);
  const taps = phases(g, op, x, batch).map((window) => g.op('MatMul', [smallT, window]));
  // [o, (u, v, p, q, c)] -> [o, c, (u, p), (v, q)]: kernel row i = u·s + p, column j = v·s + q.
  const [first] = taps;
  const all = taps.length === 1 && first !== undefined ? first : g.op('Concat', taps, { axis: { i: 1 } });
  const split = g.reshape(all, [x.smallC, KU, KV, s, s, x.bigC]);
  return g.reshape(g.transpose(split, [0, 5, 1, 3, 2, 4]), [x.smallC, x.bigC, op.k[0], op.k[1]]);
}

/** The same gradient as one stride-1 convolution dilated by the stride (any stride and kernel). */
function dilatedFilterGrad(g: Graph, op: ConvParams, x: Sides): string {
  const [top, left] = [op.pads[0], op.pads[1]];
  let image = g.transpose(x.big, [1, 0, 2, 3]);
  const end: HW = [
    overhang(x.smallHW[0], x.bigHW[0], op.k[0], op.s[0], top),
    overhang(x.smallHW[1], x.bigHW[1], op.k[1], op.s[1], left),
  ];
  if (end[0] < 0 || end[1] < 0) {
    // Rows of the image no tap reads: crop them instead of padding negatively.
    const keep = [x.bigHW[0] + Math.min(0, end[0]), x.bigHW[1] + Math.min(0, end[1])];
    image = g.op('Slice', [image, g.ints([0, 0]), g.ints(keep), g.ints([2, 3])]);
  }
  const out = g.op('Conv', [image, g.transpose(x.small, [1, 0, 2, 3])], {
    kernel_shape: { ints: [x.smallHW[0], x.smallHW[1]] },
    dilations: { ints: op.s },
    pads: { ints: [top, left, Math.max(0, end[0]), Math.max(0, end[1])] },
  });
  // [big channels, small channels, kh, kw] -> [small, big, kh, kw].
  return g.transpose(out, [1, 0, 2, 3]);
}
