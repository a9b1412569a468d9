import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeModel, META, type ModelProto } from '@ganforge/inference/onnx';
import { initBackend, tf } from '@ganforge/trainer';
import { exportGenerator, type ExportResult } from '../export';
import { UnsupportedLayerError, ExportError } from '../errors';
import { SUPPORTED_ACTIVATIONS } from './activations';
import { checkOnnx, saveModel, tempDir } from '../test/helpers';

const tmp = tempDir();
let counter = 0;

beforeAll(async () => {
  await initBackend();
});
afterAll(() => tmp.cleanup());

/** Wide weights so activations see large and negative inputs, not just the near-linear middle. */
const wide = () => ({
  kernelInitializer: tf.initializers.randomNormal({ stddev: 1.5, seed: 7 }),
  biasInitializer: tf.initializers.randomNormal({ stddev: 1, seed: 8 }),
});

/** Saves, exports (verifying at batch 1 and 7), runs the ONNX checker; returns the result and the graph. */
async function roundTrip(
  model: tf.LayersModel,
  opset?: number,
): Promise<{ result: ExportResult; proto: ModelProto }> {
  const dir = join(tmp.dir, `m${counter++}`);
  const path = await saveModel(model, dir);
  const result = await exportGenerator({ model: path, opset });
  expect(result.verified.map((b) => b.batch)).toEqual([1, 7]);
  expect(result.maxAbsDiff).not.toBeNull();
  expect(result.maxAbsDiff as number).toBeLessThan(1e-4);
  expect(result.passed).toBe(true);
  checkOnnx(result.file);
  return { result, proto: decodeModel(readFileSync(result.file)) };
}

function meta(proto: ModelProto): Record<string, string> {
  return Object.fromEntries((proto.metadataProps ?? []).map((p) => [p.key, p.value]));
}

const ops = (proto: ModelProto) => proto.graph.node.map((n) => n.opType);

/** Sets every BatchNormalization's moving statistics to something far from the identity. */
function randomizeBatchNorm(model: tf.LayersModel): void {
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    layer.setWeights(
      layer.weights.map((w, i) =>
        w.originalName.endsWith('moving_variance')
          ? tf.randomUniform(w.shape as number[], 0.2, 3, 'float32', 11)
          : tf.randomNormal(
              w.shape as number[],
              w.originalName.endsWith('gamma') ? 1 : 0,
              0.7,
              'float32',
              12 + i,
            ),
      ),
    );
  }
}

describe('activations', () => {
  it.each(SUPPORTED_ACTIVATIONS)('Dense with activation %s matches TF.js', async (activation) => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: 6, inputShape: [5], activation: activation as 'relu', ...wide() }));
    const { result, proto } = await roundTrip(m);
    expect(result.outputs).toEqual([{ name: 'points', dtype: 'float32', shape: ['N', 6] }]);
    expect(meta(proto)[META.kind]).toBe('points');
  });

  it('Activation, LeakyReLU, ReLU (with and without maxValue), ELU and Softmax layers match TF.js', async () => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: 8, inputShape: [4], ...wide() }));
    m.add(tf.layers.leakyReLU({ alpha: 0.15 }));
    m.add(tf.layers.dense({ units: 8, ...wide() }));
    m.add(tf.layers.reLU({ maxValue: 1.5 }));
    m.add(tf.layers.dense({ units: 8, ...wide() }));
    m.add(tf.layers.reLU());
    m.add(tf.layers.dense({ units: 8, ...wide() }));
    m.add(tf.layers.elu());
    m.add(tf.layers.activation({ activation: 'selu' }));
    m.add(tf.layers.softmax());
    const { proto } = await roundTrip(m);
    expect(ops(proto)).toEqual(
      expect.arrayContaining(['LeakyRelu', 'Clip', 'Relu', 'Elu', 'Selu', 'Softmax']),
    );
  });
});

