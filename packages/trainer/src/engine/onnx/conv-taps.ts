/**
 * Phased convolutions as matrix products, one per kernel tap, for conv-graph.ts. A phased kernel (each
 * side a whole number k/s of strides) reads, for each of its k/s × k/s taps (u, v), one window of the
 * big image cut into its s² stride phases; a Conv is the sum over the taps of window · tap matrix. The
 * kernel is kept in tap layout [(u, v), (p, q, c), o] (conv-graph's tapLayout): row (p, q, c) of tap
 * (u, v)'s matrix is kernel row u·s + p, column v·s + q, big channel c. Images come in and go out NCHW;
 * inside they are channels-last, where the phases are whole runs of channels, and each result's
 * channels-last form is recorded with it (Graph.nchw), so a rule after it can read that instead.
 */
import { overhang, phaseTaps, type ConvGeometry, type HW } from './conv-math';
import type { Graph } from './graph';

/** The two sides of a convolution: a Conv reads the big one, a ConvTranspose writes it. */
export interface Sides {
  bigC: number;
  bigHW: HW;
  smallC: number;
  smallHW: HW;
}

/** A phased convolution: its geometry and its kernel's weight index (what the memos are keyed by). */
export type TapGeometry = ConvGeometry & { kernel: number };

/**
 * Whether the big side is thin (s²·C under 32 columns a window: an RGB or grey image): its GEMMs
 * then run once over all taps — the windows side by side as one matrix (im2col), or all the
 * products of the small side made at once and cut into windows — instead of one thin GEMM per tap.
 */
export const thinBigSide = (s: number, bigC: number) => s * s * bigC < 32;

/** An NCHW image as rows [N·H·W, C]. */
export const rows = (g: Graph, x: string, batch: number, [h, w]: HW, c: number) =>
  g.reshape(g.nhwc(x), [batch * h * w, c]);

/**
 * The big image cut into the windows its taps read. Made channels-last, padded to the rows the taps
 * reach and split into its s² phases ([N, a', s, b', s, C] to [N, a', b', (p, q, C)], moving whole
 * runs of C channels), the image holds, for each tap (u, v), one contiguous window [N·a·b, s²·C]
 * (a × b the small side). Built once per image value: a Conv and its weight gradient share them.
 */
export function phases(g: Graph, op: TapGeometry, x: Sides, big: string, batch: number): string[] {
  const s = op.s[0];
  const [KU, KV] = phaseTaps(op);
  const [a, b] = x.smallHW;
  const all = () =>
    g.memo(`phases/${big}/${op.kernel}`, () => {
      // The taps read s·(a + KU − 1) rows from the top pad on.
      const [top, left] = [op.pads[0], op.pads[1]];
      const bottom = overhang(a, x.bigHW[0], op.k[0], s, top);
      const right = overhang(b, x.bigHW[1], op.k[1], s, left);
      let image = g.nhwc(big);
      if (bottom < 0 || right < 0) {
        const end = [x.bigHW[0] + Math.min(0, bottom), x.bigHW[1] + Math.min(0, right)];
        image = g.op('Slice', [image, g.ints([0, 0]), g.ints(end), g.ints([1, 2])]);
      }
      if (top || left || bottom > 0 || right > 0) {
        const pads = [0, top, left, 0, 0, Math.max(0, bottom), Math.max(0, right), 0];
        image = g.op('Pad', [image, g.ints(pads)]);
      }
      const [A, B] = [a + KU - 1, b + KV - 1];
      const split = g.transpose(g.reshape(image, [batch, A, s, B, s, x.bigC]), [0, 1, 3, 2, 4, 5]);
      return g.reshape(split, [batch, A, B, s * s * x.bigC]);
    });
  return [...Array(KU * KV).keys()].map((t) =>
    g.memo(`taps/${big}/${op.kernel}/${t}`, () => {
      const [u, v] = [Math.floor(t / KV), t % KV];
      const window = g.op('Slice', [all(), g.ints([u, v]), g.ints([u + a, v + b]), g.ints([1, 2])]);
      return g.reshape(window, [batch * a * b, s * s * x.bigC]);
    }),
  );
}

/**
 * A phased Conv: y[n, o, a, b] = Σ_(u,v) window_(u,v)[n·a·b, (p, q, c)] · W_(u,v)[(p, q, c), o], each
 * Gemm adding the one before as its C. `w` is in tap layout; the result is NCHW [N, smallC, a, b].
 */
