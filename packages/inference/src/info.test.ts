import { describe, expect, it } from 'vitest';
import { DataType, decodeModel } from './onnx';
import type { ValueInfo } from './onnx';
import { describeModel, NeedsProbe } from './info';
import { ModelInfoError } from './errors';
import {
  build,
  floatTensor,
  int64Tensor,
  node,
  rgbModel,
  torchModel,
  value,
  weights,
} from './testing/models';

const F = DataType.FLOAT;

/** z [N,16] -> Reshape to the given output shape, with optional metadata and extra inputs. */
function reshapeModel(
  outShape: (number | string)[],
  metadata: Record<string, string> = {},
  extra: ValueInfo[] = [],
) {
  return decodeModel(
    build({
      inputs: [value('z', F, ['N', 16]), ...extra],
      output: value('out', F, outShape),
      nodes: [node('Reshape', ['z', 'shape'], ['out'])],
      initializers: [
        int64Tensor(
          'shape',
          outShape.map((d) => (typeof d === 'number' ? d : -1)),
        ),
      ],
      metadata,
    }),
  );
}

describe('describeModel', () => {
  it('records where every field came from', () => {
    const { info } = describeModel(decodeModel(torchModel().bytes), { classNames: ['a', 'b'] });
    expect(info.sources).toEqual({
      latentShape: 'graph',
      latentDim: 'graph',
      kind: 'graph',
      image: 'graph',
      layout: 'graph',
      outputRange: 'graph',
      classNames: 'option',
    });
  });

  it('lets options override the metadata', () => {
    const { info } = describeModel(decodeModel(rgbModel().bytes), { outputRange: [0, 1] });
    expect(info.outputRange).toEqual([0, 1]);
    expect(info.sources.outputRange).toBe('option');
  });

  it('asks for the layout when either axis could hold the channels', () => {
    // [N,3,4,3] holds more values than the 16-d latent reshapes to; only the run would notice.
    const model = reshapeModel(['N', 3, 4, 3]);
    expect(() => describeModel(model)).toThrow(
      /cannot tell the channel axis .*pass layout: 'NCHW' or 'NHWC'/,
    );
    expect(describeModel(model, { layout: 'NHWC' }).info.image).toEqual({
      height: 3,
      width: 4,
      channels: 3,
      layout: 'NHWC',
    });
  });

  it('reads a greyscale [N,H,W] output as one channel', () => {
    expect(describeModel(reshapeModel(['N', 4, 4])).info.image).toEqual({
      height: 4,
      width: 4,
      channels: 1,
      layout: 'NHWC',
    });
  });

  it('uses the metadata output shape for a flat output', () => {
    const model = reshapeModel(['N', 16], { 'ganforge.output_shape': '4,4,1', 'ganforge.layout': 'flat' });
    expect(describeModel(model).info.image).toEqual({ height: 4, width: 4, channels: 1, layout: 'flat' });
    expect(describeModel(model).info.sources.image).toBe('metadata');
  });

  it('asks for a probe run for a symbolic output, and reads the shape that run gives', () => {
    const model = reshapeModel(['N', 'c', 'h', 'w']);
    expect(() => describeModel(model)).toThrow(NeedsProbe);
    expect(() => describeModel(model)).toThrow(/\[N,c,h,w\] has symbolic sizes/);
    const probed = describeModel(model, {}, [1, 4, 4]).info;
    expect(probed.image).toMatchObject({ channels: 1, height: 4, width: 4, layout: 'NCHW' });
    expect(probed.sources).toMatchObject({ outputShape: 'probe', image: 'probe' });
    expect(() => describeModel(model, {}, [16])).toThrow(/came out as \[1,16\] at batch 1: pass outputShape/);
    expect(
      describeModel(reshapeModel(['N', 'c', 'h', 'w']), { outputShape: [1, 4, 4] }).info.image,
    ).toMatchObject({
      channels: 1,
      layout: 'NCHW',
    });
  });

  it('rejects malformed or contradicting metadata, naming the key', () => {
    expect(() => describeModel(reshapeModel(['N', 1, 4, 4], { 'ganforge.kind': 'audio' }))).toThrow(
      /metadata ganforge.kind="audio" is not 'image' or 'points'/,
    );
    expect(() => describeModel(reshapeModel(['N', 1, 4, 4], { 'ganforge.latent_dim': '100' }))).toThrow(
      /ganforge.latent_dim=100 contradicts latent input 'z' \[N,16\]/,
    );
    expect(() => describeModel(reshapeModel(['N', 1, 4, 4], { 'ganforge.class_names': 'cat,dog' }))).toThrow(
      /ganforge.class_names="cat,dog" is not a JSON array of strings/,
    );
    expect(() => describeModel(reshapeModel(['N', 1, 4, 4], { 'ganforge.output_range': '1,-1' }))).toThrow(
      ModelInfoError,
    );
  });

  it('rejects inputs it cannot feed', () => {
    const twoFloats = reshapeModel(['N', 1, 4, 4], {}, [value('y', F, ['N', 3])]);
    expect(() => describeModel(twoFloats)).toThrow(
      /unsupported generator inputs \(z \[N,16\], y \[N,3\]\): expected one float32 latent input and optionally one int64 label input/,
    );
  });

  it('ignores initializers listed as graph inputs (older exporters)', () => {
    const w = weights(1, 4);
    const model = decodeModel(
      build({
        inputs: [value('z', F, ['N', 2]), value('W', F, [2, 2])],
        output: value('points', F, ['N', 2]),
        nodes: [node('MatMul', ['z', 'W'], ['points'])],
        initializers: [floatTensor('W', [2, 2], w)],
      }),
    );
    expect(describeModel(model).info).toMatchObject({ kind: 'points', inputName: 'z', pointDims: 2 });
  });

  it('notes a fixed batch size', () => {
    expect(describeModel(decodeModel(rgbModel(4).bytes)).fixedBatch).toBe(4);
    expect(describeModel(decodeModel(rgbModel().bytes)).fixedBatch).toBeUndefined();
  });
});
