import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { META } from '@ganforge/contracts/onnx';
import { DataType, decodeModel, type ModelProto } from '@ganforge/inference/onnx';
import { initBackend, tf } from '@ganforge/trainer';
import { exportGenerator, type ExportOptions, type ExportResult } from '../export';
import { UnsupportedLayerError, ExportError } from '../errors';
import { FP16_PARITY_TOLERANCE } from '../verify';
import { SUPPORTED_ACTIVATIONS } from './activations';
import { SUPPORTED_LAYERS } from './registry';
import { checkOnnxAll, randomizeBatchNorm, saveModel, tempDir } from '../test/helpers';

const tmp = tempDir();
let counter = 0;
/** Every file written here; the last test runs the ONNX checker over all of them in one Python start. */
const exported: string[] = [];
/** Layer classes that appear in a model exported with parity here. */
const covered = new Set<string>();

beforeAll(async () => {
  await initBackend();
});
afterAll(() => tmp.cleanup());

/** Wide weights so activations see large and negative inputs, not just the near-linear middle. */
const wide = () => ({
  kernelInitializer: tf.initializers.randomNormal({ stddev: 1.5, seed: 7 }),
  biasInitializer: tf.initializers.randomNormal({ stddev: 1, seed: 8 }),
});
const rnd = (seed: number, mean = 0, stddev = 0.5) => tf.initializers.randomNormal({ mean, stddev, seed });

type Sym = tf.SymbolicTensor;
const apply = (layer: tf.layers.Layer, x: Sym | Sym[]) => layer.apply(x) as Sym;

/** Saves, exports (verifying at batch 1 and 7); returns the result and the graph. */
async function roundTrip(
  model: tf.LayersModel,
  options: Partial<ExportOptions> = {},
): Promise<{ result: ExportResult; proto: ModelProto }> {
  const dir = join(tmp.dir, `m${counter++}`);
  const path = await saveModel(model, dir);
  const result = await exportGenerator({ model: path, ...options });
  expect(result.verified.map((b) => b.batch)).toEqual([1, 7]);
  expect(result.maxAbsDiff).not.toBeNull();
  expect(result.maxAbsDiff as number).toBeLessThan(options.fp16 ? FP16_PARITY_TOLERANCE : 1e-4);
  expect(result.passed).toBe(true);
  exported.push(result.file);
  for (const l of model.layers) covered.add(l.getClassName());
  // The parity figure of each hand-built model, for the record.
  console.log(
    `${expect.getState().currentTestName}: max |tfjs - onnxruntime| ${result.maxAbsDiff?.toExponential(2)}`,
  );
  return { result, proto: decodeModel(readFileSync(result.file)) };
}

function meta(proto: ModelProto): Record<string, string> {
  return Object.fromEntries((proto.metadataProps ?? []).map((p) => [p.key, p.value]));
}

const ops = (proto: ModelProto) => proto.graph.node.map((n) => n.opType);