export function tapConv(
  g: Graph,
  op: TapGeometry,
  x: Sides,
  windows: string[],
  w: string,
  batch: number,
  bias?: string,
): string {
  const depth = op.s[0] * op.s[0] * x.bigC;
  let acc = bias;
  if (thinBigSide(op.s[0], x.bigC)) {
    // The windows side by side [N·a·b, (u, v, p, q, c)] match the kernel's rows: one GEMM.
    const kernel = g.reshape(w, [windows.length * depth, x.smallC]);
    acc = g.op('Gemm', [sideBySide(g, windows), kernel, ...(bias !== undefined ? [bias] : [])]);
  } else {
    windows.forEach((window, t) => {
      const tap = g.reshape(g.op('Slice', [w, g.ints([t]), g.ints([t + 1]), g.ints([0])]), [depth, x.smallC]);
      acc = g.op('Gemm', [window, tap, ...(acc !== undefined ? [acc] : [])]);
    });
  }
  if (acc === undefined) throw new Error('a convolution without taps');
  const [a, b] = x.smallHW;
  return g.nchw(g.reshape(acc, [batch, a, b, x.smallC]));
}

/** A convolution's windows side by side, [N·a·b, taps · s²·C] (made once per set of windows). */
const sideBySide = (g: Graph, windows: string[]) =>
  windows.length === 1
    ? windows[0]!
    : g.memo(`im2col/${windows[0]}`, () => g.op('Concat', windows, { axis: { i: 1 } }));

/**
 * A phased ConvTranspose (the adjoint of tapConv), one output phase at a time. Big row r = s·m + p
 * (the top pad added: s·m + p + top = s·δ + ρ) gathers, for each tap u, small row m + δ − u through
 * kernel row s·u + ρ: so each phase (p, q) is Σ_(u,v) window · W_(u,v)[(ρ, σ), :, :]ᵀ over windows of
 * the small image padded with zeros, exactly the products the convolution has. The phases are then
 * interleaved (channels-last, whole runs of channels) and the big image cut to size.
 */
export function phaseConvTranspose(
  g: Graph,
  op: TapGeometry,
  x: Sides,
  small: string,
  w: string,
  batch: number,
  bias?: string,
): string {
  const s = op.s[0];
  const [KU, KV] = phaseTaps(op);
  const [H, W] = x.bigHW;
  const blocks: HW = [Math.ceil(H / s), Math.ceil(W / s)];
  // Per axis and phase p: δ and ρ, and the small rows each tap reads, relative to the block.
  const axis = (k: 0 | 1, taps: number) =>
    [...Array(s).keys()].map((p) => {
      const shifted = p + op.pads[k];
      const delta = Math.floor(shifted / s);
      return { rho: shifted % s, offsets: [...Array(taps).keys()].map((u) => delta - u) };
    });
  const [down, across] = [axis(0, KU), axis(1, KV)];
  const reach = (phasesOf: typeof down, k: 0 | 1): HW => {
    const all = phasesOf.flatMap((p) => p.offsets);
    return [Math.max(0, -Math.min(...all)), Math.max(0, blocks[k] - x.smallHW[k] + Math.max(...all))];
  };
  const [[top, bottom], [left, right]] = [reach(down, 0), reach(across, 1)];
  const term = transposeTerms(g, op, x, small, w, batch, { top, bottom, left, right }, blocks);
  const outs: string[] = [];
  for (const p of down) {
    for (const q of across) {
      let acc = term.start(bias);
      const row = (p.rho * s + q.rho) * x.bigC;
      p.offsets.forEach((i, u) => q.offsets.forEach((j, v) => (acc = term.add(acc, i, j, u * KV + v, row))));
      outs.push(g.reshape(term.end(acc, bias), [batch * blocks[0] * blocks[1], 1, x.bigC]));
    }
  }
  const joined = g.op('Concat', outs, { axis: { i: 1 } });
  const grid = [batch, blocks[0], blocks[1], s, s, x.bigC];
  let image = g.reshape(g.transpose(g.reshape(joined, grid), [0, 1, 3, 2, 4, 5]), [
    batch,
    s * blocks[0],
    s * blocks[1],
    x.bigC,
  ]);
  if (s * blocks[0] > H || s * blocks[1] > W) {
    image = g.op('Slice', [image, g.ints([0, 0]), g.ints([H, W]), g.ints([1, 2])]);
  }
  return g.nchw(image);
}

/**
 * The terms of phaseConvTranspose's sums, window (i, j) of the small image times the rows `row` of
 * tap t: one GEMM each, added up as the GEMMs' C (the bias the first C). For a thin big side those
 * GEMMs would each make a column or three: instead the small image times every tap's rows at once,
 * [N, a, b, taps · s²·C], padded, and each term a window of it, added.
 */
