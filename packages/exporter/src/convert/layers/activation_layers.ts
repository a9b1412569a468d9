/** Advanced activation layers (each a layer of its own in Keras). */
import { attr } from '@ganforge/inference/onnx';
import { onnxAxis } from '../layout';
import { cfgNumber, type LayerConverter, type Value } from '../types';

export const LeakyReLU: LayerConverter = {
  className: 'LeakyReLU',
  convert(ctx, [input]) {
    const x = input as Value;
    const alpha = cfgNumber(ctx.config, 'alpha', 0.3);
    return { name: ctx.g.op('LeakyRelu', [x.name], ctx.base, { alpha: attr.f(alpha) }), nchw: x.nchw };
  },
};

export const ReLU: LayerConverter = {
  className: 'ReLU',
  convert(ctx, [input]) {
    const x = input as Value;
    const max = ctx.config.maxValue;
    if (typeof max !== 'number') return { name: ctx.g.op('Relu', [x.name], ctx.base), nchw: x.nchw };
    const lo = ctx.g.float(`${ctx.base}/min`, [0], []);
    const hi = ctx.g.float(`${ctx.base}/max`, [max], []);
    return { name: ctx.g.op('Clip', [x.name, lo, hi], ctx.base), nchw: x.nchw, range: [0, max] };
  },
};

export const ELU: LayerConverter = {
  className: 'ELU',
  convert(ctx, [input]) {
    const x = input as Value;
    const alpha = cfgNumber(ctx.config, 'alpha', 1);
    return { name: ctx.g.op('Elu', [x.name], ctx.base, { alpha: attr.f(alpha) }), nchw: x.nchw };
  },
};

export const Softmax: LayerConverter = {
  className: 'Softmax',
  convert(ctx, [input]) {
    const x = input as Value;
    const axis = onnxAxis(x, cfgNumber(ctx.config, 'axis', -1));
    return {
      name: ctx.g.op('Softmax', [x.name], ctx.base, { axis: attr.i(axis) }),
      nchw: x.nchw,
      range: [0, 1],
    };
  },
};

export const PReLU: LayerConverter = {
  className: 'PReLU',
  convert(ctx, [input]) {
    const x = input as Value;
    // alpha has the input's per-sample shape (ones on shared axes); an NCHW input needs it as [C, H, W].
    const alpha = x.nchw && x.shape.length === 4 ? ctx.weight('alpha', [2, 0, 1]) : ctx.weight('alpha');
    const slope = ctx.g.float(`${ctx.base}/alpha`, alpha.data, alpha.shape);
    return { name: ctx.g.op('PRelu', [x.name, slope], ctx.base), nchw: x.nchw };
  },
};

export const ThresholdedReLU: LayerConverter = {
  className: 'ThresholdedReLU',
  convert(ctx, [input]) {
    const x = input as Value;
    const theta = cfgNumber(ctx.config, 'theta', 1);
    return {
      name: ctx.g.op('ThresholdedRelu', [x.name], ctx.base, { alpha: attr.f(theta) }),
      nchw: x.nchw,
    };
  },
};