describe('activations', () => {
  it('every supported activation (one Dense branch each) matches TF.js', async () => {
    const z = tf.input({ shape: [5] });
    const branches = SUPPORTED_ACTIVATIONS.map((activation) =>
      apply(tf.layers.dense({ units: 4, activation: activation as 'relu', ...wide() }), z),
    );
    const out = apply(tf.layers.concatenate(), branches);
    const { result, proto } = await roundTrip(tf.model({ inputs: z, outputs: out }));
    expect(result.outputs).toEqual([
      { name: 'points', dtype: 'float32', shape: ['N', 4 * SUPPORTED_ACTIVATIONS.length] },
    ]);
    expect(meta(proto)[META.kind]).toBe('points');
    expect(ops(proto)).toEqual(
      expect.arrayContaining(['Gemm', 'Relu', 'Clip', 'Elu', 'Selu', 'Tanh', 'Sigmoid', 'HardSigmoid']),
    );
    expect(ops(proto)).toEqual(
      expect.arrayContaining(['Softplus', 'Softsign', 'Softmax', 'LogSoftmax', 'Erf']),
    );
  });

  it('Activation, LeakyReLU, ReLU (with and without maxValue), ELU, PReLU, ThresholdedReLU and Softmax layers match TF.js', async () => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: 8, inputShape: [4], ...wide() }));
    m.add(tf.layers.leakyReLU({ alpha: 0.15 }));
    m.add(tf.layers.dense({ units: 8, ...wide() }));
    m.add(tf.layers.reLU({ maxValue: 1.5 }));
    m.add(tf.layers.dense({ units: 8, ...wide() }));
    m.add(tf.layers.reLU());
    m.add(tf.layers.dense({ units: 8, ...wide() }));
    m.add(tf.layers.prelu({ alphaInitializer: rnd(3, 0.2, 0.3) }));
    m.add(tf.layers.dense({ units: 8, ...wide() }));
    m.add(tf.layers.thresholdedReLU({ theta: 0.4 }));
    m.add(tf.layers.dense({ units: 8, ...wide() }));
    m.add(tf.layers.elu());
    m.add(tf.layers.activation({ activation: 'selu' }));
    m.add(tf.layers.softmax());
    const { proto } = await roundTrip(m);
    expect(ops(proto)).toEqual(
      expect.arrayContaining([
        'LeakyRelu',
        'Clip',
        'Relu',
        'PRelu',
        'ThresholdedRelu',
        'Elu',
        'Selu',
        'Softmax',
      ]),
    );
  });
});

describe('core layers', () => {
  it('BatchNormalization (moving statistics, scale/center off), Reshape, Flatten and the dropout/noise layers match TF.js', async () => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: 32, inputShape: [10], ...wide() }));
    m.add(tf.layers.batchNormalization({ epsilon: 0.01 }));
    m.add(tf.layers.reshape({ targetShape: [4, 4, 2] }));
    m.add(tf.layers.batchNormalization({ scale: false }));
    m.add(tf.layers.flatten());
    m.add(tf.layers.dropout({ rate: 0.5 }));
    m.add(tf.layers.gaussianNoise({ stddev: 1 }));
    m.add(tf.layers.gaussianDropout({ rate: 0.3 }));
    m.add(tf.layers.alphaDropout({ rate: 0.3 }));
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
    const { proto } = await roundTrip(m, { opset: 13 });
    expect(proto.opsetImport).toEqual([{ version: 13 }]);
  });
});

/** DCGAN-style generator: Dense -> BN -> LeakyReLU -> Reshape -> ConvT -> BN -> ReLU -> ConvT(tanh). */
function dcgan(): tf.Sequential {
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
    tf.layers.conv2dTranspose({ filters: 3, kernelSize: 4, strides: 2, padding: 'same', activation: 'tanh' }),
  );
  randomizeBatchNorm(m);
  return m;
}

/** z -> Dense -> Reshape [h, w, c] -> one branch per layer -> Flatten -> Concatenate: many configs, one export. */
function branches(shape: [number, number, number], layers: tf.layers.Layer[]): tf.LayersModel {
  const z = tf.input({ shape: [6] });
  const x = apply(
    tf.layers.reshape({ targetShape: shape }),
    apply(tf.layers.dense({ units: shape[0] * shape[1] * shape[2] }), z),
  );
  const outs = layers.map((l) => apply(tf.layers.flatten(), apply(l, x)));
  return tf.model({ inputs: z, outputs: apply(tf.layers.concatenate(), outs) });
}

