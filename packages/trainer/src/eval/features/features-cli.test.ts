/** `eval` on 64x64 RGB runs: the emoji evaluator by the run's dataset, and ONNX feature models (--features). */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataType, encodeModel, type NodeProto, type ValueInfo } from '@ganforge/inference/onnx';
import { type ModelCard, RUN_FILES, writeJsonAtomic } from '@ganforge/contracts';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { initBackend, tf } from '../../kernels/backend';
import { FileModelIO } from '../../run/model-io';
import { main } from '../../cli/eval';
import { writeIdxImages } from '../../data/idx';
import { resizeSamples, sampleRun } from '../sources';
import { parseRange } from './select';

const SMALL = ['-n', '200', '--kid-subsets', '2', '--kid-subset-size', '100'];
let dir: string;
let run: string;
let logs: string[];
let errors: string[];

function capture(): void {
  logs = [];
  errors = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void logs.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void errors.push(a.join(' ')));
}

const card: ModelCard = {
  name: 'fixture',
  preset: 'emoji',
  dataset: { name: 'emoji', examples: 1906 },
  latentDim: 8,
  output: { kind: 'image', height: 64, width: 64, channels: 3, range: [-1, 1] },
  epochs: 1,
  steps: 1,
  generatorParams: 1,
  discriminatorParams: 1,
  wallTimeSec: 1,
  finalMetrics: {},
  reproduce: 'fixture',
};

/** An ONNX model of `nodes` from image [N, 3, H, W] to `out` of `outShape`. */
function onnxModel(path: string, nodes: NodeProto[], outShape: (number | string)[]): void {
  const vi = (name: string, shape: (number | string)[]): ValueInfo => ({
    name,
    type: {
      tensorType: {
        elemType: DataType.FLOAT,
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });
  const bytes = encodeModel({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'ganforge-test',
    graph: {
      name: 'f',
      node: nodes,
      initializer: [],
      input: [vi('image', ['N', 3, 'H', 'W'])],
      output: [vi('out', outShape)],
    },
  });
  writeFileSync(path, bytes);
}

beforeAll(async () => {
  await initBackend('wasm');
  dir = mkdtempSync(join(tmpdir(), 'ganforge-features-'));
  run = join(dir, 'run');
  const g = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [8], units: 64 * 64 * 3, activation: 'tanh' }),
      tf.layers.reshape({ targetShape: [64, 64, 3] }),
    ],
  });
  await g.save(new FileModelIO(join(run, RUN_FILES.generatorDir)));
  g.dispose();
  writeJsonAtomic(join(run, RUN_FILES.modelCard), card);
  // Mean colour per image: a 3-D feature any image has.
  onnxModel(
    join(dir, 'mean-colour.onnx'),
    [
      { opType: 'GlobalAveragePool', input: ['image'], output: ['pooled'], name: 'pool' },
      { opType: 'Flatten', input: ['pooled'], output: ['out'], name: 'flat' },
    ],
    ['N', 3],
  );
  onnxModel(
    join(dir, 'image-out.onnx'),
    [{ opType: 'Identity', input: ['image'], output: ['out'], name: 'id' }],
    ['N', 3, 'H', 'W'],
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const setDataset = (dataset: string) => writeJsonAtomic(join(run, RUN_FILES.config), { dataset });

describe('eval on 64x64 RGB samples', () => {
  it('scores a run on the emoji set with emoji-classifier-v1 against that set', async () => {
    setDataset('emoji');
    capture();
    const json = join(dir, 'emoji.json');
    expect(await main(['--run', run, '--json', json, ...SMALL])).toBe(0);
    expect(logs[0]).toMatch(/^evaluator emoji-classifier-v1 · 200 generated vs 1906 reference images/);
    expect(logs.some((l) => l.startsWith('classes present '))).toBe(true);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.classes).toBe(9);
    expect(report.fd).toBeGreaterThan(1);
  });

  it('scores the run’s samples as a 4-D RGB IDX file as it scores the run; 80x80 ones with --resize 64', async () => {
    setDataset('emoji');
    const report = async (args: string[]) => {
      capture();
      const json = join(dir, 'same.json');
      expect(await main([...args, '--json', json, ...SMALL])).toBe(0);
      return { head: logs[0], fd: (JSON.parse(readFileSync(json, 'utf8')) as { fd: number }).fd };
    };
    const fromRun = await report(['--run', run]);
    // The same 200 samples (seed 1) as bytes, [N, 64, 64, 3] and resized to 80x80.
    const { samples } = await sampleRun(run, 200, 1);
    if (samples.kind !== 'image') throw new Error('images expected');
    const bytes = (v: Float32Array) =>
      Uint8Array.from(v, (x) => Math.round((Math.min(1, Math.max(-1, x)) + 1) * 127.5));
    writeIdxImages(join(dir, 's64.gz'), bytes(samples.values), {
      count: 200,
      rows: 64,
      cols: 64,
      channels: 3,
    });
    const big = await resizeSamples(samples, 80);
    writeIdxImages(join(dir, 's80.gz'), bytes(big.values), { count: 200, rows: 80, cols: 80, channels: 3 });
    const fromIdx = await report(['--idx', join(dir, 's64.gz'), '--ref', 'emoji']);
    expect(fromIdx.head).toBe(fromRun.head);
    expect(fromRun.head).toMatch(/^evaluator emoji-classifier-v1 · 200 generated vs 1906 reference images/);
    expect(Math.abs(fromIdx.fd - fromRun.fd) / fromRun.fd).toBeLessThan(0.01);
    const resized = await report(['--idx', join(dir, 's80.gz'), '--resize', '64']);
    expect(resized.head).toBe(fromRun.head);
    expect(Math.abs(resized.fd - fromRun.fd) / fromRun.fd).toBeLessThan(0.2);
  });

  it('scores a run on other data against those images (here gone: one line), or in an ONNX model’s features against --ref', async () => {
    setDataset('/data/my-photos');
    capture();
    expect(await main(['--run', run, ...SMALL])).toBe(1);
    expect(errors).toEqual([
      "eval: the run's dataset /data/my-photos is not there (the default evaluator compares with the run's own images): pass --ref <images> (a folder, an IDX file or a dataset name)",
    ]);

    capture();
    const features = join(dir, 'mean-colour.onnx');
    const json = join(dir, 'features.json');
    const args = ['--run', run, '--features', features, '--ref', 'emoji', '--features-range', '0,1'];
    expect(await main([...args, '--json', json, ...SMALL])).toBe(0);
    expect(logs[0]).toMatch(/^evaluator features:mean-colour\.onnx · 200 generated vs 1906 reference images/);
    expect(logs.some((l) => l.startsWith('classifier score'))).toBe(false);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.fd).toBeGreaterThan(0);
    expect(report.classesPresent).toBeUndefined();
  });

  it('explains a feature model whose output is not one vector per image, in one line', async () => {
    setDataset('emoji');
    capture();
    expect(await main(['--run', run, '--features', join(dir, 'image-out.onnx'), ...SMALL])).toBe(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^eval: features:image-out\.onnx gives float32 \[100, 3, 64, 64\] for 100 images: a feature model's first output must be one vector per image, \[N, D\]/,
    );
    capture();
    expect(await main(['--run', run, '--features', join(dir, 'missing.onnx'), ...SMALL])).toBe(1);
    expect(errors[0]).toMatch(/^eval: feature model not found: .*missing\.onnx$/);
    expect(parseRange('0, 255')).toEqual([0, 255]);
    expect(() => parseRange('1,0')).toThrow(/lo < hi/);
  });
});
