/** BatchNormalization in its inference form, folded into one Mul and one Add per channel. */
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
