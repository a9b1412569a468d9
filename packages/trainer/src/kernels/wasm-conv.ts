/**
 * Backward convolutions for the wasm backend, re-expressed as forward convolutions so they run on
 * its XNNPACK Conv2D (the only fast convolution it has):
 *
 * - Conv2DBackpropFilter (absent from the wasm backend): dW[a,b,ci,co] = Σ x[n, a+s·i-pt, b+s·j-pl, ci]
 *   · dy[n,i,j,co] is a stride-1 convolution dilated by s, with the batch and channel axes of x
 *   swapped (ci becomes the batch, n the input channels) and dy as the filter.
 * - Conv2DBackpropInput (a naive loop in the wasm backend; also the forward pass of Conv2DTranspose):
 *   split into s² sub-pixel phases; output rows y ≡ p (mod s) only meet kernel taps a ≡ p+pt
 *   (mod s), so each phase is a stride-1 convolution of dy with that flipped sub-kernel, and no
 *   inserted zeros are multiplied. The phases are interleaved into dx.
 *
 * Both compute the same sums as the reference kernels (only the float summation order differs).
 */
import { backend_util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import { type Pad, type WasmBackend } from './wasm-backend';

interface BackpropAttrs {
  strides: [number, number] | number;
  pad: Pad;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

export interface WasmKernelSet {
  conv2d: KernelConfig;
  transpose: KernelConfig;
  slice: KernelConfig;
}

/** Calls other wasm kernels and frees every intermediate they make. */
class Scratch {
  private readonly temps: TensorInfo[] = [];
  constructor(
    readonly backend: WasmBackend,
    private readonly k: WasmKernelSet,
    private readonly rawBackend: unknown,
  ) {}

  private run(kernel: KernelConfig, inputs: Record<string, TensorInfo>, attrs: object): TensorInfo {
    const out = kernel.kernelFunc({
      inputs,
      attrs: attrs as never,
      backend: this.rawBackend as never,
    }) as TensorInfo;
    this.temps.push(out);
    return out;
  }

  make(shape: number[]): TensorInfo {
    const out = this.backend.makeOutput(shape, 'float32');
    this.temps.push(out);
    return out;
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run(this.k.transpose, { x }, { perm });
  }

  /** Rows [top, top+h) and columns [left, left+w) of an NHWC tensor. */
  crop(x: TensorInfo, top: number, h: number, left: number, w: number): TensorInfo {
    const [n, xh, xw, c] = x.shape as [number, number, number, number];
    if (top === 0 && left === 0 && h === xh && w === xw) return x;
    return this.run(this.k.slice, { x }, { begin: [0, top, left, 0], size: [n, h, w, c] });
  }

  /** Stride-1 NHWC convolution with explicit non-negative padding. */
  conv(
    x: TensorInfo,
    filter: TensorInfo,
    pads: [number, number, number, number],
    dilations: [number, number],
  ): TensorInfo {
    const [t, b, l, r] = pads;
    return this.run(
      this.k.conv2d,
      { x, filter },
      {
        strides: [1, 1],
        pad: [
          [0, 0],
          [t, b],
          [l, r],
          [0, 0],
        ],
        dilations,
        dataFormat: 'NHWC',
      },
    );
  }

  /** Frees every intermediate except `keep`. */
  release(keep?: TensorInfo): void {
    for (const t of this.temps) if (t !== keep) this.backend.disposeData(t.dataId);
    this.temps.length = 0;
  }
}

function pair(v: [number, number] | number): [number, number] {
  return typeof v === 'number' ? [v, v] : v;
}

function requireNhwc(name: string, format: string | undefined): void {
  if (format !== undefined && format !== 'NHWC') {
    throw new Error(`GANForge's wasm ${name} supports dataFormat 'NHWC' only, got '${format}'`);
  }
}

/** Rows of x at offsets start..end (inclusive) as [crop top, kept rows, pad before, pad after]. */
function window1d(start: number, end: number, size: number): [number, number, number, number] {
  const top = Math.max(0, start);
  const last = Math.min(size - 1, end);
  return [top, last - top + 1, Math.max(0, -start), Math.max(0, end - (size - 1))];
}

export function conv2dBackpropFilterWasm(k: WasmKernelSet): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
    const attrs = args.attrs as unknown as BackpropAttrs & { filterShape: number[] };
    requireNhwc('Conv2DBackpropFilter', attrs.dataFormat);
    const [kh, kw, ci, co] = attrs.filterShape as [number, number, number, number];
    const [sh, sw] = pair(attrs.strides);
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      attrs.filterShape as [number, number, number, number],
      [sh, sw],
      1,
      attrs.pad,
      attrs.dimRoundingMode,
    );
    const [, ho, wo] = dy.shape as [number, number, number, number];
    const [, xh, xw] = x.shape as [number, number, number, number];
    const s = new Scratch(args.backend as unknown as WasmBackend, k, args.backend);
    try {
      // Tap a reads x rows a - pt + s·i, i < ho: the window over all taps is [-pt, kh-1-pt+s·(ho-1)].
      const [rt, rh, pt, pb] = window1d(-info.padInfo.top, kh - 1 - info.padInfo.top + sh * (ho - 1), xh);
      const [cl, cw, pl, pr] = window1d(-info.padInfo.left, kw - 1 - info.padInfo.left + sw * (wo - 1), xw);
      if (rh <= 0 || cw <= 0) {
        const zero = s.make([kh, kw, ci, co]);
        s.backend.typedArrayFromHeap(zero).fill(0);
        s.release(zero);
        return zero;
      }
      const xs = s.transpose(s.crop(x, rt, rh, cl, cw), [3, 1, 2, 0]); // [ci, h, w, n]
      const f = s.transpose(dy, [1, 2, 0, 3]); // [ho, wo, n, co]
      const out = s.conv(xs, f, [pt, pb, pl, pr], [sh, sw]); // [ci, kh, kw, co]
      const dw = s.transpose(out, [1, 2, 0, 3]);
      s.release(dw);
      return dw;
    } catch (e) {
      s.release();
      throw e;
    }
  };
  return { kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc };
}

