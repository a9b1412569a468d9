/**
 * Conv2DTranspose layers: onnxruntime's ConvTranspose, or one GEMM per kernel tap on small images
 * (conv-graph.ts); its input gradient is the Conv with the same weights.
 */
import {
  biasGrad,
  convTransposeForward,
  convTransposeInputGrad,
  filterGrad,
  type ConvParams,
} from '../conv-graph';
import { outputPadding, type HW } from '../conv-math';
import { activationOf, activationOps } from './activation';
import { readConv } from './conv2d';
import { bind, type CompiledOp, type NetOp } from './op';

export interface Conv2dTransposeOp extends ConvParams {
  kind: 'convT';
  /** ConvTranspose's output padding: the rows its natural size s·(in − 1) + k − pads falls short. */
  outPad: HW;
}

/** Its input, for the kernel's gradient. */
interface Saved {
  x: string;
}

export const conv2dTranspose: CompiledOp<Conv2dTransposeOp, Saved> = {
  layers: ['Conv2DTranspose'],
  read(r) {
    const conv = readConv(r, true);
    const outPad = outputPadding(conv.inHW, conv.outHW, conv.k, conv.s, conv.pads);
    if (outPad[0] < 0 || outPad[0] >= conv.s[0] || outPad[1] < 0 || outPad[1] >= conv.s[1]) {
      r.refuse("this transposed convolution's padding is not compiled");
    }
    return {
      ops: [
        bind(conv2dTranspose, { kind: 'convT', outPad, ...conv }),
        ...activationOps(activationOf(r, r.cfg.activation)),
      ],
      shape: [conv.cout, ...conv.outHW],
    };
  },
  forward(g, op, x, { w, batch }) {
    const bias = op.bias !== undefined ? w(op.bias) : undefined;
    return { y: convTransposeForward(g, op, x, w(op.kernel), batch, bias), saved: { x } };
  },
  backward(g, op, { x }, dy, ctx) {
    if (ctx.weights) {
      ctx.grads.set(op.kernel, filterGrad(g, op, x, dy, ctx.batch, true));
      if (op.bias !== undefined) ctx.grads.set(op.bias, biasGrad(g, op, dy, ctx.batch));
    }
    return ctx.needDx ? convTransposeInputGrad(g, op, dy, ctx.w(op.kernel), ctx.batch) : dy;
  },
};

export const isConv2dTranspose = (op: NetOp): op is NetOp<Conv2dTransposeOp> => op.kind === 'convT';