describe('core layers', () => {
  it('BatchNormalization (moving statistics, scale/center off), Reshape, Flatten and Dropout match TF.js', async () => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: 32, inputShape: [10], ...wide() }));
    m.add(tf.layers.batchNormalization({ epsilon: 0.01 }));
    m.add(tf.layers.reshape({ targetShape: [4, 4, 2] }));
    m.add(tf.layers.batchNormalization({ scale: false }));
    m.add(tf.layers.flatten());
    m.add(tf.layers.dropout({ rate: 0.5 }));
    m.add(tf.layers.batchNormalization({ center: false }));
    m.add(tf.layers.dense({ units: 3 }));
    randomizeBatchNorm(m);
    const { result } = await roundTrip(m);
    expect(result.outputs[0]?.shape).toEqual(['N', 3]);
  });

  it('a flat tanh output reshaped to NHWC becomes an NCHW image with range -1,1 in the metadata', async () => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: 7 * 5 * 3, inputShape: [12], activation: 'tanh', ...wide() }));
    m.add(tf.layers.reshape({ targetShape: [7, 5, 3] }));
    const { result, proto } = await roundTrip(m);
    expect(result.inputs).toEqual([{ name: 'z', dtype: 'float32', shape: ['N', 12] }]);
    expect(result.outputs).toEqual([{ name: 'image', dtype: 'float32', shape: ['N', 3, 7, 5] }]);
    expect(meta(proto)).toMatchObject({
      [META.kind]: 'image',
      [META.latentDim]: '12',
      [META.outputShape]: '3,7,5',
      [META.layout]: 'NCHW',
      [META.outputRange]: '-1,1',
    });
    expect(proto.irVersion).toBe(8);
    expect(proto.opsetImport).toEqual([{ version: 17 }]);
    // Dynamic batch on input and output.
    expect(proto.graph.input[0]?.type?.tensorType?.shape?.dim?.[0]).toEqual({ dimParam: 'N' });
    expect(proto.graph.output[0]?.type?.tensorType?.shape?.dim?.[0]).toEqual({ dimParam: 'N' });
  });

  it('a sigmoid points generator records range 0,1; an unbounded one records no range', async () => {
    const bounded = tf.sequential();
    bounded.add(tf.layers.dense({ units: 2, inputShape: [3], activation: 'sigmoid' }));
    expect(meta((await roundTrip(bounded)).proto)[META.outputRange]).toBe('0,1');
    const unbounded = tf.sequential();
    unbounded.add(tf.layers.dense({ units: 2, inputShape: [3] }));
    expect(meta((await roundTrip(unbounded)).proto)[META.outputRange]).toBeUndefined();
  });

  it('exports at opset 13', async () => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: 4, inputShape: [3], activation: 'relu6', ...wide() }));
    const { proto } = await roundTrip(m, 13);
    expect(proto.opsetImport).toEqual([{ version: 13 }]);
  });
});

