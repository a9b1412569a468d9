/** BatchNormalization in its inference form (one Mul and one Add per channel) and LayerNormalization. */
import { attr } from '@ganforge/inference/onnx';
import { onnxAxis } from '../layout';
import { cfgBool, cfgNumber, type LayerConverter, type Value } from '../types';

export const BatchNormalization: LayerConverter = {
  className: 'BatchNormalization',
  convert(ctx, [input]) {
    const x = input as Value;
    const rank = x.shape.length;
    const axis = cfgNumber(ctx.config, 'axis', -1);
    if (axis !== -1 && axis !== rank - 1)
      ctx.unsupported(`axis ${axis} (only the last, channel axis is supported)`);
    const eps = cfgNumber(ctx.config, 'epsilon', 1e-3);
    const mean = ctx.weight('moving_mean').data;
    const variance = ctx.weight('moving_variance').data;
    const channels = mean.length;
    const gamma = cfgBool(ctx.config, 'scale', true)
      ? ctx.weight('gamma').data
      : new Float32Array(channels).fill(1);
    const beta = cfgBool(ctx.config, 'center', true) ? ctx.weight('beta').data : new Float32Array(channels);
    // y = (x - mean) * gamma / sqrt(var + eps) + beta = x * scale + shift, computed in float64.
    const scale = new Float32Array(channels);
    const shift = new Float32Array(channels);
    for (let c = 0; c < channels; c++) {
      const s = (gamma[c] as number) / Math.sqrt((variance[c] as number) + eps);
      scale[c] = s;
      shift[c] = (beta[c] as number) - (mean[c] as number) * s;
    }
    // Broadcast shape: channels on the ONNX channel axis, ones after it.
    const trailing = rank - 1 - onnxAxis(x, -1);
    const dims = [channels, ...new Array<number>(trailing).fill(1)];
    const mul = ctx.g.op('Mul', [x.name, ctx.g.float(`${ctx.base}/scale`, scale, dims)], `${ctx.base}/mul`);
    const add = ctx.g.op('Add', [mul, ctx.g.float(`${ctx.base}/shift`, shift, dims)], ctx.base);
    return { name: add, nchw: x.nchw };
  },
};

export const LayerNormalization: LayerConverter = {
  className: 'LayerNormalization',
  convert(ctx, [input]) {
    let x = input as Value;
    const rank = x.shape.length;
    const raw = ctx.config.axis;
    const tfAxes = (Array.isArray(raw) ? raw : [typeof raw === 'number' ? raw : -1]).map((a) =>
      typeof a === 'number' ? (a < 0 ? a + rank : a) : NaN,
    );
    if (tfAxes.some((a) => !Number.isInteger(a) || a < 1 || a >= rank))
      ctx.unsupported(`axis ${JSON.stringify(raw)} (normalized axes must be non-batch axes)`);
    const axes = [...new Set(tfAxes)].sort((a, b) => a - b);
    // Normalizing the channels of an NCHW tensor stays NCHW; any other axes are taken in TF.js order.
    if (x.nchw && !(axes.length === 1 && axes[0] === rank - 1)) x = ctx.toTf(x);
    const onnxAxes = axes.map((a) => onnxAxis(x, a));
    const eps = cfgNumber(ctx.config, 'epsilon', 1e-3);
    const { g, base } = ctx;
    // The parameters broadcast over the ONNX tensor: their dims on the normalized axes, ones elsewhere.
    const paramDims = (): number[] => {
      const onnxShape = x.nchw ? [x.shape[0], x.shape[3], x.shape[1], x.shape[2]] : x.shape;
      return onnxShape.slice(1).map((d, i) => (onnxAxes.includes(i + 1) ? (d as number) : 1));
    };
    if (axes.some((a) => typeof x.shape[a] !== 'number'))
      ctx.unsupported('normalized axes must have known sizes');
    // TF.js: (x - mean) / sqrt(variance + eps) * gamma + beta, with the population variance.
    const mean = g.op('ReduceMean', [x.name], `${base}/mean`, {
      axes: attr.ints(onnxAxes),
      keepdims: attr.i(1),
    });
    const centered = g.op('Sub', [x.name, mean], `${base}/centered`);
    const variance = g.op(
      'ReduceMean',
      [g.op('Mul', [centered, centered], `${base}/squared`)],
      `${base}/variance`,
      {
        axes: attr.ints(onnxAxes),
        keepdims: attr.i(1),
      },
    );
    const std = g.op(
      'Sqrt',
      [g.op('Add', [variance, g.float(`${base}/epsilon`, [eps], [])], `${base}/var_eps`)],
      `${base}/std`,
    );
    let y = g.op('Div', [centered, std], `${base}/normalized`);
    if (cfgBool(ctx.config, 'scale', true)) {
      const gamma = ctx.weight('gamma');
      y = g.op('Mul', [y, g.float(`${base}/gamma`, gamma.data, paramDims())], `${base}/scaled`);
    }
    if (cfgBool(ctx.config, 'center', true)) {
      const beta = ctx.weight('beta');
      y = g.op('Add', [y, g.float(`${base}/beta`, beta.data, paramDims())], `${base}/shifted`);
    }
    return { name: y, nchw: x.nchw };
  },
};
