/** The eval command on the three sources (run directory, ONNX file, IDX file) and on bad input. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DataType, encodeModel, type ValueInfo } from '@ganforge/inference/onnx';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { initBackend, tf } from '../kernels/backend';
import { type ModelCard, RUN_FILES, writeJsonAtomic } from '@ganforge/contracts';
import { FileModelIO } from '../run/model-io';
import { main } from './eval';
import { readIdxImages, readIdxLabels } from '../data/idx';
import { DEFAULT_REFERENCE, readIdxSamples } from '../eval/sources';

const SMALL = ['--kid-subsets', '2', '--kid-subset-size', '100'];
let dir: string;
let logs: string[];
let errors: string[];

beforeAll(async () => {
  await initBackend('wasm');
  dir = mkdtempSync(join(tmpdir(), 'ganforge-eval-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

function capture(): void {
  logs = [];
  errors = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void logs.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void errors.push(a.join(' ')));
}

function writeIdx(path: string, pixels: Uint8Array, count: number): void {
  const header = Buffer.alloc(16);
  header.writeUInt32BE(0x803, 0);
  header.writeUInt32BE(count, 4);
  header.writeUInt32BE(28, 8);
  header.writeUInt32BE(28, 12);
  writeFileSync(path, gzipSync(Buffer.concat([header, pixels])));
}

const card = (output: ModelCard['output'], latentDim: number): ModelCard => ({
  name: 'fixture',
  preset: 'fixture',
  dataset: { name: 'fixture', examples: 1 },
  latentDim,
  output,
  epochs: 1,
  steps: 1,
  generatorParams: 1,
  discriminatorParams: 1,
  wallTimeSec: 1,
  finalMetrics: {},
  reproduce: 'fixture',
});

describe('eval command', () => {
  it('scores an IDX file of samples and names the evaluator', async () => {
    const real = readIdxSamples(DEFAULT_REFERENCE, 300);
    const bytes = Uint8Array.from(real.values, (v) => Math.round((v + 1) * 127.5));
    const path = join(dir, 'samples.gz');
    writeIdx(path, bytes, 300);
    capture();
    const json = join(dir, 'idx.json');
    expect(await main(['--idx', path, '-n', '300', '--json', json, ...SMALL])).toBe(0);
    expect(logs[0]).toMatch(/^evaluator fmnist-classifier-v1 · 300 generated vs 10000 reference images/);
    expect(logs.some((l) => l.startsWith('FD '))).toBe(true);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.evaluator).toBe('fmnist-classifier-v1');
    // The first 300 test images against all 10k: one distribution.
    expect(report.classesPresent).toBe(10);
    expect(report.precision).toBeGreaterThan(0.6);
  });

  it('scores an ONNX generator through the inference SDK', async () => {
    // z [N,8] -> tanh(z·W) reshaped to NCHW [N,1,28,28]: a random, untrained generator.
    const w = Float32Array.from({ length: 8 * 784 }, (_, i) => Math.sin(i * 0.37));
    const f = DataType.FLOAT;
    const vi = (name: string, shape: (number | string)[]): ValueInfo => ({
      name,
      type: {
        tensorType: {
          elemType: f,
          shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
        },
      },
    });
    const bytes = encodeModel({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      producerName: 'ganforge-test',
      graph: {
        name: 'g',
        node: [
          { opType: 'MatMul', input: ['z', 'W'], output: ['h'], name: 'h' },
          { opType: 'Tanh', input: ['h'], output: ['t'], name: 't' },
          { opType: 'Reshape', input: ['t', 'S'], output: ['image'], name: 'image' },
        ],
        initializer: [
          { name: 'W', dims: [8, 784], dataType: f, rawData: new Uint8Array(w.buffer) },
          { name: 'S', dims: [4], dataType: DataType.INT64, int64Data: [-1, 1, 28, 28] },
        ],
        input: [vi('z', ['N', 8])],
        output: [vi('image', ['N', 1, 28, 28])],
      },
      metadataProps: [
        { key: 'ganforge.kind', value: 'image' },
        { key: 'ganforge.latent_dim', value: '8' },
        { key: 'ganforge.output_range', value: '-1,1' },
      ],
    });
    const path = join(dir, 'g.onnx');
    writeFileSync(path, bytes);
    capture();
    const json = join(dir, 'onnx.json');
    expect(await main(['--onnx', path, '-n', '300', '--json', json, ...SMALL])).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.samples).toBe(300);
    expect(report.fd).toBeGreaterThan(1);
    expect(report.recall).toBeLessThan(0.5);
  });

  it('scores a run directory: images with the classifier, 2-D points against real-points.json', async () => {
    const img = join(dir, 'run-img');
    const g = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [4], units: 784, activation: 'tanh' }),
        tf.layers.reshape({ targetShape: [28, 28, 1] }),
      ],
    });
    await g.save(new FileModelIO(join(img, RUN_FILES.generatorDir)));
    g.dispose();
    writeJsonAtomic(
      join(img, RUN_FILES.modelCard),
      card({ kind: 'image', height: 28, width: 28, channels: 1, range: [-1, 1] }, 4),
    );
    capture();
    expect(await main(['--run', img, '-n', '200', ...SMALL])).toBe(0);
    expect(logs[0]).toMatch(/evaluator fmnist-classifier-v1 · 200 generated/);

    const pts = join(dir, 'run-2d');
    const p = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 2 })] });
    await p.save(new FileModelIO(join(pts, RUN_FILES.generatorDir)));
    p.dispose();
    writeJsonAtomic(join(pts, RUN_FILES.modelCard), card({ kind: 'points', dims: 2 }, 2));
    writeJsonAtomic(join(pts, RUN_FILES.realPoints), {
      points: Array.from({ length: 100 }, (_, i) => [Math.sin(i), Math.cos(i) + 2]),
    });
    capture();
    expect(await main(['--run', pts, '-n', '500'])).toBe(0);
    expect(logs[0]).toMatch(/^evaluator points-2d · 500 generated vs 100 real points/);
    expect(logs.some((l) => /^grid JS\s+\d/.test(l))).toBe(true);
  });

  it('samples a conditional run with every class in turn: a class-mean generator covers all 10 classes', async () => {
    // G(z, c) = the mean test image of class c (+ 0·z): only balanced labels reach all classes, and
    // one image per class is the textbook collapsed generator (no recall).
    const images = readIdxImages(DEFAULT_REFERENCE, 2000);
    const labels = readIdxLabels(DEFAULT_REFERENCE.replace('images-idx3', 'labels-idx1')).subarray(0, 2000);
    const means = new Float32Array(10 * 784);
    const counts = new Array<number>(10).fill(0);
    labels.forEach((c, i) => {
      counts[c]!++;
      for (let k = 0; k < 784; k++) means[c * 784 + k]! += images.pixels[i * 784 + k]! / 127.5 - 1;
    });
    for (let c = 0; c < 10; c++) for (let k = 0; k < 784; k++) means[c * 784 + k]! /= counts[c]!;
    const z = tf.input({ shape: [4] });
    const label = tf.input({ shape: [1], dtype: 'int32' });
    const emb = tf.layers
      .embedding({ inputDim: 10, outputDim: 784, weights: [tf.tensor2d(means, [10, 784])] })
      .apply(label) as tf.SymbolicTensor;
    const zero = tf.layers
      .dense({ units: 784, useBias: false, kernelInitializer: 'zeros' })
      .apply(z) as tf.SymbolicTensor;
    const sum = tf.layers.add().apply([tf.layers.flatten().apply(emb) as tf.SymbolicTensor, zero]);
    const out = tf.layers.reshape({ targetShape: [28, 28, 1] }).apply(sum) as tf.SymbolicTensor;
    const g = tf.model({ inputs: [z, label], outputs: out });
    const run = join(dir, 'run-cgan');
    await g.save(new FileModelIO(join(run, RUN_FILES.generatorDir)));
    g.dispose();
    writeJsonAtomic(
      join(run, RUN_FILES.modelCard),
      card({ kind: 'image', height: 28, width: 28, channels: 1, range: [-1, 1] }, 4),
    );
    capture();
    const json = join(dir, 'cgan.json');
    expect(await main(['--run', run, '-n', '300', '--json', json, ...SMALL])).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.classesPresent).toBeGreaterThanOrEqual(9);
    expect(report.recall).toBeLessThan(0.1);
  });

  it('samples a conditional ONNX generator (--model, or --onnx) with every class in turn, or --labels', async () => {
    // G(z, label) = the mean test image of that class + 0·z, as a cgan export takes them (label int64 [N]).
    const images = readIdxImages(DEFAULT_REFERENCE, 2000);
    const labels = readIdxLabels(DEFAULT_REFERENCE.replace('images-idx3', 'labels-idx1')).subarray(0, 2000);
    const means = new Float32Array(10 * 784);
    const counts = new Array<number>(10).fill(0);
    labels.forEach((c, i) => {
      counts[c]!++;
      for (let k = 0; k < 784; k++) means[c * 784 + k]! += images.pixels[i * 784 + k]! / 127.5 - 1;
    });
    for (let c = 0; c < 10; c++) for (let k = 0; k < 784; k++) means[c * 784 + k]! /= counts[c]!;
    const f = DataType.FLOAT;
    const info = (name: string, elemType: number, shape: (number | string)[]): ValueInfo => ({
      name,
      type: {
        tensorType: {
          elemType,
          shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
        },
      },
    });
    const model = (classNames: boolean) =>
      encodeModel({
        irVersion: 8,
        opsetImport: [{ domain: '', version: 17 }],
        producerName: 'ganforge-test',
        graph: {
          name: 'g',
          node: [
            { opType: 'Gather', input: ['E', 'label'], output: ['m'], name: 'm' },
            { opType: 'MatMul', input: ['z', 'W'], output: ['zw'], name: 'zw' },
            { opType: 'Add', input: ['m', 'zw'], output: ['s'], name: 's' },
            { opType: 'Reshape', input: ['s', 'S'], output: ['image'], name: 'image' },
          ],
          initializer: [
            { name: 'E', dims: [10, 784], dataType: f, rawData: new Uint8Array(means.buffer) },
            { name: 'W', dims: [4, 784], dataType: f, rawData: new Uint8Array(4 * 784 * 4) },
            { name: 'S', dims: [4], dataType: DataType.INT64, int64Data: [-1, 1, 28, 28] },
          ],
          input: [info('z', f, ['N', 4]), info('label', DataType.INT64, ['N'])],
          output: [info('image', f, ['N', 1, 28, 28])],
        },
        metadataProps: [
          { key: 'ganforge.kind', value: 'image' },
          { key: 'ganforge.latent_dim', value: '4' },
          { key: 'ganforge.output_range', value: '-1,1' },
          ...(classNames ? [{ key: 'ganforge.class_names', value: JSON.stringify([...'abcdefghij']) }] : []),
        ],
      });
    const path = join(dir, 'cgan.onnx');
    writeFileSync(path, model(true));
    const json = join(dir, 'cgan-onnx.json');
    for (const flag of ['--model', '--onnx']) {
      capture();
      expect(await main([flag, path, '-n', '300', '--json', json, ...SMALL]), errors.join('\n')).toBe(0);
      expect(JSON.parse(readFileSync(json, 'utf8')).classesPresent).toBeGreaterThanOrEqual(9);
    }
    capture();
    expect(await main(['--model', path, '--labels', '3', '-n', '200', '--json', json, ...SMALL])).toBe(0);
    expect(JSON.parse(readFileSync(json, 'utf8')).classesPresent).toBe(1);
    // Without class names the classes are not known: one line asks for --labels.
    const bare = join(dir, 'cgan-bare.onnx');
    writeFileSync(bare, model(false));
    capture();
    expect(await main(['--model', bare, '-n', '100', ...SMALL])).toBe(1);
    expect(errors).toEqual([
      expect.stringMatching(/^eval: .*cgan-bare\.onnx is a conditional generator .* pass --labels/),
    ]);
    capture();
    expect(await main(['--model', path, '--labels', '12', '-n', '100', ...SMALL])).toBe(1);
    expect(errors).toEqual([
      expect.stringMatching(/^eval: --labels: 12 is not a class of .*cgan\.onnx \(0\.\.9\)/),
    ]);
  });

  it('answers bad input with one line and exit code 1', async () => {
    const cases: [string[], RegExp][] = [
      [[], /^eval: give exactly one of --run <dir>, --model <file.onnx>, --idx <file>$/],
      [['--idx', join(dir, 'missing.gz')], /^eval: dataset file not found: .*missing\.gz$/],
      [['--run', dir], /^eval: .* is not a run directory with a generator/],
      [['--onnx', join(dir, 'nope.onnx')], /^eval: ONNX file not found/],
    ];
    for (const [args, message] of cases) {
      capture();
      expect(await main(args)).toBe(1);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(message);
    }
    const notIdx = join(dir, 'text.gz');
    writeFileSync(notIdx, 'hello');
    capture();
    expect(await main(['--idx', notIdx])).toBe(1);
    expect(errors[0]).toMatch(/^eval: .*is not an IDX image file/);
  });
});