describe('convolutional generators', () => {
  it('a DCGAN generator: BatchNorm folded into Gemm and ConvTranspose, a single layout transpose', async () => {
    const { result, proto } = await roundTrip(dcgan());
    expect(result.outputs[0]?.shape).toEqual(['N', 3, 16, 16]);
    expect(ops(proto)).toEqual([
      'Gemm',
      'LeakyRelu',
      'Reshape',
      'Transpose',
      'ConvTranspose',
      'Relu',
      'ConvTranspose',
      'Tanh',
    ]);
    expect(meta(proto)[META.outputRange]).toBe('-1,1');
  });

  it('--fp16 halves the file and stays within the fp16 tolerance; float32 I/O', async () => {
    const m = dcgan();
    const full = await roundTrip(m);
    const { result, proto } = await roundTrip(m, { fp16: true });
    expect(result.fp16).toBe(true);
    // The weights take half the bytes; the graph and metadata around them stay the same size.
    const weightBytes = (p: ModelProto) =>
      (p.graph.initializer ?? []).reduce((n, t) => n + (t.rawData?.byteLength ?? 0), 0);
    expect(weightBytes(proto) / weightBytes(full.proto)).toBeLessThan(0.51);
    expect(result.bytes).toBeLessThan(full.result.bytes);
    const halves = (proto.graph.initializer ?? []).filter((t) => t.dataType === DataType.FLOAT16);
    expect(halves.length).toBeGreaterThanOrEqual(4);
    expect(ops(proto).filter((o) => o === 'Cast')).toHaveLength(halves.length);
    expect(proto.graph.input[0]?.type?.tensorType?.elemType).toBe(DataType.FLOAT);
    expect(proto.graph.output[0]?.type?.tensorType?.elemType).toBe(DataType.FLOAT);
  });

  it('--layout nhwc keeps the TF.js image layout', async () => {
    const { result, proto } = await roundTrip(dcgan(), { layout: 'NHWC' });
    expect(result.outputs[0]?.shape).toEqual(['N', 16, 16, 3]);
    expect(meta(proto)).toMatchObject({ [META.layout]: 'NHWC', [META.outputShape]: '16,16,3' });
  });

  it('Conv2DTranspose in seven kernel/stride/padding configurations matches TF.js', async () => {
    const configs = [
      { kernelSize: [3, 3], strides: [1, 1], padding: 'same' },
      { kernelSize: [3, 3], strides: [2, 2], padding: 'same' },
      { kernelSize: [4, 4], strides: [2, 2], padding: 'same' },
      { kernelSize: [3, 3], strides: [2, 2], padding: 'valid' },
      { kernelSize: [2, 2], strides: [3, 3], padding: 'valid' },
      { kernelSize: [2, 2], strides: [3, 3], padding: 'same' },
      { kernelSize: [3, 2], strides: [2, 1], padding: 'same' },
    ] as const;
    const layers = configs.map((c) =>
      tf.layers.conv2dTranspose({
        filters: 2,
        kernelSize: [...c.kernelSize],
        strides: [...c.strides],
        padding: c.padding,
      }),
    );
    const { proto } = await roundTrip(branches([5, 3, 4], layers));
    expect(ops(proto).filter((o) => o === 'ConvTranspose')).toHaveLength(configs.length);
  });

  it('Conv2D and DepthwiseConv2D in several configurations match TF.js', async () => {
    const configs = [
      { kernelSize: 3, strides: 1, padding: 'same', dilationRate: 1 },
      { kernelSize: 3, strides: 2, padding: 'same', dilationRate: 1 },
      { kernelSize: 4, strides: 2, padding: 'same', dilationRate: 1 },
      { kernelSize: 3, strides: 2, padding: 'valid', dilationRate: 1 },
      { kernelSize: 3, strides: 1, padding: 'same', dilationRate: 2 },
    ] as const;
    const layers: tf.layers.Layer[] = [
      ...configs.map((c) => tf.layers.conv2d({ filters: 4, activation: 'elu', ...c })),
      tf.layers.depthwiseConv2d({
        kernelSize: 3,
        depthMultiplier: 2,
        padding: 'same',
        biasInitializer: rnd(4),
      }),
      tf.layers.depthwiseConv2d({ kernelSize: [2, 3], strides: 2, padding: 'valid', activation: 'tanh' }),
      tf.layers.depthwiseConv2d({ kernelSize: 3, strides: 2, padding: 'same', useBias: false }),
    ];
    const { proto } = await roundTrip(branches([9, 7, 3], layers));
    expect(ops(proto).filter((o) => o === 'Conv')).toHaveLength(layers.length);
  });

  it('UpSampling2D (nearest and bilinear) + Conv2D match TF.js', async () => {
    for (const interpolation of ['nearest', 'bilinear'] as const) {
      const m = tf.sequential();
      m.add(tf.layers.dense({ units: 4 * 3 * 2, inputShape: [5] }));
      m.add(tf.layers.reshape({ targetShape: [4, 3, 2] }));
      m.add(tf.layers.upSampling2d({ size: [2, 3], interpolation }));
      m.add(tf.layers.conv2d({ filters: 1, kernelSize: 3, padding: 'same', activation: 'sigmoid' }));
      const { result } = await roundTrip(m);
      expect(result.outputs[0]?.shape).toEqual(['N', 1, 8, 9]);
    }
  });

  it('softmax over the channels of an NCHW tensor, then Flatten back to TF.js order', async () => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: 4 * 4 * 3, inputShape: [5], ...wide() }));
    m.add(tf.layers.reshape({ targetShape: [4, 4, 3] }));
    m.add(tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'softmax' }));
    m.add(tf.layers.flatten());
    m.add(tf.layers.dense({ units: 2 }));
    await roundTrip(m);
  });

  it('Rescaling on NHWC and NCHW tensors, and after a sigmoid, matches TF.js', async () => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: 4 * 4 * 2, inputShape: [5], ...wide() }));
    m.add(tf.layers.reshape({ targetShape: [4, 4, 2] }));
    m.add(tf.layers.rescaling({ scale: 0.5, offset: 0.25 }));
    m.add(tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same' }));
    m.add(tf.layers.rescaling({ scale: -2 }));
    m.add(tf.layers.activation({ activation: 'sigmoid' }));
    // rdcgan80's output: a sigmoid's [0, 1] to [-1, 1].
    m.add(tf.layers.rescaling({ scale: 2, offset: -1 }));
    await roundTrip(m);
  });

  it('PReLU, LayerNormalization, ZeroPadding2D, Cropping2D, Permute and merges on NCHW and NHWC tensors match TF.js', async () => {
    const z = tf.input({ shape: [8] });
    const x = apply(
      tf.layers.reshape({ targetShape: [6, 5, 4] }),
      apply(tf.layers.dense({ units: 120, ...wide() }), z),
    );
    // NHWC (before any convolution): padding and cropping in TF.js layout.
    const padded = apply(
      tf.layers.zeroPadding2d({
        padding: [
          [1, 2],
          [0, 1],
        ],
      }),
      x,
    );
    const cropped = apply(
      tf.layers.cropping2D({
        cropping: [
          [2, 0],
          [1, 1],
        ],
      }),
      padded,
    );
    const c1 = apply(tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same' }), cropped);
    // NCHW from here on.
    const p = apply(tf.layers.prelu({ alphaInitializer: rnd(5, 0.2, 0.3), sharedAxes: [1, 2] }), c1);
    const pFull = apply(tf.layers.prelu({ alphaInitializer: rnd(6, 0.2, 0.3) }), c1);
    const ln = apply(
      tf.layers.layerNormalization({ gammaInitializer: rnd(7, 1), betaInitializer: rnd(8) }),
      p,
    );
    const lnAll = apply(
      tf.layers.layerNormalization({
        axis: [1, 2, 3],
        epsilon: 1e-2,
        gammaInitializer: rnd(9, 1),
        betaInitializer: rnd(10),
      }),
      pFull,
    );
    const avg = apply(tf.layers.average(), [ln, lnAll, c1]);
    const sub = apply(tf.layers.multiply(), [ln, lnAll]);
    const max = apply(tf.layers.maximum(), [avg, sub]);
    const min = apply(tf.layers.minimum(), [avg, sub]);
    const padNchw = apply(tf.layers.zeroPadding2d({ padding: 1 }), max);
    const cropNchw = apply(tf.layers.cropping2D({ cropping: [1, 2] }), padNchw);
    const perm = apply(tf.layers.permute({ dims: [3, 1, 2] }), min);
    const out = apply(tf.layers.concatenate(), [
      apply(tf.layers.flatten(), cropNchw),
      apply(tf.layers.flatten(), perm),
    ]);
    const { proto } = await roundTrip(tf.model({ inputs: z, outputs: out }));
    expect(ops(proto)).toEqual(
      expect.arrayContaining(['Pad', 'Slice', 'PRelu', 'ReduceMean', 'Mean', 'Max', 'Min']),
    );
  });

  it('RepeatVector, LayerNormalization over two axes, PReLU and Permute on sequences match TF.js', async () => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: 5, inputShape: [6], ...wide() }));
    m.add(tf.layers.repeatVector({ n: 3 }));
    m.add(tf.layers.spatialDropout1d({ rate: 0.5 }));
    m.add(tf.layers.dense({ units: 4, ...wide() }));
    m.add(
      tf.layers.layerNormalization({ axis: [1, 2], gammaInitializer: rnd(11, 1), betaInitializer: rnd(12) }),
    );
    m.add(tf.layers.prelu({ alphaInitializer: rnd(13, 0.2, 0.3) }));
    m.add(tf.layers.permute({ dims: [2, 1] }));
    m.add(tf.layers.flatten());
    m.add(tf.layers.dense({ units: 3 }));
    const { proto } = await roundTrip(m);
    expect(ops(proto)).toEqual(expect.arrayContaining(['Expand', 'MatMul', 'Transpose']));
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
    m.add(tf.layers.reshape({ targetShape: [2, 3] }));
    m.add(tf.layers.simpleRNN({ units: 2, name: 'my_rnn' }));
    const path = await saveModel(m, join(tmp.dir, 'unsupported'));
    const err = await exportGenerator({ model: path }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsupportedLayerError);
    expect((err as Error).message).toMatch(
      /'my_rnn' of class SimpleRNN is not supported; supported layer classes:.*Dense.*BatchNormalization/,
    );
  });

  it('a custom layer class (unknown to TF.js) gets the same error, not a TF.js stack', async () => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: 3, inputShape: [4], name: 'fancy' }));
    const path = await saveModel(m, join(tmp.dir, 'custom'));
    writeFileSync(
      path,
      readFileSync(path, 'utf8').replace('"class_name":"Dense"', '"class_name":"MyFancyLayer"'),
    );
    await expect(exportGenerator({ model: path })).rejects.toThrow(
      /^layer 'fancy' of class MyFancyLayer is not supported; supported layer classes: InputLayer, Dense/,
    );
  });

  it('channelsFirst convolutions are refused by name', async () => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: 16, inputShape: [4] }));
    m.add(tf.layers.reshape({ targetShape: [1, 4, 4] }));
    m.add(tf.layers.zeroPadding2d({ padding: 1, dataFormat: 'channelsFirst', name: 'pad_cf' }));
    const path = await saveModel(m, join(tmp.dir, 'channels-first'));
    await expect(exportGenerator({ model: path })).rejects.toThrow(
      /'pad_cf' of class ZeroPadding2D: unsupported dataFormat 'channelsFirst'/,
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

  it('bad options get clear errors', async () => {
    await expect(exportGenerator({})).rejects.toThrow(/exactly one of run .* or model/);
    await expect(exportGenerator({ model: 'x', opset: 99 })).rejects.toThrow(
      /opset must be an integer from 13 to 17 \(got 99\)/,
    );
  });
});

describe('coverage', () => {
  it('every supported layer class was exported with parity above', () => {
    const missing = SUPPORTED_LAYERS.filter((c) => !covered.has(c));
    expect(missing).toEqual([]);
  });

  it('every exported file passes onnx.checker.check_model(full_check=True)', () => {
    expect(exported.length).toBeGreaterThan(10);
    expect(checkOnnxAll(exported)).toEqual([]);
  });
});
