/**
 * Tiny hand-written run directories for the gallery's tests: a 2-D "points" generator
 * (z -> zW + b) and a 4x4 grey "image" generator (sigmoid(zW + b) reshaped to NCHW).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_FILES, RunDir, sampleFileName, type MetricsRecord, type ModelCard } from '@ganforge/contracts';
import { resolveConfig, type TrainConfig } from '@ganforge/trainer';
import { INPUT_LATENT, META, OUTPUT_IMAGE, OUTPUT_POINTS } from '@ganforge/contracts/onnx';
import {
  DataType,
  encodeModel,
  type NodeProto,
  type TensorProto,
  type ValueInfo,
} from '@ganforge/inference/onnx';
import sharp from 'sharp';

function floatTensor(name: string, dims: number[], values: number[]): TensorProto {
  return { name, dims, dataType: DataType.FLOAT, rawData: new Uint8Array(new Float32Array(values).buffer) };
}

function valueInfo(name: string, dims: (number | string)[]): ValueInfo {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim } } } };
}

function model(
  nodes: NodeProto[],
  initializer: TensorProto[],
  output: ValueInfo,
  latentDim: number,
  meta: Record<string, string>,
  extraInputs: ValueInfo[] = [],
) {
  return encodeModel({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'ganforge-gallery-fixture',
    graph: {
      name: 'generator',
      node: nodes,
      initializer,
      input: [valueInfo(INPUT_LATENT, ['N', latentDim]), ...extraInputs],
      output: [output],
    },
    metadataProps: Object.entries({ [META.latentDim]: String(latentDim), ...meta }).map(([key, value]) => ({
      key,
      value,
    })),
  });
}

export const CLASS_NAMES = ['T-shirt', 'Trouser', 'Bag'];

/**
 * A conditional generator: image = sigmoid(z @ W + E[label] + b) as [N,1,4,4], with an int64 `label`
 * input and class names in the metadata. Each class gets a very different embedding row.
 */
export function conditionalModel(): Uint8Array {
  const weights = Array.from({ length: 2 * 16 }, (_, i) => Math.cos(i * 1.3));
  const embedding = CLASS_NAMES.flatMap((_, c) =>
    Array.from({ length: 16 }, (_, i) => ((c * 5 + i) % 7) - 3),
  );
  return model(
    [
      { opType: 'Gather', input: ['E', 'label'], output: ['emb'], name: 'embed' },
      { opType: 'MatMul', input: [INPUT_LATENT, 'W'], output: ['zw'], name: 'matmul' },
      { opType: 'Add', input: ['zw', 'emb'], output: ['sum'], name: 'add_label' },
      { opType: 'Add', input: ['sum', 'b'], output: ['logits'], name: 'add' },
      { opType: 'Sigmoid', input: ['logits'], output: ['flat'], name: 'sigmoid' },
      { opType: 'Reshape', input: ['flat', 'shape'], output: [OUTPUT_IMAGE], name: 'reshape' },
    ],
    [
      floatTensor('W', [2, 16], weights),
      floatTensor('E', [CLASS_NAMES.length, 16], embedding),
      floatTensor('b', [16], new Array<number>(16).fill(0)),
      { name: 'shape', dims: [4], dataType: DataType.INT64, int64Data: [-1, 1, 4, 4] },
    ],
    valueInfo(OUTPUT_IMAGE, ['N', 1, 4, 4]),
    2,
    {
      [META.kind]: 'image',
      [META.outputShape]: '1,4,4',
      [META.layout]: 'NCHW',
      [META.outputRange]: '0,1',
      [META.classNames]: JSON.stringify(CLASS_NAMES),
      [META.preset]: 'fixture-cgan',
    },
    [
      {
        name: 'label',
        type: { tensorType: { elemType: DataType.INT64, shape: { dim: [{ dimParam: 'N' }] } } },
      },
    ],
  );
}

/**
 * A generator made elsewhere (shaped like a PyTorch export): no ganforge metadata, latent `noise`
 * [N,16,1,1], output `out` [N,1,4,4] (NCHW) from a Tanh.
 */
export function foreignModel(): Uint8Array {
  const weights = Array.from({ length: 16 * 16 }, (_, i) => Math.sin(i * 0.7) * 0.8);
  return encodeModel({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'pytorch',
    producerVersion: '2.1.0',
    graph: {
      name: 'main_graph',
      node: [
        { opType: 'Reshape', input: ['noise', 'flat_shape'], output: ['z2'], name: 'flatten' },
        { opType: 'MatMul', input: ['z2', 'W'], output: ['h'], name: 'fc' },
        { opType: 'Tanh', input: ['h'], output: ['t'], name: 'tanh' },
        { opType: 'Reshape', input: ['t', 'img_shape'], output: ['out'], name: 'to_image' },
      ],
      initializer: [
        floatTensor('W', [16, 16], weights),
        { name: 'flat_shape', dims: [2], dataType: DataType.INT64, int64Data: [-1, 16] },
        { name: 'img_shape', dims: [4], dataType: DataType.INT64, int64Data: [-1, 1, 4, 4] },
      ],
      input: [valueInfo('noise', ['batch', 16, 1, 1])],
      output: [valueInfo('out', ['batch', 1, 4, 4])],
    },
  });
}