export function conv2dBackpropInputWasm(k: WasmKernelSet): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const attrs = args.attrs as unknown as BackpropAttrs & { inputShape: number[] };
    requireNhwc('Conv2DBackpropInput', attrs.dataFormat);
    const [n, h, w, ci] = attrs.inputShape as [number, number, number, number];
    const [kh, kw, , co] = filter.shape as [number, number, number, number];
    const [sh, sw] = pair(attrs.strides);
    const info = backend_util.computeConv2DInfo(
      attrs.inputShape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      [sh, sw],
      1,
      attrs.pad,
      attrs.dimRoundingMode,
    );
    const [, ho, wo] = dy.shape as [number, number, number, number];
    const s = new Scratch(args.backend as unknown as WasmBackend, k, args.backend);
    try {
      const dx = s.make([n, h, w, ci]);
      let filled = 0;
      const phases: { py: number; px: number; out: TensorInfo; uh: number; uw: number }[] = [];
      for (let py = 0; py < sh; py++) {
        for (let px = 0; px < sw; px++) {
          const uh = Math.ceil((h - py) / sh);
          const uw = Math.ceil((w - px) / sw);
          const ry = (py + info.padInfo.top) % sh;
          const rx = (px + info.padInfo.left) % sw;
          const my = Math.max(0, Math.ceil((kh - ry) / sh));
          const mx = Math.max(0, Math.ceil((kw - rx) / sw));
          if (uh <= 0 || uw <= 0 || my === 0 || mx === 0) continue;
          const qy = Math.floor((py + info.padInfo.top) / sh);
          const qx = Math.floor((px + info.padInfo.left) / sw);
          // dy rows qy-(my-1) .. qy+uh-1 feed this phase's uh output rows.
          const [rt, rh, pt, pb] = window1d(qy - (my - 1), qy + uh - 1, ho);
          const [cl, cw, pl, pr] = window1d(qx - (mx - 1), qx + uw - 1, wo);
          if (rh <= 0 || cw <= 0) continue;
          // Flipped sub-kernel, in/out channels swapped: sub[m][j][co][ci] = W[ry+s(my-1-m)][rx+s(mx-1-j)][ci][co].
          const sub = s.make([my, mx, co, ci]);
          const sv = s.backend.typedArrayFromHeap(sub) as Float32Array;
          const fv = s.backend.typedArrayFromHeap(filter) as Float32Array;
          for (let m = 0; m < my; m++) {
            const a = ry + sh * (my - 1 - m);
            for (let j = 0; j < mx; j++) {
              const b = rx + sw * (mx - 1 - j);
              const inBase = (a * kw + b) * ci * co;
              const outBase = (m * mx + j) * co * ci;
              for (let c = 0; c < ci; c++)
                for (let o = 0; o < co; o++) sv[outBase + o * ci + c] = fv[inBase + c * co + o]!;
            }
          }
          const out = s.conv(s.crop(dy, rt, rh, cl, cw), sub, [pt, pb, pl, pr], [1, 1]);
          phases.push({ py, px, out, uh, uw });
          filled += uh * uw;
        }
      }
      // One phase covering dx is dx itself (stride 1).
      if (sh === 1 && sw === 1 && phases.length === 1) {
        const only = phases[0]!.out;
        s.release(only);
        return only;
      }
      const dv = s.backend.typedArrayFromHeap(dx) as Float32Array;
      if (filled < h * w) dv.fill(0);
      for (const { py, px, out, uh, uw } of phases) {
        const pv = s.backend.typedArrayFromHeap(out) as Float32Array;
        for (let b = 0; b < n; b++) {
          for (let u = 0; u < uh; u++) {
            const rowIn = (b * uh + u) * uw * ci;
            const rowOut = ((b * h + py + sh * u) * w + px) * ci;
            for (let v = 0; v < uw; v++) {
              const src = rowIn + v * ci;
              const dst = rowOut + v * sw * ci;
              for (let c = 0; c < ci; c++) dv[dst + c] = pv[src + c]!;
            }
          }
        }
      }
      s.release(dx);
      return dx;
    } catch (e) {
      s.release();
      throw e;
    }
  };
  return { kernelName: 'Conv2DBackpropInput', backendName: 'wasm', kernelFunc };
}

/**
 * The wasm Conv2D / FusedConv2D hand 'same' padding to XNNPACK as a flag, which gives wrong results
 * for strided non-square kernels (measured: k3x1, stride 3 on 8x12). Explicit pads from TF.js's own
 * arithmetic are exact, so 'same' is rewritten into them.
 */
export function withExplicitSamePadding(original: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const attrs = args.attrs as unknown as BackpropAttrs & { dilations?: [number, number] | number };
    if (attrs.pad !== 'same') return original.kernelFunc(args);
    const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
    requireNhwc(original.kernelName, attrs.dataFormat);
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      attrs.strides,
      attrs.dilations ?? 1,
      'same',
      attrs.dimRoundingMode,
    );
    const { top, bottom, left, right } = info.padInfo;
    const pad: backend_util.ExplicitPadding = [
      [0, 0],
      [top, bottom],
      [left, right],
      [0, 0],
    ];
    return original.kernelFunc({ ...args, attrs: { ...args.attrs, pad } as never });
  };
  return { ...original, kernelFunc };
}
