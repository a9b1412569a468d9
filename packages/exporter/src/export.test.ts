import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { META } from '@ganforge/contracts/onnx';
import { decodeModel } from '@ganforge/inference/onnx';
import { RunDir, type ModelCard } from '@ganforge/contracts';
import { initBackend, tf } from '@ganforge/trainer';
import { exportGenerator } from './export';
import { LayersModelLoadError } from './errors';
import { checkOnnx, saveModel, tempDir } from './test/helpers';

const tmp = tempDir();
beforeAll(async () => {
  await initBackend();
});
afterAll(() => tmp.cleanup());

function card(overrides: Partial<ModelCard>): ModelCard {
  return {
    name: 'test',
    preset: 'mlp-mnist',
    dataset: { name: 'synthetic', examples: 10 },
    latentDim: 4,
    output: { kind: 'image', height: 6, width: 5, channels: 1, range: [-1, 1] },
    epochs: 1,
    steps: 1,
    generatorParams: 1,
    discriminatorParams: 1,
    wallTimeSec: 1,
    finalMetrics: {},
    reproduce: 'npx nx run trainer:train',
    ...overrides,
  };
}

async function makeRun(name: string, model: tf.LayersModel, modelCard?: ModelCard): Promise<RunDir> {
  const run = new RunDir(join(tmp.dir, name));
  await saveModel(model, run.generatorDir);
  if (modelCard) run.writeModelCard(modelCard);
  return run;
}

function mlp(latent: number, units: number, activation: 'tanh' | 'linear'): tf.LayersModel {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 16, inputShape: [latent], activation: 'relu' }));
  m.add(tf.layers.dense({ units, activation }));
  return m;
}

const metaOf = (file: string) =>
  Object.fromEntries((decodeModel(readFileSync(file)).metadataProps ?? []).map((p) => [p.key, p.value]));

describe('exportGenerator with a run directory', () => {
  it('writes generator.onnx with the model card metadata and records the export in the card', async () => {
    const run = await makeRun('run-image', mlp(4, 30, 'tanh'), card({ classNames: ['zero', 'one'] }));
    const result = await exportGenerator({ run: run.root });
    expect(result.file).toBe(run.onnxPath);
    expect(result.bytes).toBe(statSync(run.onnxPath).size);
    // The flat [N, 30] output is the card's 6x5x1 image, served as NCHW.
    expect(result.outputs).toEqual([{ name: 'image', dtype: 'float32', shape: ['N', 1, 6, 5] }]);
    expect(result.maxAbsDiff as number).toBeLessThan(1e-4);
    checkOnnx(run.onnxPath);
    expect(metaOf(run.onnxPath)).toEqual({
      [META.kind]: 'image',
      [META.latentDim]: '4',
      [META.outputShape]: '1,6,5',
      [META.layout]: 'NCHW',
      [META.outputRange]: '-1,1',
      [META.classNames]: '["zero","one"]',
      [META.preset]: 'mlp-mnist',
      [META.sourceRun]: basename(run.root),
    });
    const exported = run.readModelCard().export;
    expect(exported).toMatchObject({
      file: 'generator.onnx',
      bytes: result.bytes,
      opset: 17,
      verifiedBatches: [1, 7],
    });
    expect(exported?.maxAbsDiff).toBe(result.maxAbsDiff);
    expect(Date.parse(exported?.exportedAt ?? '')).not.toBeNaN();
  });

  it('exports a points generator without verification when asked, to a custom path', async () => {
    const run = await makeRun(
      'run-points',
      mlp(3, 2, 'linear'),
      card({ preset: 'gaussian2d', latentDim: 3, output: { kind: 'points', dims: 2 } }),
    );
    mkdirSync(join(tmp.dir, 'elsewhere'));
    const out = join(tmp.dir, 'elsewhere', 'g.onnx');
    const result = await exportGenerator({ run: run.root, out, verify: false, opset: 15 });
    expect(result).toMatchObject({ file: out, maxAbsDiff: null, verified: [], passed: null, opset: 15 });
    expect(result.outputs).toEqual([{ name: 'points', dtype: 'float32', shape: ['N', 2] }]);
    checkOnnx(out);
    expect(metaOf(out)[META.layout]).toBe('flat');
    expect(run.readModelCard().export).toMatchObject({
      file: out,
      maxAbsDiff: null,
      verifiedBatches: [],
      opset: 15,
    });
  });

  it('infers the metadata from the shapes when the run has no model card', async () => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: 2 * 2 * 3, inputShape: [5], activation: 'sigmoid' }));
    m.add(tf.layers.reshape({ targetShape: [2, 2, 3] }));
    const run = await makeRun('run-nocard', m);
    const result = await exportGenerator({ run: run.root });
    expect(result.modelCard).toBeUndefined();
    expect(metaOf(result.file)).toMatchObject({ [META.outputShape]: '3,2,2', [META.outputRange]: '0,1' });
  });

  it('refuses a model card that disagrees with the generator', async () => {
    const run = await makeRun('run-mismatch', mlp(4, 30, 'tanh'), card({ latentDim: 8 }));
    await expect(exportGenerator({ run: run.root })).rejects.toThrow(/latentDim 8 but the generator takes 4/);
    const run2 = await makeRun('run-mismatch2', mlp(4, 31, 'tanh'), card({}));
    await expect(exportGenerator({ run: run2.root })).rejects.toThrow(
      /does not hold a 6x5x1 \(HxWxC\) image/,
    );
    // Same number of values but a different image: refused rather than silently reshaped.
    const other = tf.sequential();
    other.add(tf.layers.dense({ units: 30, inputShape: [4] }));
    other.add(tf.layers.reshape({ targetShape: [5, 6, 1] }));
    const run3 = await makeRun('run-mismatch3', other, card({}));
    await expect(exportGenerator({ run: run3.root })).rejects.toThrow(
      /output \[N, 5, 6, 1\] does not hold a 6x5x1/,
    );
  });

  it('says what is missing for a bad run directory', async () => {
    await expect(exportGenerator({ run: join(tmp.dir, 'no-such-run') })).rejects.toThrow(
      /run directory not found/,
    );
    const empty = tempDir();
    try {
      await expect(exportGenerator({ run: empty.dir })).rejects.toThrow(
        /no generator in .*generator\/model.json/,
      );
    } finally {
      empty.cleanup();
    }
  });
});

