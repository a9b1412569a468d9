/**
 * Rescaling layers: y = x · scale + offset, element-wise, with constant numbers (their gradient is
 * dy · scale). models/rdcgan80.ts maps the trainer's [-1, 1] pixels to and from the [0, 1] its
 * network works in with them.
 */
import { bind, type CompiledOp } from './op';

export interface RescalingOp {
  kind: 'rescale';
  scale: number;
  offset: number;
}

export const rescaling: CompiledOp<RescalingOp, undefined> = {
  layers: ['Rescaling'],
  read(r) {
    const { scale, offset } = r.cfg;
    if (typeof scale !== 'number' || typeof (offset ?? 0) !== 'number') {
      return r.refuse('only a rescaling by one number and one offset is compiled');
    }
    return { ops: [bind(rescaling, { kind: 'rescale', scale, offset: Number(offset ?? 0) })] };
  },
  forward: (g, op, x) => ({ y: g.add(g.scale(x, op.scale), g.scalar(op.offset)), saved: undefined }),
  backward: (g, op, _saved, dy, { needDx }) => (needDx ? g.scale(dy, op.scale) : dy),
  penalty: {
    pass: (g, op, _saved, dy) => ({ dx: g.scale(dy, op.scale), second: (a) => g.scale(a, op.scale) }),
  },
};
