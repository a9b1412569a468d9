/** Conv2D layers (channels-last, undilated): an ONNX Conv on NCHW images, or one GEMM per kernel tap. */
import {
  biasGrad,
  convForward,
  convInputGrad,
  filterGrad,
  runsOnTaps,
  tapLayout,
  type ConvParams,
} from '../conv-graph';
import { HWIO_TO_OIHW, tfPads, type HW } from '../conv-math';
import { exampleShape } from '../shape';
import { activationOf, activationOps } from './activation';
import { bind, pair, type CompiledOp, type LayerReader, type NetOp } from './op';

export interface Conv2dOp extends ConvParams {
  kind: 'conv';
}

/** Its input, for the kernel's gradient. */
interface Saved {
  x: string;
}

export const conv2d: CompiledOp<Conv2dOp, Saved> = {
  layers: ['Conv2D'],
  read(r) {
    const conv = readConv(r, false);
    return {
      ops: [bind(conv2d, { kind: 'conv', ...conv }), ...activationOps(activationOf(r, r.cfg.activation))],
      shape: [conv.cout, ...conv.outHW],
    };
  },
  forward(g, op, x, { w, batch }) {
    const y = convForward(g, op, x, w(op.kernel), batch, op.bias !== undefined ? w(op.bias) : undefined);
    return { y, saved: { x } };
  },
  backward(g, op, { x }, dy, ctx) {
    if (ctx.weights) {
      ctx.grads.set(op.kernel, filterGrad(g, op, x, dy, ctx.batch, false));
      if (op.bias !== undefined) ctx.grads.set(op.bias, biasGrad(g, op, dy, ctx.batch));
    }
    return ctx.needDx ? convInputGrad(g, op, dy, ctx.w(op.kernel), ctx.batch) : dy;
  },
  penalty: {
    // Its input gradient v = ConvT(u, W); for the adjoint a of v, ∂/∂W is the weight gradient of
    // the Conv of input a and output gradient u, and u's adjoint is Conv(a, W).
    pass(g, op, _saved, dy, ctx) {
      return {
        dx: convInputGrad(g, op, dy, ctx.w(op.kernel), ctx.batch),
        second(a) {
          ctx.grads.set(op.kernel, filterGrad(g, op, a, dy, ctx.batch, false));
          return convForward(g, op, a, ctx.w(op.kernel), ctx.batch);
        },
      };
    },
  },
};

/**
 * What Conv2D and Conv2DTranspose layers read alike: sizes, TF.js's padding as ONNX pads (a
 * transposed convolution pads like the forward convolution it is the gradient of) and the weights.
 */
export function readConv(r: LayerReader, transpose: boolean): ConvParams {
  const { shape, cfg } = r;
  const out = exampleShape(r.out);
  if (shape.length !== 3 || out?.length !== 3) return r.refuse('needs images');
  if (cfg.dataFormat !== 'channelsLast' || pair(cfg.dilationRate ?? 1).some((d) => d !== 1)) {
    r.refuse('only channels-last, undilated convolutions are compiled');
  }
  const k = pair(cfg.kernelSize);
  const s = pair(cfg.strides);
  const [cin, ...rest] = shape;
  const inHW: HW = rest;
  const outHW: HW = [out[0], out[1]];
  const cout = Number(cfg.filters);
  const padding = String(cfg.padding);
  const pads = transpose ? tfPads(padding, outHW, inHW, k, s) : tfPads(padding, inHW, outHW, k, s);
  // TF.js kernels: conv [kh, kw, in, out], transposed [kh, kw, out, in], both [kh, kw, big, small];
  // in the graphs the tap layout (conv-graph.ts), or ONNX's [out, in, kh, kw] for Conv and
  // [in, out, kh, kw] for ConvTranspose, both [small, big, kh, kw].
  const [big, small] = transpose ? [cout, cin] : [cin, cout];
  const taps = runsOnTaps({ k, s }, big, transpose ? inHW : outHW);
  const variable = r.weight('kernel');
  const tap = tapLayout({ k, s }, big, small);
  const kernel = taps
    ? r.slot(variable, tap.shape, tap.perm, tap.view)
    : r.slot(variable, [small, big, ...k], HWIO_TO_OIHW);
  const bias = cfg.useBias ? r.slot(r.weight('bias'), [cout]) : undefined;
  return { cin, cout, k, s, pads, inHW, outHW, kernel, taps, ...(bias !== undefined ? { bias } : {}) };
}

export const isConv2d = (op: NetOp): op is NetOp<Conv2dOp> => op.kind === 'conv';