describe('bad input: one clear error, nothing written', () => {
  /** A saved two-layer model in its own folder; returns its paths. */
  async function saved(name: string): Promise<{ dir: string; json: string; weights: string }> {
    const dir = join(tmp.dir, name);
    const json = await saveModel(mlp(3, 2, 'tanh'), dir);
    return { dir, json, weights: join(dir, 'weights.bin') };
  }
  const onnxFiles = (dir: string) => readdirSync(dir).filter((f) => f.includes('.onnx'));

  it.each([
    [
      'a missing model.json',
      (d: string) => rmSync(join(d, 'model.json')),
      /model file not found: .*model.json/,
    ],
    [
      'a model.json that is not JSON',
      (d: string) => writeFileSync(join(d, 'model.json'), '{"modelTopology": {'),
      /model.json is not valid JSON .*is the file truncated\?/,
    ],
    [
      'a model.json without a topology',
      (d: string) => writeFileSync(join(d, 'model.json'), '{"weightsManifest": []}'),
      /has no modelTopology: not a TF.js LayersModel/,
    ],
    [
      'a missing weights file',
      (d: string) => rmSync(join(d, 'weights.bin')),
      /weights file missing: .*weights.bin \(listed in .*model.json\)/,
    ],
    [
      'a truncated weights file',
      (d: string) =>
        writeFileSync(join(d, 'weights.bin'), readFileSync(join(d, 'weights.bin')).subarray(0, 20)),
      /hold 20 bytes but the manifest needs 392: the files are truncated/,
    ],
    [
      'a weights file that is too long',
      (d: string) =>
        writeFileSync(
          join(d, 'weights.bin'),
          Buffer.concat([readFileSync(join(d, 'weights.bin')), Buffer.alloc(8)]),
        ),
      /hold 400 bytes but the manifest needs 392/,
    ],
  ])('%s', async (name, damage, message) => {
    const m = await saved(`bad-${name.replace(/\W+/g, '-')}`);
    damage(m.dir);
    const err = await exportGenerator({ model: m.json }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LayersModelLoadError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('\n');
    expect(onnxFiles(m.dir)).toEqual([]);
  });

  it('an activation TF.js does not know is named in one line, with the supported ones', async () => {
    const m = await saved('bad-activation');
    const model = JSON.parse(readFileSync(m.json, 'utf8'));
    const layers = model.modelTopology.config.layers as {
      class_name: string;
      config: Record<string, unknown>;
    }[];
    layers.find((l) => l.class_name === 'Dense')!.config.activation = 'wiggle';
    writeFileSync(m.json, JSON.stringify(model));
    const err = (await exportGenerator({ model: m.json }).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(
      /^layer '.+' uses activation 'wiggle', which is not supported; supported activations: linear, relu/,
    );
    expect(err.message).not.toContain('\n');
    expect(onnxFiles(m.dir)).toEqual([]);
  });

  it('weights holding NaN are named as such, not as a failed parity check', async () => {
    const m = await saved('nan-weights');
    const bytes = readFileSync(m.weights);
    bytes.writeFloatLE(Number.NaN, 8);
    writeFileSync(m.weights, bytes);
    await expect(exportGenerator({ model: m.json })).rejects.toThrow(
      /model\.json: weight .+ holds NaN \(value 2 of \d+\): the model diverged; export an earlier checkpoint or retrain$/,
    );
    expect(onnxFiles(m.dir)).toEqual([]);
  });

  it('an output folder that does not exist is refused before any work', async () => {
    const m = await saved('no-folder');
    const out = join(tmp.dir, 'no-such-folder', 'g.onnx');
    await expect(exportGenerator({ model: m.json, out })).rejects.toThrow(
      /^output folder .*no-such-folder does not exist; create it first or pass another --out$/,
    );
    expect(existsSync(join(tmp.dir, 'no-such-folder'))).toBe(false);
  });

  it('a read-only target file is left untouched', async () => {
    const m = await saved('read-only-file');
    const out = join(m.dir, 'g.onnx');
    writeFileSync(out, 'previous');
    chmodSync(out, 0o444);
    await expect(exportGenerator({ model: m.json, out })).rejects.toThrow(
      /^output file .*g.onnx is read-only; make it writable or pass another --out$/,
    );
    expect(readFileSync(out, 'utf8')).toBe('previous');
    expect(onnxFiles(m.dir)).toEqual(['g.onnx']);
  });

  it('a read-only output folder is refused', async () => {
    const m = await saved('read-only-folder');
    const folder = join(m.dir, 'locked');
    mkdirSync(folder);
    chmodSync(folder, 0o555);
    try {
      await expect(exportGenerator({ model: m.json, out: join(folder, 'g.onnx') })).rejects.toThrow(
        /^output folder .*locked is not writable; pass another --out$/,
      );
      expect(readdirSync(folder)).toEqual([]);
    } finally {
      chmodSync(folder, 0o755);
    }
  });

  it('an output path that is a directory is refused', async () => {
    const m = await saved('dir-target');
    await expect(exportGenerator({ model: m.json, out: m.dir })).rejects.toThrow(
      /is a directory; pass a file path/,
    );
  });

  it('an export that fails verification writes nothing', async () => {
    // Weights beyond float16's range (65504) become infinite with --fp16, so onnxruntime disagrees with
    // TF.js; in float32 the two layers (x 1e5, then x 1e-5) give ordinary outputs.
    const m = tf.sequential();
    const constant = (value: number) => tf.initializers.constant({ value });
    m.add(tf.layers.dense({ units: 2, inputShape: [3], kernelInitializer: constant(1e5) }));
    m.add(tf.layers.dense({ units: 2, kernelInitializer: constant(1e-5) }));
    const dir = join(tmp.dir, 'overflow');
    const json = await saveModel(m, dir);
    await expect(exportGenerator({ model: json, fp16: true })).rejects.toThrow(
      /^verification failed: max \|tfjs - onnxruntime\| \(batch 1: .*\) exceeds 0.005; nothing written/,
    );
    expect(onnxFiles(dir)).toEqual([]);
    // The same model in float32 is fine.
    expect((await exportGenerator({ model: json })).passed).toBe(true);
  });
});
