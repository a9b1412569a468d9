/**
 * The default evaluator (any image run no bundled one fits): its features rank real images of a
 * user's own folder above blurred or noised copies and those above noise, a folder run scored with
 * --evalEvery records the figures and names the evaluator, and `eval` scores such a run.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import sharp from 'sharp';
import { ModelCardSchema, RunDir } from '@ganforge/contracts';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main as evalMain } from '../../cli/eval';
import { resolveConfig } from '../../config';
import { initBackend } from '../../kernels/backend';
import { train } from '../../loop/train';
import { evaluateImages, referenceFeatures, type ImageEvalReport } from '../evaluate';
import { qualityLines } from '../hook';
import { writeIdxImages } from '../../data/idx';
import { DEFAULT_REFERENCE, readIdxSamples, sampleRun } from '../sources';
import { ANY_IMAGE_EVALUATOR_NAME, PooledConvFeatures } from './any-image';
import type { ImageSet } from './extractor';
import { datasetImages, ownReference } from './select';

const FAST = { kidSubsets: 4, kidSubsetSize: 200 };
let dir: string;
const cacheEnv = process.env.GANFORGE_CACHE_DIR;

/**
 * Fashion-MNIST test images `from`..`from + count` as PNG files in `folder`, upscaled to `size` px:
 * grayscale, or RGB with a colour per image (a user's own folder of small pictures).
 */
async function fashionFolder(folder: string, from: number, count: number, size: number, rgb: boolean) {
  mkdirSync(folder, { recursive: true });
  const all = readIdxSamples(DEFAULT_REFERENCE, from + count) as ImageSet;
  const rng = seedrandom.alea(`tint:${from}`);
  for (let i = 0; i < count; i++) {
    const grey = Buffer.from(
      all.values.subarray((from + i) * 784, (from + i + 1) * 784).map((v) => (v + 1) * 127.5),
    );
    let img = sharp(grey, { raw: { width: 28, height: 28, channels: 1 } }).resize(size, size);
    if (rgb) img = img.toColourspace('srgb').tint({ r: 255 * rng(), g: 255 * rng(), b: 255 * rng() });
    await img.png().toFile(join(folder, `${String(i).padStart(4, '0')}.png`));
  }
}

/** Each image blurred with a Gaussian of `sigma` pixels (sharp). */
async function blurred(s: ImageSet, sigma: number): Promise<ImageSet> {
  const per = s.height * s.width * s.channels;
  const values = new Float32Array(s.values.length);
  for (let i = 0; i < s.count; i++) {
    const bytes = Buffer.from(s.values.subarray(i * per, (i + 1) * per).map((v) => (v + 1) * 127.5));
    const raw = { width: s.width, height: s.height, channels: s.channels as 1 | 3 };
    const out = await sharp(bytes, { raw }).blur(sigma).raw().toBuffer();
    for (let k = 0; k < per; k++) values[i * per + k] = out[k]! / 127.5 - 1;
  }
  return { ...s, values };
}

