import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../kernels/backend';
import { resolveConfig, type ConfigOverrides } from '../config';
import { modeSeekingTerm } from './losses';
import { buildModels } from '../models';
import { RunDir } from '@ganforge/contracts';
import { FileModelIO } from '../run/model-io';
import { train } from '../loop/train';

const dirs: string[] = [];
const tmp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'gf-gans-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
// Image folders are cached under GANFORGE_CACHE_DIR (else the shared <tmpdir>/ganforge-cache).
const cacheEnv = process.env.GANFORGE_CACHE_DIR;
beforeAll(() => {
  process.env.GANFORGE_CACHE_DIR = join(tmp(), 'cache');
});
afterAll(() => {
  if (cacheEnv === undefined) delete process.env.GANFORGE_CACHE_DIR;
  else process.env.GANFORGE_CACHE_DIR = cacheEnv;
});
/** A few steps on 64 bundled images with small networks. */
const small: ConfigOverrides = {
  preset: 'mlp',
  epochs: 1,
  limit: 64,
  batchSize: 16,
  hiddenG: [32],
  hiddenD: [32],
  latentDim: 8,
  filtersG: 4,
  filtersD: 4,
};

/** A folder of 16x16 RGB images in two class subfolders (flat colours, one shade per image). */
async function imageFolder(): Promise<string> {
  const root = join(tmp(), 'images');
  for (const [k, cls] of ['dark', 'light'].entries()) {
    mkdirSync(join(root, cls), { recursive: true });
    for (let i = 0; i < 16; i++) {
      const v = k === 0 ? 10 + i * 4 : 240 - i * 4;
      await sharp(Buffer.alloc(16 * 16 * 3, v), { raw: { width: 16, height: 16, channels: 3 } })
        .png()
        .toFile(join(root, cls, `${i}.png`));
    }
  }
  return root;
}

async function trainedOk(flags: ConfigOverrides) {
  const out = join(tmp(), 'run');
  const result = await train(resolveConfig({ flags: { ...small, ...flags, out } }));
  expect(result.steps).toBeGreaterThan(0);
  for (const m of result.metrics) {
    expect(Number.isFinite(m.lossD)).toBe(true);
    expect(Number.isFinite(m.lossG)).toBe(true);
  }
  return { out, result, run: new RunDir(out) };
}

describe('every preset trains a few steps with finite losses', () => {
  it.each(['fashion', 'mlp', 'tiny', 'cgan', 'wgan', 'wgan-gp', 'dcgan28'])('%s', async (preset) => {
    const { run } = await trainedOk({ preset });
    expect(run.readState().status).toBe('completed');
  });

  it('dcgan64 on a folder of RGB images, both generator variants, conditional on the subfolders', async () => {
    const dataset = await imageFolder();
    for (const upsample of ['transpose', 'resize-conv'] as const) {
      const { out, run } = await trainedOk({
        preset: 'dcgan64',
        dataset,
        imageSize: 16,
        upsample,
        conditional: true,
        batchSize: 8,
      });
      const card = run.readModelCard();
      expect(card.output).toEqual({ kind: 'image', height: 16, width: 16, channels: 3, range: [-1, 1] });
      expect(card.classNames).toEqual(['dark', 'light']);
      const g = await tf.loadLayersModel(new FileModelIO(join(out, 'generator')));
      expect(g.inputs.map((t) => t.shape)).toEqual([
        [null, 8],
        [null, 1],
      ]);
      expect(g.outputs[0]!.shape).toEqual([null, 16, 16, 3]);
      const classes = g.layers.map((l) => l.getClassName());
      expect(classes).toContain(upsample === 'transpose' ? 'Conv2DTranspose' : 'UpSampling2D');
      expect(classes).toContain('Embedding');
      g.dispose();
    }
  });
});

