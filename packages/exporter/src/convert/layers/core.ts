/** Core Keras layers: InputLayer, Dense, Activation, Reshape, Flatten and the inference-time identities. */
import { cfgNumber, cfgString, type LayerConverter, type Value } from '../types';

/** Graph inputs are bound before the walk; the layer itself emits nothing. */
export const InputLayer: LayerConverter = {
  className: 'InputLayer',
  convert: (_ctx, [x]) => x as Value,
};

export const Dense: LayerConverter = {
  className: 'Dense',
  convert(ctx, [input]) {
    // Dense multiplies the last TF.js axis, so 4-D inputs go back to NHWC first.
    const x = ctx.toTf(input as Value);
    const kernel = ctx.weight('kernel');
    const w = ctx.g.float(`${ctx.base}/kernel`, kernel.data, kernel.shape);
    const bias = ctx.hasWeight('bias') ? ctx.weight('bias') : undefined;
    const b = bias && ctx.g.float(`${ctx.base}/bias`, bias.data, bias.shape);
    let y: string;
    if (x.shape.length === 2) {
      // One Gemm (matmul + bias), which a following BatchNormalization folds into.
      y = ctx.g.op('Gemm', b ? [x.name, w, b] : [x.name, w], `${ctx.base}/gemm`);
    } else {
      // Gemm is 2-D only; Dense on [N, ..., D] multiplies the last axis.
      y = ctx.g.op('MatMul', [x.name, w], `${ctx.base}/matmul`);
      if (b) y = ctx.g.op('Add', [y, b], `${ctx.base}/bias_add`);
    }
    return ctx.activation(
      { name: y, nchw: false, shape: ctx.outputShape },
      cfgString(ctx.config, 'activation', 'linear'),
    );
  },
};

/** Rescaling: x · scale + offset, element by element (so in either layout); a known range moves with it. */
export const Rescaling: LayerConverter = {
  className: 'Rescaling',
  convert(ctx, [input]) {
    const x = input as Value;
    const scale = cfgNumber(ctx.config, 'scale', 1);
    const offset = cfgNumber(ctx.config, 'offset', 0);
    const mul = ctx.g.op('Mul', [x.name, ctx.g.float(`${ctx.base}/scale`, [scale], [])], `${ctx.base}/mul`);
    const y = ctx.g.op('Add', [mul, ctx.g.float(`${ctx.base}/offset`, [offset], [])], `${ctx.base}/add`);
    const ends = x.range?.map((v) => v * scale + offset);
    return {
      name: y,
      nchw: x.nchw,
      ...(ends ? { range: [Math.min(ends[0]!, ends[1]!), Math.max(ends[0]!, ends[1]!)] } : {}),
    };
  },
};

export const Activation: LayerConverter = {
  className: 'Activation',
  convert: (ctx, [x]) => ctx.activation(x as Value, cfgString(ctx.config, 'activation', 'linear')),
};

function identity(className: string): LayerConverter {
  return {
    className,
    convert(ctx, [input]) {
      const x = input as Value;
      return { name: ctx.g.op('Identity', [x.name], ctx.base), nchw: x.nchw, dtype: x.dtype, range: x.range };
    },
  };
}

/** Regularisers that do nothing at inference. */
export const Dropout = identity('Dropout');
export const SpatialDropout1D = identity('SpatialDropout1D');
export const GaussianNoise = identity('GaussianNoise');
export const GaussianDropout = identity('GaussianDropout');
export const AlphaDropout = identity('AlphaDropout');

export const Reshape: LayerConverter = {
  className: 'Reshape',
  convert(ctx, [input]) {
    // Reshape reorders elements in TF.js (row-major NHWC) order.
    const x = ctx.toTf(input as Value);
    const dims = ctx.outputShape.slice(1);
    if (dims.some((d) => d === null))
      ctx.unsupported(`output shape [${ctx.outputShape}] has unknown dimensions`);
    const shape = ctx.g.int64(`${ctx.base}/shape`, [-1, ...(dims as number[])]);
    return {
      name: ctx.g.op('Reshape', [x.name, shape], ctx.base),
      nchw: false,
      dtype: x.dtype,
      range: x.range,
    };
  },
};

export const Flatten: LayerConverter = {
  className: 'Flatten',
  convert(ctx, [input]) {
    const x = ctx.toTf(input as Value);
    return { name: ctx.g.op('Flatten', [x.name], ctx.base), nchw: false, dtype: x.dtype, range: x.range };
  },
};
