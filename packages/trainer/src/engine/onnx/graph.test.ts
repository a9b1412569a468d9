import { decodeModel } from '@ganforge/inference/onnx';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { Graph } from './graph';

const opTypes = (bytes: Uint8Array) => decodeModel(bytes).graph!.node!.map((n) => n.opType);

async function run(
  bytes: Uint8Array,
  feeds: Record<string, ort.Tensor>,
  output: string,
): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const out = await session.run(feeds);
    return out[output]!.data as Float32Array;
  } finally {
    await session.release();
  }
}

describe('Graph', () => {
  it('drops the nodes and constants no output reads', async () => {
    const g = new Graph('prune');
    const a = g.input('a', [2, 3]);
    g.transpose(g.mul(a, g.scalar(7)), [1, 0]);
    g.output(g.add(a, a), 'out', [2, 3]);
    const bytes = g.encode();
    expect(g.pruned).toBe(2);
    expect(opTypes(bytes)).toEqual(['Add']);
    expect(decodeModel(bytes).graph!.initializer ?? []).toEqual([]);
    const x = Float32Array.from([1, 2, 3, 4, 5, 6]);
    expect(Array.from(await run(bytes, { a: new ort.Tensor('float32', x, [2, 3]) }, 'out'))).toEqual([
      2, 4, 6, 8, 10, 12,
    ]);
  });

  it('reads an image channels-last through its recorded form, transposing once otherwise', async () => {
    const g = new Graph('layouts');
    const last = g.input('last', [1, 2, 2, 3]);
    const first = g.nchw(last);
    expect(g.hasNhwc(first)).toBe(true);
    expect(g.nhwc(first)).toBe(last);
    const plain = g.input('plain', [1, 3, 2, 2]);
    expect(g.hasNhwc(plain)).toBe(false);
    const made = g.nhwc(plain);
    expect(g.nhwc(plain)).toBe(made);
    g.output(g.add(first, plain), 'sum', [1, 3, 2, 2]);
    g.output(made, 'plainLast', [1, 2, 2, 3]);
    const bytes = g.encode();
    expect(opTypes(bytes).filter((t) => t === 'Transpose')).toHaveLength(2);
    // NHWC [1, 2, 2, 3] with value 10·channel + position; NCHW the same values, channel-major.
    const nhwc = Float32Array.from({ length: 12 }, (_, i) => 10 * (i % 3) + Math.floor(i / 3));
    const nchw = Float32Array.from({ length: 12 }, (_, i) => 10 * Math.floor(i / 4) + (i % 4));
    const feeds = {
      last: new ort.Tensor('float32', nhwc, [1, 2, 2, 3]),
      plain: new ort.Tensor('float32', nchw, [1, 3, 2, 2]),
    };
    expect(Array.from(await run(bytes, feeds, 'sum'))).toEqual(Array.from(nchw, (v) => 2 * v));
    expect(Array.from(await run(bytes, feeds, 'plainLast'))).toEqual(Array.from(nhwc));
  });
});