describe('convolutional generators', () => {
  it('a DCGAN generator matches TF.js with a single layout transpose', async () => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: 4 * 4 * 8, inputShape: [16], useBias: false }));
    m.add(tf.layers.batchNormalization());
    m.add(tf.layers.leakyReLU({ alpha: 0.2 }));
    m.add(tf.layers.reshape({ targetShape: [4, 4, 8] }));
    m.add(
      tf.layers.conv2dTranspose({ filters: 6, kernelSize: 5, strides: 2, padding: 'same', useBias: false }),
    );
    m.add(tf.layers.batchNormalization());
    m.add(tf.layers.activation({ activation: 'relu' }));
    m.add(
      tf.layers.conv2dTranspose({
        filters: 3,
        kernelSize: 4,
        strides: 2,
        padding: 'same',
        activation: 'tanh',
      }),
    );
    randomizeBatchNorm(m);
    const { result, proto } = await roundTrip(m);
    expect(result.outputs[0]?.shape).toEqual(['N', 3, 16, 16]);
    expect(ops(proto).filter((o) => o === 'Transpose')).toHaveLength(1);
    expect(meta(proto)[META.outputRange]).toBe('-1,1');
  });

  it.each([
    { kernelSize: [3, 3], strides: [1, 1], padding: 'same' },
    { kernelSize: [3, 3], strides: [2, 2], padding: 'same' },
    { kernelSize: [4, 4], strides: [2, 2], padding: 'same' },
    { kernelSize: [3, 3], strides: [2, 2], padding: 'valid' },
    { kernelSize: [2, 2], strides: [3, 3], padding: 'valid' },
    { kernelSize: [2, 2], strides: [3, 3], padding: 'same' },
    { kernelSize: [3, 2], strides: [2, 1], padding: 'same' },
  ] as const)('Conv2DTranspose %o matches TF.js', async (cfg) => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: 5 * 3 * 4, inputShape: [6] }));
    m.add(tf.layers.reshape({ targetShape: [5, 3, 4] }));
    m.add(
      tf.layers.conv2dTranspose({
        filters: 2,
        kernelSize: [...cfg.kernelSize],
        strides: [...cfg.strides],
        padding: cfg.padding,
      }),
    );
    await roundTrip(m);
  });

  it.each([
    { kernelSize: 3, strides: 1, padding: 'same', dilationRate: 1 },
    { kernelSize: 3, strides: 2, padding: 'same', dilationRate: 1 },
    { kernelSize: 4, strides: 2, padding: 'same', dilationRate: 1 },
    { kernelSize: 3, strides: 2, padding: 'valid', dilationRate: 1 },
    { kernelSize: 3, strides: 1, padding: 'same', dilationRate: 2 },
  ] as const)('Conv2D %o matches TF.js', async (cfg) => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: 9 * 7 * 3, inputShape: [6] }));
    m.add(tf.layers.reshape({ targetShape: [9, 7, 3] }));
    m.add(tf.layers.conv2d({ filters: 4, activation: 'elu', ...cfg }));
    await roundTrip(m);
  });

  it.each(['nearest', 'bilinear'] as const)(
    'UpSampling2D (%s) + Conv2D matches TF.js',
    async (interpolation) => {
      const m = tf.sequential();
      m.add(tf.layers.dense({ units: 4 * 3 * 2, inputShape: [5] }));
      m.add(tf.layers.reshape({ targetShape: [4, 3, 2] }));
      m.add(tf.layers.upSampling2d({ size: [2, 3], interpolation }));
      m.add(tf.layers.conv2d({ filters: 1, kernelSize: 3, padding: 'same', activation: 'sigmoid' }));
      const { result } = await roundTrip(m);
      expect(result.outputs[0]?.shape).toEqual(['N', 1, 8, 9]);
    },
  );

  it('softmax over the channels of an NCHW tensor, then Flatten back to TF.js order', async () => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: 4 * 4 * 3, inputShape: [5], ...wide() }));
    m.add(tf.layers.reshape({ targetShape: [4, 4, 3] }));
    m.add(tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'softmax' }));
    m.add(tf.layers.flatten());
    m.add(tf.layers.dense({ units: 2 }));
    await roundTrip(m);
  });
});

describe('functional models', () => {
  it('Concatenate of NHWC and NCHW branches matches TF.js', async () => {
    const z = tf.input({ shape: [8] });
    const a = tf.layers
      .reshape({ targetShape: [4, 4, 2] })
      .apply(tf.layers.dense({ units: 32 }).apply(z)) as tf.SymbolicTensor;
    const b = tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same' }).apply(a) as tf.SymbolicTensor;
    const c = tf.layers.concatenate().apply([a, b]) as tf.SymbolicTensor;
    const d = tf.layers
      .add()
      .apply([
        tf.layers.dense({ units: 5 }).apply(z),
        tf.layers.dense({ units: 5 }).apply(z),
      ] as tf.SymbolicTensor[]);
    const flat = tf.layers.concatenate().apply([tf.layers.flatten().apply(c), d] as tf.SymbolicTensor[]);
    const out = tf.layers.dense({ units: 3, activation: 'tanh' }).apply(flat) as tf.SymbolicTensor;
    const { result } = await roundTrip(tf.model({ inputs: z, outputs: out }));
    expect(result.outputs[0]?.shape).toEqual(['N', 3]);
  });

  it('a conditional generator (Embedding + Multiply) takes an int64 label input', async () => {
    const z = tf.input({ shape: [8], name: 'noise' });
    const label = tf.input({ shape: [1], name: 'class' });
    const emb = tf.layers
      .flatten()
      .apply(tf.layers.embedding({ inputDim: 10, outputDim: 8 }).apply(label)) as tf.SymbolicTensor;
    const joined = tf.layers.multiply().apply([z, emb]) as tf.SymbolicTensor;
    const h = tf.layers.dense({ units: 6 * 6, activation: 'tanh' }).apply(joined) as tf.SymbolicTensor;
    const img = tf.layers.reshape({ targetShape: [6, 6, 1] }).apply(h) as tf.SymbolicTensor;
    // Inputs in the "wrong" order: the label first.
    const { result } = await roundTrip(tf.model({ inputs: [label, z], outputs: img }));
    expect(result.inputs).toEqual([
      { name: 'label', dtype: 'int64', shape: ['N'] },
      { name: 'z', dtype: 'float32', shape: ['N', 8] },
    ]);
    expect(result.outputs[0]?.shape).toEqual(['N', 1, 6, 6]);
  });
});

