/** NHWC (TF.js) <-> NCHW (ONNX convolutions, graph output) bookkeeping for 4-D values. */
import { attr, type GraphBuilder } from '@ganforge/inference/onnx';
import type { Value } from './types';

export const NHWC_TO_NCHW = [0, 3, 1, 2];
export const NCHW_TO_NHWC = [0, 2, 3, 1];

/** Emits each layout change of a tensor at most once, however many layers consume it. */
export class Layouts {
  private readonly cache = new Map<string, string>();
  constructor(private readonly g: GraphBuilder) {}

  toNchw(v: Value): Value {
    if (v.shape.length !== 4 || v.nchw) return v;
    return { ...v, name: this.transpose(v.name, NHWC_TO_NCHW, 'nchw'), nchw: true };
  }

  toTf(v: Value): Value {
    if (!v.nchw) return v;
    return { ...v, name: this.transpose(v.name, NCHW_TO_NHWC, 'nhwc'), nchw: false };
  }

  private transpose(name: string, perm: number[], tag: string): string {
    const key = `${name}->${tag}`;
    let out = this.cache.get(key);
    if (!out) {
      out = this.g.op('Transpose', [name], `${name}_${tag}`, { perm: attr.ints(perm) });
      this.cache.set(key, out);
    }
    return out;
  }
}

/** Where TF.js axis `axis` (may be negative) of `v` lives in the ONNX tensor. */
export function onnxAxis(v: Value, axis: number): number {
  const rank = v.shape.length;
  const a = axis < 0 ? axis + rank : axis;
  if (!v.nchw) return a;
  return [0, 2, 3, 1][a] ?? a;
}