/** Gaussian noise of `std` added (clipped to [-1, 1]), or, without `std`, uniform noise in place of the images. */
function noised(s: ImageSet, seed: string, std?: number): ImageSet {
  const rng = seedrandom.alea(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const values = s.values.map((v) =>
    std === undefined ? rng() * 2 - 1 : Math.max(-1, Math.min(1, v + std * gauss())),
  );
  return { ...s, values };
}

beforeAll(async () => {
  await initBackend('wasm');
  dir = mkdtempSync(join(tmpdir(), 'ganforge-any-image-'));
  process.env.GANFORGE_CACHE_DIR = join(dir, 'cache');
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  if (cacheEnv === undefined) delete process.env.GANFORGE_CACHE_DIR;
  else process.env.GANFORGE_CACHE_DIR = cacheEnv;
});
afterEach(() => vi.restoreAllMocks());

describe('the default evaluator ranks generators of a folder of images', () => {
  it.each([
    ['grayscale 48 px', 48, false],
    ['RGB 32 px', 32, true],
  ] as const)('%s: FD(held-out real) < FD(blurred, noised) < FD(uniform noise)', async (_name, size, rgb) => {
    const own = join(dir, `own-${size}`);
    const held = join(dir, `held-${size}`);
    await fashionFolder(own, 0, 400, size, rgb);
    await fashionFolder(held, 400, 300, size, rgb);
    const like = { height: size, channels: rgb ? 3 : 1 };
    const extractor = await PooledConvFeatures.load([size, size, like.channels]);
    try {
      const reference = await referenceFeatures(extractor, await ownReference(own, like, 2000));
      expect(reference.count).toBe(400);
      const real = (await datasetImages(held, like)) as ImageSet;
      const fd = async (s: ImageSet): Promise<ImageEvalReport> =>
        evaluateImages(extractor, s, reference, FAST);
      const [r, blur, noise, uniform] = [
        await fd(real),
        await fd(await blurred(real, 2)),
        await fd(noised(real, 'n', 0.3)),
        await fd(noised(real, 'u')),
      ];
      expect(r.evaluator).toBe(ANY_IMAGE_EVALUATOR_NAME);
      expect(r.classesPresent).toBeUndefined();
      expect(r.classifierScore).toBeUndefined();
      expect(blur.fd).toBeGreaterThan(1.3 * r.fd);
      expect(noise.fd).toBeGreaterThan(1.3 * r.fd);
      expect(uniform.fd).toBeGreaterThan(5 * Math.max(blur.fd, noise.fd));
      expect(r.recall).toBeGreaterThan(uniform.recall);
    } finally {
      extractor.dispose();
    }
  });
});

describe('a run on a folder of images', () => {
  let run: string;
  let photos: string;
  let logs: string[];
  let errors: string[];
  const capture = () => {
    logs = [];
    errors = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void logs.push(a.join(' ')));
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void errors.push(a.join(' ')));
  };

  beforeAll(async () => {
    photos = join(dir, 'photos');
    await fashionFolder(photos, 1000, 64, 32, true);
    run = join(dir, 'run');
    const flags = { preset: 'dcgan64', dataset: photos, imageSize: 32, epochs: 1, batchSize: 16 };
    await train(
      resolveConfig({ flags: { ...flags, filtersG: 4, filtersD: 4, latentDim: 8, evalEvery: 1, out: run } }),
    );
  });

  it('records eval.fd with --evalEvery, and the card and the last lines name the default evaluator', () => {
    const dir = new RunDir(run);
    const extra = dir.readMetrics().at(-1)!.extra!;
    expect(extra['eval.fd']).toBeGreaterThan(0);
    expect(extra['eval.samples']).toBe(64);
    expect(extra['eval.classesPresent']).toBeUndefined();
    const card = ModelCardSchema.parse(dir.readModelCard());
    expect(card.evaluation).toMatchObject({ evaluator: ANY_IMAGE_EVALUATOR_NAME, samples: 64, epoch: 1 });
    expect(card.evaluation!.reference).toContain(`the run's own images (${photos} at 32x32x3)`);
    expect(card.evaluation!.reference).toMatch(
      /comparable with neither published FID nor runs on other data/,
    );
    const lines = qualityLines(extra, 1, run, photos, [32, 32, 3]);
    expect(lines[0]).not.toMatch(/classes/);
    expect(lines[1]).toContain(`against the run's own images (${photos})`);
    expect(lines[1]).toContain(ANY_IMAGE_EVALUATOR_NAME);
    expect(lines[2]).toMatch(/rank generators of this data/);
  });

  it('`eval --run` scores it against the run’s own images and says what the figures are', async () => {
    capture();
    const json = join(dir, 'report.json');
    const args = ['--run', run, '-n', '64', '--kid-subsets', '2', '--kid-subset-size', '32', '--json', json];
    expect(await evalMain(args)).toBe(0);
    expect(logs[0]).toBe(`evaluator ${ANY_IMAGE_EVALUATOR_NAME} · 64 generated vs 64 reference images`);
    expect(logs.some((l) => l.startsWith('classes present'))).toBe(false);
    expect(logs.find((l) => l.startsWith('reference '))).toContain(
      `the run's own images (${photos}), 64 images at 32x32x3`,
    );
    expect(logs.find((l) => l.startsWith('reading '))).toMatch(/not layout or photographic detail/);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.fd).toBeGreaterThan(0);
    expect(report.about.features).toMatch(/third convolution/);
  });

  it('`eval` on samples with no run and no --ref, or a run whose folder is gone, says to pass --ref', async () => {
    const { samples } = await sampleRun(run, 16, 1);
    const idx = join(dir, 'samples-idx4-ubyte.gz');
    const bytes = Uint8Array.from(samples.values, (v) => Math.round((v + 1) * 127.5));
    writeIdxImages(idx, bytes, { count: 16, rows: 32, cols: 32, channels: 3 });
    capture();
    expect(await evalMain(['--idx', idx, '-n', '16'])).toBe(1);
    expect(errors).toEqual([
      'eval: no bundled evaluator scores 32x32x3 samples: pass --ref <images> (a folder, an IDX file or a dataset name) to score them in the default features against those, or --features <model.onnx>',
    ]);
    capture();
    const moved = join(dir, 'photos-moved');
    const config = join(run, 'config.json');
    const saved = readFileSync(config, 'utf8');
    try {
      writeFileSync(config, saved.replace(JSON.stringify(photos), JSON.stringify(moved)));
      expect(await evalMain(['--run', run, '-n', '16'])).toBe(1);
      expect(errors).toEqual([
        `eval: the run's dataset ${moved} is not there (the default evaluator compares with the run's own images): pass --ref <images> (a folder, an IDX file or a dataset name)`,
      ]);
      capture();
      const args = [
        '--run',
        run,
        '-n',
        '32',
        '--ref',
        photos,
        '--kid-subsets',
        '2',
        '--kid-subset-size',
        '16',
      ];
      expect(await evalMain(args)).toBe(0);
      expect(logs[0]).toBe(`evaluator ${ANY_IMAGE_EVALUATOR_NAME} · 32 generated vs 64 reference images`);
    } finally {
      writeFileSync(config, saved);
    }
  });
});
