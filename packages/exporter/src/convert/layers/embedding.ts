/** Embedding: the class-label lookup of conditional generators. */
import { attr } from '@ganforge/inference/onnx';
import type { LayerConverter, Value } from '../types';

const INT64 = 7;

export const Embedding: LayerConverter = {
  className: 'Embedding',
  convert(ctx, [input]) {
    const x = ctx.toTf(input as Value);
    // TF.js truncates float indices to integers; ONNX Cast float->int64 truncates the same way.
    const indices =
      x.dtype === 'int64' ? x.name : ctx.g.op('Cast', [x.name], `${ctx.base}/indices`, { to: attr.i(INT64) });
    const table = ctx.weight('embeddings');
    const y = ctx.g.op(
      'Gather',
      [ctx.g.float(`${ctx.base}/embeddings`, table.data, table.shape), indices],
      ctx.base,
      {
        axis: attr.i(0),
      },
    );
    return { name: y, nchw: false };
  },
};