function transposeTerms(
  g: Graph,
  op: TapGeometry,
  x: Sides,
  small: string,
  w: string,
  batch: number,
  pad: { top: number; bottom: number; left: number; right: number },
  blocks: HW,
) {
  const depth = op.s[0] * op.s[0] * x.bigC;
  const thin = thinBigSide(op.s[0], x.bigC);
  let image = g.nhwc(small);
  if (thin) {
    const [KU, KV] = phaseTaps(op);
    const every = g.reshape(w, [KU * KV * depth, x.smallC]);
    const smallRows = rows(g, small, batch, x.smallHW, x.smallC);
    const products = g.op('Gemm', [smallRows, every], { transB: { i: 1 } });
    image = g.reshape(products, [batch, ...x.smallHW, KU * KV * depth]);
  }
  const padded = g.op('Pad', [image, g.ints([0, pad.top, pad.left, 0, 0, pad.bottom, pad.right, 0])]);
  // Window (i, j) of the padded image, channels [from, to) of it.
  const cut = (i: number, j: number, from: number, to: number) => {
    const [r, c] = [i + pad.top, j + pad.left];
    const starts = [r, c, from];
    const ends = [r + blocks[0], c + blocks[1], to];
    return g.reshape(g.op('Slice', [padded, g.ints(starts), g.ints(ends), g.ints([1, 2, 3])]), [
      batch * blocks[0] * blocks[1],
      to - from,
    ]);
  };
  if (thin) {
    return {
      start: (): string | undefined => undefined,
      add: (acc: string | undefined, i: number, j: number, t: number, row: number) => {
        const term = cut(i, j, t * depth + row, t * depth + row + x.bigC);
        return acc === undefined ? term : g.add(acc, term);
      },
      end: (acc: string | undefined, bias?: string) => (bias !== undefined ? g.add(acc!, bias) : acc!),
    };
  }
  return {
    start: (bias?: string) => bias,
    add: (acc: string | undefined, i: number, j: number, t: number, row: number) => {
      const tapRows = g.op('Slice', [w, g.ints([t, row]), g.ints([t + 1, row + x.bigC]), g.ints([0, 1])]);
      const window = g.memo(`window/${padded}/${i},${j}`, () => cut(i, j, 0, x.smallC));
      const tap = g.reshape(tapRows, [x.bigC, x.smallC]);
      return g.op('Gemm', [window, tap, ...(acc !== undefined ? [acc] : [])], { transB: { i: 1 } });
    },
    end: (acc: string | undefined) => acc!,
  };
}

/**
 * The weight gradient of a phased convolution in tap layout: dW_(u,v)[(p, q, c), o] =
 * Σ window_(u,v)[n·a·b, (p, q, c)] · small[n·a·b, o], one GEMM per tap over every example and position
 * (K = N·a·b), far better shaped for the CPU than a convolution with a dilated batch-sized kernel.
 */
export function tapFilterGrad(
  g: Graph,
  op: TapGeometry,
  x: Sides,
  big: string,
  small: string,
  batch: number,
) {
  const smallRows = rows(g, small, batch, x.smallHW, x.smallC);
  const windows = phases(g, op, x, big, batch);
  const depth = op.s[0] * op.s[0] * x.bigC;
  if (thinBigSide(op.s[0], x.bigC)) {
    const all = g.op('Gemm', [sideBySide(g, windows), smallRows], { transA: { i: 1 } });
    return g.reshape(all, [windows.length, depth, x.smallC]);
  }
  const taps = windows.map((window) => g.op('Gemm', [window, smallRows], { transA: { i: 1 } }));
  const all = taps.length === 1 ? taps[0]! : g.op('Concat', taps, { axis: { i: 0 } });
  return g.reshape(all, [taps.length, depth, x.smallC]);
}

/**
 * The same gradient in ONNX's kernel layout [o, c, kh, kw], for kernels kept that way: per tap
 * small-side rowsᵀ · window ([o, (p, q, c)]), the taps joined and put in place.
 */
export function phaseFilterGrad(
  g: Graph,
  op: TapGeometry,
  x: Sides,
  big: string,
  small: string,
  batch: number,
) {
  const s = op.s[0];
  const [KU, KV] = phaseTaps(op);
  const [a, b] = x.smallHW;
  // [C, N, H, W] rows, from the channels-last form where there is one.
  const channelsFirst = g.hasNhwc(small)
    ? g.transpose(g.nhwc(small), [3, 0, 1, 2])
    : g.transpose(small, [1, 0, 2, 3]);
  const smallT = g.reshape(channelsFirst, [x.smallC, batch * a * b]);
  const taps = phases(g, op, x, big, batch).map((window) => g.op('MatMul', [smallT, window]));
  const all = taps.length === 1 ? taps[0]! : g.op('Concat', taps, { axis: { i: 1 } });
  // [o, (u, v, p, q, c)] -> [o, c, (u, p), (v, q)]: kernel row i = u·s + p, column j = v·s + q.
  const split = g.reshape(all, [x.smallC, KU, KV, s, s, x.bigC]);
  return g.reshape(g.transpose(split, [0, 5, 1, 3, 2, 4]), [x.smallC, x.bigC, op.k[0], op.k[1]]);
}
