/** Convolution-family layers. ONNX convolutions are NCHW, so inputs are moved to NCHW once and stay there. */
import { attr, type AttrValue } from '@ganforge/inference/onnx';
import {
  cfgBool,
  cfgNumbers,
  cfgString,
  type LayerContext,
  type LayerConverter,
  type Out,
  type Value,
} from '../types';

function spatial(ctx: LayerContext, x: Value): [number, number] {
  const [, h, w] = x.shape;
  if (typeof h !== 'number' || typeof w !== 'number') ctx.unsupported('input height and width must be known');
  return [h, w];
}

function channelsLast(ctx: LayerContext): void {
  const format = cfgString(ctx.config, 'dataFormat', 'channelsLast');
  if (format !== 'channelsLast') ctx.unsupported(`dataFormat '${format}' (only channelsLast)`);
}

/** The settings Conv2D, Conv2DTranspose and DepthwiseConv2D share, checked once. */
function geometry(ctx: LayerContext) {
  const kernel = cfgNumbers(ctx.config, 'kernelSize', [1, 1]) as [number, number];
  const strides = cfgNumbers(ctx.config, 'strides', [1, 1]) as [number, number];
  const dilations = cfgNumbers(ctx.config, 'dilationRate', [1, 1]) as [number, number];
  const padding = cfgString(ctx.config, 'padding', 'valid');
  if (padding !== 'valid' && padding !== 'same') ctx.unsupported(`padding '${padding}'`);
  return { kernel, strides, dilations, padding: padding as 'valid' | 'same' };
}

/** ONNX pads [top, left, bottom, right] for a forward convolution in TF's 'valid' or 'same' mode. */
function samePads(
  ctx: LayerContext,
  x: Value,
  kernel: number[],
  strides: number[],
  dilations: number[],
  padding: string,
): number[] {
  const pads = [0, 0, 0, 0];
  if (padding !== 'same') return pads;
  // TF 'same': output ceil(in / stride); the odd pixel of padding goes at the end.
  spatial(ctx, x).forEach((size, i) => {
    const k = ((kernel[i] as number) - 1) * (dilations[i] as number) + 1;
    const s = strides[i] as number;
    const total = Math.max((Math.ceil(size / s) - 1) * s + k - size, 0);
    pads[i] = Math.floor(total / 2);
    pads[i + 2] = total - Math.floor(total / 2);
  });
  return pads;
}

/** Adds the bias and activation shared by Conv2D and Conv2DTranspose. */
function finish(
  ctx: LayerContext,
  x: Value,
  weightPerm: number[],
  opType: string,
  attrs: Parameters<typeof ctx.g.op>[3],
): Out {
  const kernel = ctx.weight('kernel', weightPerm);
  const inputs = [x.name, ctx.g.float(`${ctx.base}/kernel`, kernel.data, kernel.shape)];
  if (cfgBool(ctx.config, 'useBias', true) && ctx.hasWeight('bias')) {
    const bias = ctx.weight('bias');
    inputs.push(ctx.g.float(`${ctx.base}/bias`, bias.data, bias.shape));
  }
  const y = ctx.g.op(opType, inputs, `${ctx.base}/${opType.toLowerCase()}`, attrs);
  return ctx.activation(
    { name: y, nchw: true, shape: ctx.outputShape },
    cfgString(ctx.config, 'activation', 'linear'),
  );
}

export const Conv2D: LayerConverter = {
  className: 'Conv2D',
  convert(ctx, [input]) {
    channelsLast(ctx);
    const x = ctx.toNchw(input as Value);
    const { kernel, strides, dilations, padding } = geometry(ctx);
    const [kh, kw] = kernel;
    // TF kernel [kh, kw, in, out] -> ONNX [out, in, kh, kw].
    return finish(ctx, x, [3, 2, 0, 1], 'Conv', {
      kernel_shape: attr.ints([kh, kw]),
      strides: attr.ints(strides),
      dilations: attr.ints(dilations),
      pads: attr.ints(samePads(ctx, x, [kh, kw], strides, dilations, padding)),
    });
  },
};

