/** Advanced activation layers (each a layer of its own in Keras). */
import { attr } from '../graph';
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