/**
 * A Fashion-MNIST-shaped classifier (image [N,1,28,28] → probs [N,10]): an ONNX file a visitor might
 * open by mistake.
 */
export function classifierModel(): Uint8Array {
  const weights = Array.from({ length: 784 * 10 }, (_, i) => Math.cos(i * 0.3) * 0.05);
  return encodeModel({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'pytorch',
    producerVersion: '2.1.0',
    graph: {
      name: 'classifier',
      node: [
        { opType: 'Reshape', input: ['image', 'flat_shape'], output: ['flat'], name: 'flatten' },
        { opType: 'MatMul', input: ['flat', 'W'], output: ['logits'], name: 'fc' },
        { opType: 'Softmax', input: ['logits'], output: ['probs'], name: 'softmax' },
      ],
      initializer: [
        floatTensor('W', [784, 10], weights),
        { name: 'flat_shape', dims: [2], dataType: DataType.INT64, int64Data: [-1, 784] },
      ],
      input: [valueInfo('image', ['batch', 1, 28, 28])],
      output: [valueInfo('probs', ['batch', 10])],
    },
  });
}

/** points = z @ W + b, z [N,2]. W and b move the standard normal to a tilted, shifted cloud. */
export function pointsModel(): Uint8Array {
  return model(
    [
      { opType: 'MatMul', input: [INPUT_LATENT, 'W'], output: ['zw'], name: 'matmul' },
      { opType: 'Add', input: ['zw', 'b'], output: [OUTPUT_POINTS], name: 'add' },
    ],
    [floatTensor('W', [2, 2], [1, 0.5, -0.3, 0.8]), floatTensor('b', [2], [1, 2])],
    valueInfo(OUTPUT_POINTS, ['N', 2]),
    2,
    {
      [META.kind]: 'points',
      [META.outputShape]: '2',
      [META.layout]: 'flat',
      [META.preset]: 'fixture-points',
    },
  );
}

/** image = sigmoid(z @ W + b) reshaped to [N,1,4,4], range [0,1]. */
export function imageModel(): Uint8Array {
  const weights = Array.from({ length: 2 * 16 }, (_, i) => Math.sin(i * 1.7) * 2);
  const bias = Array.from({ length: 16 }, (_, i) => (i % 4) / 2 - 0.75);
  return model(
    [
      { opType: 'MatMul', input: [INPUT_LATENT, 'W'], output: ['zw'], name: 'matmul' },
      { opType: 'Add', input: ['zw', 'b'], output: ['logits'], name: 'add' },
      { opType: 'Sigmoid', input: ['logits'], output: ['flat'], name: 'sigmoid' },
      { opType: 'Reshape', input: ['flat', 'shape'], output: [OUTPUT_IMAGE], name: 'reshape' },
    ],
    [
      floatTensor('W', [2, 16], weights),
      floatTensor('b', [16], bias),
      { name: 'shape', dims: [4], dataType: DataType.INT64, int64Data: [-1, 1, 4, 4] },
    ],
    valueInfo(OUTPUT_IMAGE, ['N', 1, 4, 4]),
    2,
    {
      [META.kind]: 'image',
      [META.outputShape]: '1,4,4',
      [META.layout]: 'NCHW',
      [META.outputRange]: '0,1',
      [META.preset]: 'fixture-image',
    },
  );
}

function card(name: string, output: ModelCard['output'], preset: string, epochs: number): ModelCard {
  return {
    name,
    preset,
    dataset: { name: `${preset}-data`, examples: 1000 },
    latentDim: 2,
    output,
    epochs,
    steps: epochs * 10,
    generatorParams: 6,
    discriminatorParams: 20,
    wallTimeSec: 1.5,
    finalMetrics: { meanError: 0.05, 'eval.fd': 12.5 },
    evaluation: {
      evaluator: 'fmnist-classifier-v1',
      reference: 'a test split',
      samples: 2000,
      epoch: epochs,
    },
    reproduce: `npx nx run trainer:train --preset ${preset}`,
  };
}

function metrics(epochs: number): MetricsRecord[] {
  return Array.from({ length: epochs }, (_, i) => ({
    epoch: i + 1,
    step: (i + 1) * 10,
    lossD: 0.7 + 0.3 / (i + 1),
    lossG: 0.69 + 0.5 / (i + 1),
    accReal: 0.5 + 0.2 / (i + 1),
    accFake: 0.5 + 0.1 / (i + 1),
    examplesPerSec: 1000,
    wallTimeSec: 0.1 * (i + 1),
    // The last epoch is scored: a distance and a count, which must never be drawn as a curve.
    ...(i === epochs - 1 ? { extra: { 'eval.fd': 12.5, 'eval.samples': 2000 } } : {}),
  }));
}