describe('refusals', () => {
  it('an unsupported layer names its class, its name and the supported classes', async () => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: 6, inputShape: [4] }));
    m.add(tf.layers.layerNormalization({ name: 'my_norm' }));
    const path = await saveModel(m, join(tmp.dir, 'unsupported'));
    const err = await exportGenerator({ model: path }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsupportedLayerError);
    expect((err as Error).message).toMatch(
      /'my_norm'.*LayerNormalization.*supported layer classes:.*Dense.*BatchNormalization/,
    );
  });

  it('an unsupported configuration names the layer and what is wrong', async () => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: 12, inputShape: [4] }));
    m.add(tf.layers.reshape({ targetShape: [2, 2, 3] }));
    m.add(tf.layers.batchNormalization({ axis: 1, name: 'bn_h' }));
    const path = await saveModel(m, join(tmp.dir, 'bad-axis'));
    await expect(exportGenerator({ model: path })).rejects.toThrow(
      /'bn_h' of class BatchNormalization: unsupported axis 1/,
    );
  });

  it('a model with two outputs is refused', async () => {
    const z = tf.input({ shape: [4] });
    const a = tf.layers.dense({ units: 2 }).apply(z) as tf.SymbolicTensor;
    const b = tf.layers.dense({ units: 3 }).apply(z) as tf.SymbolicTensor;
    const path = await saveModel(tf.model({ inputs: z, outputs: [a, b] }), join(tmp.dir, 'two-outputs'));
    const err = await exportGenerator({ model: path }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExportError);
    expect((err as Error).message).toMatch(/2 outputs; a generator must have exactly one/);
  });

  it('a 3-D output is refused without a model card', async () => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: 6, inputShape: [4] }));
    m.add(tf.layers.reshape({ targetShape: [2, 3] }));
    const path = await saveModel(m, join(tmp.dir, 'rank3'));
    await expect(exportGenerator({ model: path })).rejects.toThrow(
      /cannot tell what the output \[N, 2, 3\] is/,
    );
  });

  it('a latent input that is not [N, latentDim] is refused', async () => {
    const m = tf.sequential();
    m.add(tf.layers.flatten({ inputShape: [2, 2, 1] }));
    m.add(tf.layers.dense({ units: 3 }));
    const path = await saveModel(m, join(tmp.dir, 'image-input'));
    await expect(exportGenerator({ model: path })).rejects.toThrow(
      /has shape \[N, 2, 2, 1\]: expected a latent input \[N, latentDim\]/,
    );
  });

  it('bad options and corrupt files get clear errors', async () => {
    await expect(exportGenerator({})).rejects.toThrow(/exactly one of run .* or model/);
    await expect(exportGenerator({ model: 'x', opset: 99 })).rejects.toThrow(
      /opset must be an integer from 13 to 17 \(got 99\)/,
    );
    const dir = join(tmp.dir, 'corrupt');
    const path = await saveModel(
      tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] }),
      dir,
    );
    writeFileSync(join(dir, 'weights.bin'), Buffer.alloc(0));
    await expect(exportGenerator({ model: path })).rejects.toThrow(/could not load the TF.js model/);
    writeFileSync(path, '{ not json');
    await expect(exportGenerator({ model: path })).rejects.toThrow(/is not valid JSON/);
    await expect(exportGenerator({ model: join(dir, 'nope.json') })).rejects.toThrow(/model file not found/);
  });
});