export const Conv2DTranspose: LayerConverter = {
  className: 'Conv2DTranspose',
  convert(ctx, [input]) {
    channelsLast(ctx);
    const x = ctx.toNchw(input as Value);
    const { kernel: kernelSize, strides, padding } = geometry(ctx);
    const [, outH, outW] = ctx.outputShape;
    if (typeof outH !== 'number' || typeof outW !== 'number')
      ctx.unsupported('output height and width must be known');
    const pads = [0, 0, 0, 0];
    const outputPadding = [0, 0];
    spatial(ctx, x).forEach((size, i) => {
      const k = kernelSize[i] as number;
      const s = strides[i] as number;
      const out = [outH, outW][i] as number;
      // TF.js computes the transpose as the gradient of a forward conv from `out` to `size`; that conv's
      // 'same' padding is the crop here. Whatever is still missing comes from output_padding.
      const total = padding === 'same' ? Math.max((size - 1) * s + k - out, 0) : 0;
      pads[i] = Math.floor(total / 2);
      pads[i + 2] = total - Math.floor(total / 2);
      outputPadding[i] = out - (s * (size - 1) + k) + total;
    });
    // TF kernel [kh, kw, out, in] -> ONNX [in, out, kh, kw].
    return finish(ctx, x, [3, 2, 0, 1], 'ConvTranspose', {
      kernel_shape: attr.ints(kernelSize),
      strides: attr.ints(strides),
      pads: attr.ints(pads),
      output_padding: attr.ints(outputPadding),
    });
  },
};

export const UpSampling2D: LayerConverter = {
  className: 'UpSampling2D',
  convert(ctx, [input]) {
    channelsLast(ctx);
    const x = ctx.toNchw(input as Value);
    const [sh, sw] = cfgNumbers(ctx.config, 'size', [2, 2]) as [number, number];
    const interpolation = cfgString(ctx.config, 'interpolation', 'nearest');
    // TF.js resizes with alignCorners = halfPixelCenters = false: ONNX's 'asymmetric' transform.
    const attrs: Record<string, AttrValue> =
      interpolation === 'nearest'
        ? {
            mode: attr.s('nearest'),
            coordinate_transformation_mode: attr.s('asymmetric'),
            nearest_mode: attr.s('floor'),
          }
        : interpolation === 'bilinear'
          ? { mode: attr.s('linear'), coordinate_transformation_mode: attr.s('asymmetric') }
          : ctx.unsupported(`interpolation '${interpolation}'`);
    const scales = ctx.g.float(`${ctx.base}/scales`, [1, 1, sh, sw], [4]);
    return { name: ctx.g.op('Resize', [x.name, '', scales], ctx.base, attrs), nchw: true, range: x.range };
  },
};

export const DepthwiseConv2D: LayerConverter = {
  className: 'DepthwiseConv2D',
  convert(ctx, [input]) {
    channelsLast(ctx);
    const x = ctx.toNchw(input as Value);
    const { kernel: kernelSize, strides, dilations, padding } = geometry(ctx);
    const [kh, kw] = kernelSize;
    const channels = x.shape[3];
    if (typeof channels !== 'number') return ctx.unsupported('input channels must be known');
    // TF kernel [kh, kw, in, multiplier]; output channel c*multiplier+m is input c times kernel[.., c, m],
    // which is ONNX's grouped Conv (group = in) with the kernel as [in*multiplier, 1, kh, kw].
    const kernel = ctx.weight('depthwise_kernel', [2, 3, 0, 1]);
    const [inC, mult] = kernel.shape as [number, number];
    const inputs = [x.name, ctx.g.float(`${ctx.base}/kernel`, kernel.data, [inC * mult, 1, kh, kw])];
    if (cfgBool(ctx.config, 'useBias', true) && ctx.hasWeight('bias')) {
      const bias = ctx.weight('bias');
      inputs.push(ctx.g.float(`${ctx.base}/bias`, bias.data, bias.shape));
    }
    const y = ctx.g.op('Conv', inputs, `${ctx.base}/conv`, {
      kernel_shape: attr.ints([kh, kw]),
      strides: attr.ints(strides),
      dilations: attr.ints(dilations),
      pads: attr.ints(samePads(ctx, x, [kh, kw], strides, dilations, padding)),
      group: attr.i(channels),
    });
    return ctx.activation(
      { name: y, nchw: true, shape: ctx.outputShape },
      cfgString(ctx.config, 'activation', 'linear'),
    );
  },
};