/** Per-step loss means every 2 steps, as the trainer's curve.jsonl holds them. */
export function curveLines(fromStep: number, toStep: number): string {
  let text = '';
  for (let step = fromStep; step <= toStep; step += 2) {
    text += JSON.stringify({ step, lossD: 0.7 + 0.3 / step, lossG: 0.69 + 0.5 / step }) + '\n';
  }
  return text;
}

/** How a fixture run was trained: its config flags, and when it started (its state.json). */
interface Trained {
  flags: Partial<TrainConfig>;
  startedAt: string;
  status?: 'running' | 'completed' | 'interrupted' | 'failed';
}

async function writeRun(
  dir: string,
  c: ModelCard,
  onnx: Uint8Array,
  epochs: number,
  trained?: Trained,
): Promise<RunDir> {
  const run = new RunDir(dir);
  mkdirSync(run.root, { recursive: true });
  writeFileSync(run.onnxPath, onnx);
  const config = trained && resolveConfig({ flags: { ...trained.flags, out: run.root } });
  // Ten steps an epoch, as the trainer counts them (examples / batch size, rounded down).
  run.writeModelCard(config ? { ...c, dataset: { ...c.dataset, examples: 10 * config.batchSize } } : c);
  if (trained && config) {
    run.writeConfig(config);
    run.writeState({
      status: trained.status ?? 'completed',
      epoch: epochs,
      epochs,
      step: c.steps,
      seed: config.seed,
      backend: 'wasm',
      startedAt: trained.startedAt,
      updatedAt: trained.startedAt,
      wallTimeSec: c.wallTimeSec,
    });
  }
  for (const m of metrics(epochs)) await run.appendMetrics(m);
  writeFileSync(run.path(RUN_FILES.curve), curveLines(2, epochs * 10));
  mkdirSync(run.path(RUN_FILES.samplesDir), { recursive: true });
  // One flat-coloured picture per epoch, brighter each epoch, so the timeline's frames differ.
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const png = await sharp({
      create: { width: 8, height: 8, channels: 3, background: { r: 40 * epoch, g: 96, b: 160 } },
    })
      .png()
      .toBuffer();
    writeFileSync(run.path(RUN_FILES.samplesDir, sampleFileName(epoch)), png);
  }
  return run;
}

export const POINTS_RUN = 'toy-points';
export const IMAGE_RUN = 'toy-image';
export const CGAN_RUN = 'toy-cgan';

/** Writes three exported runs under `runsDir`; returns their directories. */
export async function writeFixtureRuns(
  runsDir: string,
): Promise<{ points: RunDir; image: RunDir; cgan: RunDir }> {
  const points = await writeRun(
    join(runsDir, POINTS_RUN),
    card(POINTS_RUN, { kind: 'points', dims: 2 }, 'gaussian2d', 3),
    pointsModel(),
    3,
    { flags: { preset: 'gaussian2d', epochs: 3 }, startedAt: '2026-12-01T09:00:00.000Z' },
  );
  // Deterministic "real" data: a rotated ellipse of 200 points.
  points.writeRealPoints(
    Array.from({ length: 200 }, (_, i): [number, number] => {
      const t = (i / 200) * Math.PI * 2;
      const r = 0.3 + ((i * 37) % 100) / 100;
      return [1 + r * Math.cos(t), 2 + 0.5 * r * Math.sin(t) + 0.3 * r * Math.cos(t)];
    }),
  );
  const image = await writeRun(
    join(runsDir, IMAGE_RUN),
    card(IMAGE_RUN, { kind: 'image', height: 4, width: 4, channels: 1, range: [0, 1] }, 'dcgan28', 2),
    imageModel(),
    2,
    {
      flags: { preset: 'dcgan28', epochs: 2, lrG: 1e-3 },
      startedAt: '2026-12-02T09:00:00.000Z',
      status: 'interrupted',
    },
  );
  const cgan = await writeRun(
    join(runsDir, CGAN_RUN),
    {
      ...card(CGAN_RUN, { kind: 'image', height: 4, width: 4, channels: 1, range: [0, 1] }, 'cgan', 2),
      dataset: { name: 'cgan-data', examples: 1000, license: 'Fixture images: CC0' },
      classNames: CLASS_NAMES,
    },
    conditionalModel(),
    2,
    { flags: { preset: 'cgan', epochs: 2, seed: 7 }, startedAt: '2026-12-03T09:00:00.000Z' },
  );
  return { points, image, cgan };
}