describe('objectives and training options', () => {
  it.each<[string, ConfigOverrides]>([
    ['minimax', { loss: 'minimax' }],
    ['least-squares', { loss: 'least-squares' }],
    ['hinge', { loss: 'hinge' }],
    ['wasserstein + clipping', { loss: 'wasserstein', clipValue: 0.01 }],
    ['softmax two-class head', { discriminatorHead: 'softmax2' }],
    [
      'label smoothing + instance noise + EMA + 2 D steps',
      { labelSmoothing: 0.1, instanceNoise: 0.5, emaDecay: 0.9, dSteps: 2 },
    ],
    ['mode seeking', { modeSeeking: 1 }],
  ])('%s', async (_name, flags) => {
    await trainedOk({ preset: 'tiny', ...flags });
  });

  it('weight clipping keeps every critic weight within [-c, c]', async () => {
    const { out } = await trainedOk({ preset: 'wgan', clipValue: 0.005 });
    const d = await tf.loadLayersModel(new FileModelIO(join(out, 'discriminator')));
    // Every parameter, BatchNorm's γ and β included (as PyTorch clamps them); not its running statistics.
    expect(d.trainableWeights.length).toBeGreaterThan(4);
    for (const w of d.trainableWeights)
      expect(w.read().abs().max().dataSync()[0]).toBeLessThanOrEqual(0.005 + 1e-7);
    d.dispose();
  });

  it('the gradient penalty drives the critic towards unit gradient norm', async () => {
    // A critic that barely moves stays nearly flat: gradient norm ~0, penalty ~λ = 10.
    const frozen = await trainedOk({ preset: 'wgan-gp', epochs: 3, limit: 128, lrD: 1e-9 });
    expect(frozen.result.metrics[2]!.lossD).toBeGreaterThan(5);
    // Trained, the penalty's own gradient brings the norm towards 1 and the loss far down.
    const trained = await trainedOk({ preset: 'wgan-gp', epochs: 3, limit: 128, lrD: 5e-3 });
    expect(trained.result.metrics[2]!.lossD).toBeLessThan(3);
  });

  it('cgan draws one row per class and records the class names', async () => {
    const { out, run } = await trainedOk({ preset: 'cgan' });
    expect(run.readModelCard().classNames).toHaveLength(10);
    const meta = await sharp(readFileSync(join(out, 'samples', 'epoch-0001.png'))).metadata();
    // 10 rows and 10 columns of 28 px with 2 px gaps, scaled 2x.
    expect([meta.width, meta.height]).toEqual([(10 * 30 + 2) * 2, (10 * 30 + 2) * 2]);
    expect(readFileSync(join(out, 'losses.png')).subarray(1, 4).toString()).toBe('PNG');
  });

  it('a projection discriminator scores the same image differently per label, without a label plane', async () => {
    const config = resolveConfig({ flags: { ...small, preset: 'cgan', conditioning: 'projection' } });
    const { generator, discriminator } = buildModels(tf, config, { shape: [28, 28, 1], numClasses: 10 });
    const classes = discriminator.layers.map((l) => l.getClassName());
    expect(classes).toContain('Dot');
    expect(discriminator.inputs[0]!.shape).toEqual([null, 28, 28, 1]);
    // The image goes straight into the first convolution (concat conditioning adds a label plane: 2 channels).
    const firstConv = discriminator.layers.find((l) => l.getClassName() === 'Conv2D')!;
    expect((firstConv.getWeights()[0]!.shape as number[])[2]).toBe(1);
    const scores = tf.tidy(() => {
      const same = tf.tile(tf.randomUniform([1, 28, 28, 1], -1, 1, 'float32', 3), [10, 1, 1, 1]);
      const labels = tf.tensor2d([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [10, 1], 'int32');
      return Array.from((discriminator.predict([same, labels]) as tf.Tensor).dataSync());
    });
    expect(new Set(scores.map((v) => v.toFixed(6))).size).toBe(10);
    generator.dispose();
    discriminator.dispose();
  });

  it('the mode-seeking term is large when G ignores z and 1/(image distance / z distance) otherwise', () => {
    const [collapsed, moving] = tf.tidy(() => {
      const z = tf.concat([tf.zeros([2, 4]), tf.ones([2, 4])]); // |z1 - z2| = 1
      const same = tf.ones([4, 3, 3, 1]);
      const apart = tf.concat([tf.zeros([2, 3, 3, 1]), tf.fill([2, 3, 3, 1], 0.5)]); // |x1 - x2| = 0.5
      return [modeSeekingTerm(tf, same, z).dataSync()[0]!, modeSeekingTerm(tf, apart, z).dataSync()[0]!];
    });
    expect(collapsed).toBeCloseTo(1e5, -1);
    expect(moving).toBeCloseTo(1 / (0.5 + 1e-5), 4);
  });

  it("the WGAN critic schedule holds G's first update back for 100 critic steps", async () => {
    const flags = { preset: 'wgan', dSteps: 1, limit: 64 } as const; // 4 steps of 16
    const before = buildModels(tf, resolveConfig({ flags: { ...small, ...flags } }), { shape: [28, 28, 1] });
    // Trainable weights only: BatchNorm's running statistics move whenever G runs in training mode.
    const initial = before.generator.trainableWeights.map((w) => Array.from(w.read().dataSync()));
    for (const criticBoost of [true, false]) {
      const { out } = await trainedOk({ ...flags, criticBoost });
      const g = await tf.loadLayersModel(new FileModelIO(join(out, 'generator')));
      const unchanged = g.trainableWeights.every((w, i) =>
        Array.from(w.read().dataSync()).every((v, j) => v === initial[i]![j]),
      );
      // Boosted: 4 critic steps, no generator update yet. Plain dSteps=1: G moved at every step.
      expect(unchanged).toBe(criticBoost);
      g.dispose();
    }
    before.generator.dispose();
    before.discriminator.dispose();
  });

  it('refuses combinations that do not go together', () => {
    expect(() => resolveConfig({ flags: { preset: 'dcgan28', conditional: true } })).toThrow(
      /conditional=true needs model mlp or dcgan64/,
    );
    expect(() => resolveConfig({ flags: { loss: 'hinge', discriminatorHead: 'softmax2' } })).toThrow(
      /softmax2/,
    );
    expect(() =>
      resolveConfig({ flags: { preset: 'cgan', conditioning: 'projection', discriminatorHead: 'softmax2' } }),
    ).toThrow(/projection adds to a single logit/);
    expect(() => resolveConfig({ flags: { modeSeeking: 1, batchSize: 15 } })).toThrow(/even --batchSize/);
  });
});
