/** Layers that only move values around: Permute, RepeatVector, ZeroPadding2D, Cropping2D. */
import { attr } from '@ganforge/inference/onnx';
import { NCHW_TO_NHWC } from '../layout';
import { cfgString, type LayerContext, type LayerConverter, type Value } from '../types';

export const Permute: LayerConverter = {
  className: 'Permute',
  convert(ctx, [input]) {
    const x = input as Value;
    const dims = ctx.config.dims;
    if (!Array.isArray(dims) || dims.length !== x.shape.length - 1)
      ctx.unsupported(`dims ${JSON.stringify(dims)}`);
    const perm = [0, ...(dims as number[])];
    // An NCHW input is permuted straight from its ONNX layout: one Transpose instead of two.
    const onnxPerm = x.nchw ? perm.map((p) => NCHW_TO_NHWC[p] as number) : perm;
    return {
      name: ctx.g.op('Transpose', [x.name], ctx.base, { perm: attr.ints(onnxPerm) }),
      nchw: false,
      dtype: x.dtype,
      range: x.range,
    };
  },
};

export const RepeatVector: LayerConverter = {
  className: 'RepeatVector',
  convert(ctx, [input]) {
    const x = input as Value;
    const n = ctx.config.n;
    if (typeof n !== 'number') return ctx.unsupported('n must be a number');
    // [N, D] -> [N, 1, D] -> broadcast to [N, n, D].
    const unsq = ctx.g.op(
      'Unsqueeze',
      [x.name, ctx.g.int64(`${ctx.base}/axes`, [1])],
      `${ctx.base}/unsqueezed`,
    );
    const y = ctx.g.op('Expand', [unsq, ctx.g.int64(`${ctx.base}/shape`, [1, n, 1])], ctx.base);
    return { name: y, nchw: false, dtype: x.dtype, range: x.range };
  },
};

/** [[top, bottom], [left, right]] from a Keras padding/cropping config (int, [sym_h, sym_w] or pairs). */
function pairs(ctx: LayerContext, key: string): [[number, number], [number, number]] {
  const v = ctx.config[key];
  if (typeof v === 'number')
    return [
      [v, v],
      [v, v],
    ];
  if (Array.isArray(v) && v.length === 2) {
    const [h, w] = v as unknown[];
    if (typeof h === 'number' && typeof w === 'number')
      return [
        [h, h],
        [w, w],
      ];
    const ok = (p: unknown): p is [number, number] =>
      Array.isArray(p) && p.length === 2 && p.every((n) => typeof n === 'number');
    if (ok(h) && ok(w)) return [h, w];
  }
  return ctx.unsupported(`${key} ${JSON.stringify(v)}`);
}

function channelsLast(ctx: LayerContext): void {
  const format = cfgString(ctx.config, 'dataFormat', 'channelsLast');
  if (format !== 'channelsLast') ctx.unsupported(`dataFormat '${format}' (only channelsLast)`);
}

/** ONNX axes of height and width for a 4-D value in either layout. */
const hwAxes = (x: Value): [number, number] => (x.nchw ? [2, 3] : [1, 2]);

export const ZeroPadding2D: LayerConverter = {
  className: 'ZeroPadding2D',
  convert(ctx, [input]) {
    channelsLast(ctx);
    const x = input as Value;
    const [[top, bottom], [left, right]] = pairs(ctx, 'padding');
    const [ah, aw] = hwAxes(x);
    const pads = new Array<number>(8).fill(0);
    pads[ah] = top;
    pads[aw] = left;
    pads[4 + ah] = bottom;
    pads[4 + aw] = right;
    const y = ctx.g.op('Pad', [x.name, ctx.g.int64(`${ctx.base}/pads`, pads)], ctx.base, {
      mode: attr.s('constant'),
    });
    const range = x.range && ([Math.min(x.range[0], 0), Math.max(x.range[1], 0)] as [number, number]);
    return { name: y, nchw: x.nchw, range };
  },
};

export const Cropping2D: LayerConverter = {
  className: 'Cropping2D',
  convert(ctx, [input]) {
    channelsLast(ctx);
    const x = input as Value;
    const [[top, bottom], [left, right]] = pairs(ctx, 'cropping');
    const [, h, w] = x.shape;
    if (typeof h !== 'number' || typeof w !== 'number')
      return ctx.unsupported('input height and width must be known');
    const { g, base } = ctx;
    const y = g.op(
      'Slice',
      [
        x.name,
        g.int64(`${base}/starts`, [top, left]),
        g.int64(`${base}/ends`, [h - bottom, w - right]),
        g.int64(`${base}/axes`, hwAxes(x)),
      ],
      base,
    );
    return { name: y, nchw: x.nchw, range: x.range };
  },
};
